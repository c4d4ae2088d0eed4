import * as z from 'zod';
import { notFound, validationError } from './errors.js';
import { ID_PREFIX, oktaId } from './ids.js';
import { TOKEN_HOOK_TYPE } from '../../../lambda/okta/schemas.js';
import type { SimAuthorizationServer, SimPolicy, SimRule, SimState } from './model.js';
import { parseBody } from './request-validation.js';
import { OIDC_SCOPES } from './seed.js';

/** Spec `GrantType` values a rule condition may name. */
export const GRANT_TYPES = [
  'authorization_code',
  'client_credentials',
  'implicit',
  'interaction_code',
  'password',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:openid:params:grant-type:ciba',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-oob',
] as const;

/** Token actions Okta fills in when a PUT leaves them out (replace semantics: they are reset, not kept). */
const DEFAULT_TOKEN_ACTIONS = { accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 };

const IncludeExclude = z.looseObject({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() });

/** `AuthorizationServerPolicyRuleRequest`: `name`, `type`, `conditions` required; read-only fields ignored. */
export const RuleRequestSchema = z.object({
  name: z.string().min(1).max(255),
  type: z.literal('RESOURCE_ACCESS'),
  status: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  priority: z.int().min(0).optional(),
  conditions: z.looseObject({
    people: z.looseObject({ users: IncludeExclude.optional(), groups: IncludeExclude.optional() }).optional(),
    grantTypes: z.looseObject({ include: z.array(z.enum(GRANT_TYPES)).min(1) }),
    // Real Okta accepts `"scopes": {}` (the Terraform provider sends it) and answers `include: []`.
    scopes: z.looseObject({ include: z.array(z.string().min(1)).optional() }),
  }),
  actions: z
    .looseObject({
      token: z
        .looseObject({
          accessTokenLifetimeMinutes: z.int().min(5).max(1440).optional(),
          refreshTokenLifetimeMinutes: z.int().min(0).optional(),
          refreshTokenWindowMinutes: z.int().min(5).max(2628000).optional(),
          inlineHook: z.looseObject({ id: z.string().min(1) }).optional(),
        })
        .optional(),
    })
    .optional(),
});

/** `AuthorizationServer` as a create or replace sends it; read-only fields (`id`, `issuer`, `_links`, ...) are ignored. */
const ServerRequestSchema = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(1024).nullish(),
  audiences: z.array(z.string().min(1)).min(1),
  issuerMode: z.enum(['ORG_URL', 'DYNAMIC', 'CUSTOM_URL']).optional(),
  credentials: z.looseObject({ signing: z.looseObject({ rotationMode: z.enum(['AUTO', 'MANUAL']).optional() }).optional() }).nullish(),
});

/** POST: a new server, `ACTIVE`, with Okta's OIDC scopes and no policies. */
export function createServer(state: SimState, body: unknown, now: string): SimAuthorizationServer {
  const input = parseBody(ServerRequestSchema, body);
  const server: SimAuthorizationServer = {
    id: oktaId(ID_PREFIX.authorizationServer),
    name: input.name,
    description: input.description ?? null,
    audiences: [...input.audiences],
    issuerMode: input.issuerMode ?? 'ORG_URL',
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    // A new server rotates its keys automatically whatever the create asks; a replace can change that.
    rotationMode: 'AUTO',
    lastRotated: now,
    scopes: { ...OIDC_SCOPES },
    policies: [],
  };
  state.authorizationServers.push(server);
  return server;
}

/** PUT: name, description, audiences, issuer mode and rotation mode become the request's. */
export function replaceServer(state: SimState, id: string, body: unknown, now: string): SimAuthorizationServer {
  const server = findServer(state, id);
  const input = parseBody(ServerRequestSchema, body);
  server.name = input.name;
  server.description = input.description ?? null;
  server.audiences = [...input.audiences];
  server.issuerMode = input.issuerMode ?? server.issuerMode;
  server.rotationMode = input.credentials?.signing?.rotationMode ?? server.rotationMode;
  server.lastUpdated = now;
  return server;
}

export function deleteServer(state: SimState, id: string): void {
  const server = findServer(state, id);
  state.authorizationServers.splice(state.authorizationServers.indexOf(server), 1);
}

export function setServerStatus(state: SimState, id: string, status: SimAuthorizationServer['status'], now: string): void {
  const server = findServer(state, id);
  if (server.status !== status) {
    server.status = status;
    server.lastUpdated = now;
  }
}

export function findServer(state: SimState, id: string): SimAuthorizationServer {
  const server = state.authorizationServers.find((candidate) => candidate.id === id);
  if (!server) throw notFound(id, 'AuthorizationServer');
  return server;
}

export function findPolicy(state: SimState, serverId: string, policyId: string): SimPolicy {
  const policy = findServer(state, serverId).policies.find((candidate) => candidate.id === policyId);
  if (!policy) throw notFound(policyId, 'Policy');
  return policy;
}

export function findRule(state: SimState, serverId: string, policyId: string, ruleId: string): SimRule {
  const rule = findPolicy(state, serverId, policyId).rules.find((candidate) => candidate.id === ruleId);
  if (!rule) throw notFound(ruleId, 'PolicyRule');
  return rule;
}

export function byPriority<T extends { priority: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.priority - b.priority);
}

/** `q` matches name and audiences, as Okta's search does. */
export function listServers(state: SimState, q: string | null): SimAuthorizationServer[] {
  if (!q) return state.authorizationServers;
  const needle = q.toLowerCase();
  return state.authorizationServers.filter(
    (server) => server.name.toLowerCase().includes(needle) || server.audiences.some((a) => a.toLowerCase().includes(needle)),
  );
}

/** The rule a request describes; `kept` are the fields Okta owns (id, created, system) or keeps when omitted. */
function ruleFromRequest(
  state: SimState,
  body: unknown,
  kept: Pick<SimRule, 'id' | 'created' | 'system' | 'status' | 'priority'>,
  now: string,
): SimRule {
  const input = parseBody(RuleRequestSchema, body);
  const token = input.actions?.token ?? {};
  const { inlineHook, ...tokenRest } = token;
  if (inlineHook) {
    const hook = state.inlineHooks.find((candidate) => candidate.id === inlineHook.id);
    if (!hook || hook.type !== TOKEN_HOOK_TYPE) {
      throw validationError([`actions.token.inlineHook.id: No token inline hook with id ${inlineHook.id} exists`], 'inlineHook');
    }
    if (hook.status !== 'ACTIVE') {
      throw validationError([`actions.token.inlineHook.id: The inline hook ${inlineHook.id} is not active`], 'inlineHook');
    }
  }
  const { actions: _actions, status, priority, ...rest } = input;
  return {
    ...structuredClone(rest),
    id: kept.id,
    status: status ?? kept.status,
    priority: priority ?? kept.priority,
    system: kept.system,
    conditions: storedConditions(input.conditions),
    actions: {
      ...structuredClone(input.actions ?? {}),
      token: { ...DEFAULT_TOKEN_ACTIONS, ...structuredClone(tokenRest), ...(inlineHook ? { inlineHook: { id: inlineHook.id } } : {}) },
    },
    created: kept.created,
    lastUpdated: now,
  };
}

/**
 * Conditions as Okta stores them: grant types sorted, a missing scope list empty, and `people.users`
 * always with an `exclude` list (`{}` becomes `{exclude: []}`), as the recorded answers show.
 */
function storedConditions(conditions: z.infer<typeof RuleRequestSchema>['conditions']): Record<string, unknown> {
  const { people, grantTypes, scopes, ...rest } = structuredClone(conditions);
  const stored: Record<string, unknown> = { ...rest };
  if (people) {
    const { users, ...otherPeople } = people;
    stored.people = users ? { users: { ...users, exclude: users.exclude ?? [] }, ...otherPeople } : people;
  }
  stored.grantTypes = { ...grantTypes, include: [...grantTypes.include].sort() };
  stored.scopes = { ...scopes, include: scopes.include ?? [] };
  return stored;
}

/** PUT: the stored rule becomes exactly the request, plus the read-only fields Okta keeps. */
export function replaceRule(state: SimState, serverId: string, policyId: string, ruleId: string, body: unknown, now: string): SimRule {
  const policy = findPolicy(state, serverId, policyId);
  const existing = findRule(state, serverId, policyId, ruleId);
  const replaced = ruleFromRequest(state, body, existing, now);
  policy.rules[policy.rules.indexOf(existing)] = replaced;
  return replaced;
}

/** POST: a new rule, `ACTIVE` and last in priority unless the request says otherwise. */
export function createRule(state: SimState, serverId: string, policyId: string, body: unknown, now: string): SimRule {
  const policy = findPolicy(state, serverId, policyId);
  const priority = Math.max(0, ...policy.rules.map((rule) => rule.priority)) + 1;
  const created = ruleFromRequest(state, body, { id: oktaId(ID_PREFIX.rule), created: now, system: false, status: 'ACTIVE', priority }, now);
  policy.rules.push(created);
  return created;
}

/** DELETE: system rules stay. */
export function deleteRule(state: SimState, serverId: string, policyId: string, ruleId: string): void {
  const policy = findPolicy(state, serverId, policyId);
  const rule = findRule(state, serverId, policyId, ruleId);
  if (rule.system) throw validationError(['system: A system rule cannot be deleted'], 'system');
  policy.rules.splice(policy.rules.indexOf(rule), 1);
}

export function setPolicyStatus(state: SimState, serverId: string, policyId: string, status: SimPolicy['status'], now: string): void {
  const policy = findPolicy(state, serverId, policyId);
  if (policy.status !== status) {
    policy.status = status;
    policy.lastUpdated = now;
  }
}

export function setRuleStatus(state: SimState, serverId: string, policyId: string, ruleId: string, status: SimRule['status'], now: string): void {
  const rule = findRule(state, serverId, policyId, ruleId);
  if (rule.status !== status) {
    rule.status = status;
    rule.lastUpdated = now;
  }
}
