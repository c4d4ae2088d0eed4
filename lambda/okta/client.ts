import * as z from 'zod';
import { sswsAuthorizer, type Authorizer } from './authorizer.js';
import { isServiceApp, type OktaCredentials } from './credentials.js';
import { OktaApiError } from './errors.js';
import { failureFromResult, unreadableResponse } from './failure-message.js';
import { nextLink } from './link-header.js';
import { silentLog, type OktaLog } from './log.js';
import type { OktaApi } from './okta-api.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';
import {
  AuthorizationServerPolicyRuleSchema,
  AuthorizationServerPolicySchema,
  AuthorizationServerSchema,
  ClientJwkSchema,
  ClientSecretSchema,
  HookKeySchema,
  HookPublicKeySchema,
  InlineHookSchema,
  LogEventSchema,
  OAuth2ScopeSchema,
  ServiceAppSchema,
  TOKEN_HOOK_TYPE,
  type AuthorizationServerPolicyDefinition,
  type LogQuery,
  type AuthorizationServerPolicyRule,
  type InlineHookDefinition,
  type PublicJwk,
  type PolicyRuleDefinition,
  type ServiceAppDefinition,
} from './schemas.js';
import { serviceAppAuthorizer } from './service-app-authorizer.js';
import { createTransport, type HttpResult, type Transport } from './transport.js';

/**
 * The fetch-based implementation of `OktaApi`: one method per Okta operation, zod-parsed answers,
 * retries and deadlines from the transport, auth from the credentials.
 */

export interface OktaClientOptions {
  readonly credentials: OktaCredentials;
  readonly fetch?: typeof fetch;
  readonly retry?: Partial<RetryPolicy>;
  /** Limit of one HTTP attempt. @default 10000 */
  readonly callTimeoutMs?: number;
  /** Epoch ms bounding every call of this client (see also `withDeadline`). @default none */
  readonly deadlineEpochMs?: number;
  /** Aborts every running and future call of this client. @default none */
  readonly signal?: AbortSignal;
  /** Page size asked of `listAuthorizationServers` (Okta's maximum and default is 200). @default 200 */
  readonly pageSize?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock of deadlines, rate-limit waits and the token cache (JWTs sent to Okta use the wall clock). */
  readonly now?: () => number;
  readonly random?: () => number;
  readonly log?: OktaLog;
}

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;
// A guard against a server that links pages in a circle; 100 pages of 200 is far beyond any real org.
const MAX_PAGES = 100;
/** Okta's largest System Log page. */
const LOG_PAGE_SIZE = 1000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface ClientContext {
  readonly orgUrl: string;
  readonly transport: Transport;
  readonly authorizer: Authorizer;
  readonly pageSize: number | undefined;
  readonly signal: AbortSignal | undefined;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface CallSpec {
  readonly operation: string;
  readonly method: Method;
  /** Path below the org. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly idempotent?: boolean;
  readonly retryServerErrors?: boolean;
}

const seg = encodeURIComponent;

class OktaHttpClient implements OktaApi {
  readonly orgUrl: string;

  constructor(
    private readonly context: ClientContext,
    private readonly deadlineMs: number | undefined,
    private readonly outwaitRateLimits = false,
  ) {
    this.orgUrl = context.orgUrl;
  }

  /** The same client (shared token cache) with every call bounded by `deadlineMs` as well. */
  bounded(deadlineMs: number, outwaitRateLimits: boolean): OktaHttpClient {
    const deadline = this.deadlineMs === undefined ? deadlineMs : Math.min(this.deadlineMs, deadlineMs);
    return new OktaHttpClient(this.context, deadline, outwaitRateLimits);
  }

  private url(path: string, query: CallSpec['query'], operation = 'request'): string {
    const url = new URL(path, this.orgUrl);
    if (url.origin !== this.orgUrl) {
      throw new OktaApiError(`okta call ${operation} returned a link outside the org (${url.origin}); refusing to send credentials there`, {
        operation,
        status: 0,
        kind: 'response',
      });
    }
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async send(spec: CallSpec, url: string): Promise<HttpResult> {
    const { authorizer, transport } = this.context;
    const idempotent = spec.idempotent ?? spec.method !== 'POST';
    // A body-less POST still sends Content-Length: 0; Okta answers 411 without it.
    const body = spec.body === undefined ? (spec.method === 'POST' ? '' : undefined) : JSON.stringify(spec.body);
    const result = await transport.exchange({
      operation: spec.operation,
      idempotent,
      ...(spec.retryServerErrors !== undefined ? { retryServerErrors: spec.retryServerErrors } : {}),
      ...(this.deadlineMs !== undefined ? { deadlineMs: this.deadlineMs } : {}),
      ...(this.outwaitRateLimits ? { maxRateLimitWaitMs: Number.POSITIVE_INFINITY } : {}),
      ...(this.context.signal ? { signal: this.context.signal } : {}),
      build: async () => ({
        url,
        method: spec.method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined && body !== '' ? { 'content-type': 'application/json' } : {}),
          ...(await authorizer.headers(spec.method, url, this.deadlineMs)),
        },
        ...(body !== undefined ? { body } : {}),
      }),
      reauthorize: (answer) => authorizer.recover(answer),
    });
    if (result.status >= 200 && result.status < 300) return result;
    throw failureFromResult(result, {
      operation: spec.operation,
      auth: authorizer.kind,
      outcomeUnknown: !idempotent && result.status >= 500,
    });
  }

  private parse<T>(result: HttpResult, operation: string, schema: z.ZodType<T>): T {
    let json: unknown;
    try {
      json = JSON.parse(result.text);
    } catch {
      throw unreadableResponse(result, operation, 'not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const paths = [...new Set(parsed.error.issues.map((i) => `/${i.path.join('/')}`))].slice(0, 5);
      throw unreadableResponse(result, operation, `unexpected shape at ${paths.join(', ')}`);
    }
    return parsed.data;
  }

  private async call<T>(spec: CallSpec, schema: z.ZodType<T>): Promise<T> {
    return this.parse(await this.send(spec, this.url(spec.path, spec.query)), spec.operation, schema);
  }

  /** Every page of a list, following `Link: rel="next"` (only within the org). */
  private async list<T>(spec: CallSpec, item: z.ZodType<T>): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let url: string | undefined = this.url(spec.path, spec.query);
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_PAGES || seen.has(url)) {
        throw new OktaApiError(`okta call ${spec.operation} kept returning next pages; stopped after ${page}`, {
          operation: spec.operation,
          status: 0,
          kind: 'response',
        });
      }
      seen.add(url);
      const result = await this.send(spec, url);
      items.push(...this.parse(result, spec.operation, z.array(item)));
      const next = nextLink(result.headers.get('link'));
      url = next === undefined ? undefined : this.url(next, undefined, spec.operation);
    }
    return items;
  }

  listInlineHooks(type?: string) {
    return this.list({ operation: 'listInlineHooks', method: 'GET', path: '/api/v1/inlineHooks', query: { type } }, InlineHookSchema);
  }

  getInlineHook(hookId: string) {
    return this.call({ operation: 'getInlineHook', method: 'GET', path: `/api/v1/inlineHooks/${seg(hookId)}` }, InlineHookSchema);
  }

  createInlineHook(definition: InlineHookDefinition) {
    // Not idempotent: after a timeout or 5xx the hook may exist, so no blind retry (see ExchangeRequest);
    // the error carries `outcomeUnknown` and the caller looks the hook up by name.
    return this.call(
      {
        operation: 'createInlineHook',
        method: 'POST',
        path: '/api/v1/inlineHooks',
        body: { name: definition.name, type: TOKEN_HOOK_TYPE, version: '1.0.0', channel: channelOf(definition) },
        idempotent: false,
      },
      InlineHookSchema,
    );
  }

  replaceInlineHook(hookId: string, definition: InlineHookDefinition) {
    return this.call(
      {
        operation: 'replaceInlineHook',
        method: 'PUT',
        path: `/api/v1/inlineHooks/${seg(hookId)}`,
        body: { name: definition.name, version: '1.0.0', channel: channelOf(definition) },
      },
      InlineHookSchema,
    );
  }

  activateInlineHook(hookId: string) {
    return this.lifecycle('activateInlineHook', hookId, 'activate');
  }

  deactivateInlineHook(hookId: string) {
    return this.lifecycle('deactivateInlineHook', hookId, 'deactivate');
  }

  private lifecycle(operation: string, hookId: string, action: 'activate' | 'deactivate') {
    // Setting a state twice has the same effect as once: safe to retry.
    return this.call(
      { operation, method: 'POST', path: `/api/v1/inlineHooks/${seg(hookId)}/lifecycle/${action}`, idempotent: true },
      InlineHookSchema,
    );
  }

  async deleteInlineHook(hookId: string): Promise<void> {
    const path = `/api/v1/inlineHooks/${seg(hookId)}`;
    await this.send({ operation: 'deleteInlineHook', method: 'DELETE', path }, this.url(path, undefined));
  }

  async executeInlineHook(hookId: string, payload: unknown): Promise<unknown> {
    // Okta itself retries the hook once; its 5xx here is the hook's verdict (E0000134/E0000137), not an outage.
    const spec: CallSpec = {
      operation: 'executeInlineHook',
      method: 'POST',
      path: `/api/v1/inlineHooks/${seg(hookId)}/execute`,
      body: payload,
      idempotent: true,
      retryServerErrors: false,
    };
    const result = await this.send(spec, this.url(spec.path, undefined));
    // A hook that changes nothing may answer 204; Okta passes the empty answer on.
    if (result.status === 204 || result.text.trim() === '') return undefined;
    return this.parse(result, spec.operation, z.unknown());
  }

  listAuthorizationServers(query?: string) {
    return this.list(
      {
        operation: 'listAuthorizationServers',
        method: 'GET',
        path: '/api/v1/authorizationServers',
        query: { q: query, limit: this.context.pageSize },
      },
      AuthorizationServerSchema,
    );
  }

  getAuthorizationServer(authServerId: string) {
    return this.call(
      { operation: 'getAuthorizationServer', method: 'GET', path: `/api/v1/authorizationServers/${seg(authServerId)}` },
      AuthorizationServerSchema,
    );
  }

  listPolicies(authServerId: string) {
    return this.list(
      { operation: 'listPolicies', method: 'GET', path: `/api/v1/authorizationServers/${seg(authServerId)}/policies` },
      AuthorizationServerPolicySchema,
    );
  }

  listPolicyRules(authServerId: string, policyId: string) {
    return this.list(
      { operation: 'listPolicyRules', method: 'GET', path: rulesPath(authServerId, policyId) },
      AuthorizationServerPolicyRuleSchema,
    );
  }

  getPolicyRule(authServerId: string, policyId: string, ruleId: string) {
    return this.call(
      { operation: 'getPolicyRule', method: 'GET', path: `${rulesPath(authServerId, policyId)}/${seg(ruleId)}` },
      AuthorizationServerPolicyRuleSchema,
    );
  }

  listLogEvents(query: LogQuery) {
    // Always bounded: a query without `until` is a polling query, whose next link never runs out.
    return this.list(
      {
        operation: 'listLogEvents',
        method: 'GET',
        path: '/api/v1/logs',
        query: {
          since: query.since,
          until: query.until ?? new Date().toISOString(),
          filter: query.filter,
          q: query.q,
          limit: query.limit ?? LOG_PAGE_SIZE,
          sortOrder: 'ASCENDING',
        },
      },
      LogEventSchema,
    );
  }

  createHookKey(name: string) {
    // Not idempotent (a second key with the name is refused): the caller looks the key up by name after an ambiguous failure.
    return this.call({ operation: 'createHookKey', method: 'POST', path: '/api/v1/hook-keys', body: { name }, idempotent: false }, HookKeySchema);
  }

  listHookKeys() {
    return this.list({ operation: 'listHookKeys', method: 'GET', path: '/api/v1/hook-keys' }, HookKeySchema);
  }

  async getHookPublicKey(keyId: string) {
    const answer = await this.call({ operation: 'getHookPublicKey', method: 'GET', path: `/api/v1/hook-keys/public/${seg(keyId)}` }, HookPublicKeySchema);
    const { kty, kid, e, n } = answer._embedded;
    return { kty, kid, e, n };
  }

  async deleteHookKey(id: string): Promise<void> {
    await this.delete('deleteHookKey', `/api/v1/hook-keys/${seg(id)}`);
  }

  listClientSecrets(appId: string) {
    return this.list({ operation: 'listOAuth2ClientSecrets', method: 'GET', path: secretsPath(appId) }, ClientSecretSchema);
  }

  createClientSecret(appId: string, clientSecret: string) {
    return this.call(
      {
        operation: 'createOAuth2ClientSecret',
        method: 'POST',
        path: secretsPath(appId),
        body: { client_secret: clientSecret, status: 'ACTIVE' },
        idempotent: false,
      },
      ClientSecretSchema,
    );
  }

  activateClientSecret(appId: string, secretId: string) {
    return this.credentialLifecycle('activateOAuth2ClientSecret', `${secretsPath(appId)}/${seg(secretId)}`, 'activate', ClientSecretSchema);
  }

  deactivateClientSecret(appId: string, secretId: string) {
    return this.credentialLifecycle('deactivateOAuth2ClientSecret', `${secretsPath(appId)}/${seg(secretId)}`, 'deactivate', ClientSecretSchema);
  }

  async deleteClientSecret(appId: string, secretId: string): Promise<void> {
    await this.delete('deleteOAuth2ClientSecret', `${secretsPath(appId)}/${seg(secretId)}`);
  }

  listClientJwks(appId: string) {
    return this.list({ operation: 'listJwk', method: 'GET', path: jwksPath(appId) }, ClientJwkSchema);
  }

  addClientJwk(appId: string, key: PublicJwk) {
    const { kty, kid, e, n } = key;
    return this.call(
      {
        operation: 'addJwk',
        method: 'POST',
        path: jwksPath(appId),
        body: { kty, kid, e, n, alg: 'RS256', use: 'sig', status: 'ACTIVE' },
        idempotent: false,
      },
      ClientJwkSchema,
    );
  }

  activateClientJwk(appId: string, keyId: string) {
    return this.credentialLifecycle('activateOAuth2ClientJsonWebKey', `${jwksPath(appId)}/${seg(keyId)}`, 'activate', ClientJwkSchema);
  }

  deactivateClientJwk(appId: string, keyId: string) {
    return this.credentialLifecycle('deactivateOAuth2ClientJsonWebKey', `${jwksPath(appId)}/${seg(keyId)}`, 'deactivate', ClientJwkSchema);
  }

  async deleteClientJwk(appId: string, keyId: string): Promise<void> {
    await this.delete('deletejwk', `${jwksPath(appId)}/${seg(keyId)}`);
  }

  private credentialLifecycle<T>(operation: string, path: string, action: 'activate' | 'deactivate', schema: z.ZodType<T>): Promise<T> {
    // Setting a state twice has the same effect as once: safe to retry.
    return this.call({ operation, method: 'POST', path: `${path}/lifecycle/${action}`, idempotent: true }, schema);
  }

  createServiceApp(definition: ServiceAppDefinition) {
    const jwks = definition.jwks?.map(({ kty, kid, e, n }) => ({ kty, kid, e, n, alg: 'RS256', use: 'sig' }));
    return this.call(
      {
        operation: 'createServiceApp',
        method: 'POST',
        path: '/api/v1/apps',
        body: {
          name: 'oidc_client',
          label: definition.label,
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: definition.authMethod, autoKeyRotation: true } },
          settings: {
            oauthClient: {
              application_type: 'service',
              grant_types: ['client_credentials'],
              response_types: ['token'],
              ...(jwks ? { jwks: { keys: jwks } } : {}),
            },
          },
        },
        idempotent: false,
      },
      ServiceAppSchema,
    );
  }

  listApps(query: string) {
    return this.list({ operation: 'listApps', method: 'GET', path: '/api/v1/apps', query: { q: query } }, ServiceAppSchema);
  }

  async deactivateApp(appId: string): Promise<void> {
    const path = `/api/v1/apps/${seg(appId)}/lifecycle/deactivate`;
    await this.send({ operation: 'deactivateApp', method: 'POST', path, idempotent: true }, this.url(path, undefined));
  }

  async deleteApp(appId: string): Promise<void> {
    await this.delete('deleteApp', `/api/v1/apps/${seg(appId)}`);
  }

  listScopes(authServerId: string) {
    return this.list({ operation: 'listScopes', method: 'GET', path: `/api/v1/authorizationServers/${seg(authServerId)}/scopes` }, OAuth2ScopeSchema);
  }

  createScope(authServerId: string, scope: { name: string; description: string }) {
    return this.call(
      {
        operation: 'createScope',
        method: 'POST',
        path: `/api/v1/authorizationServers/${seg(authServerId)}/scopes`,
        body: { name: scope.name, description: scope.description, consent: 'IMPLICIT', metadataPublish: 'NO_CLIENTS', default: false },
        idempotent: false,
      },
      OAuth2ScopeSchema,
    );
  }

  async deleteScope(authServerId: string, scopeId: string): Promise<void> {
    await this.delete('deleteScope', `/api/v1/authorizationServers/${seg(authServerId)}/scopes/${seg(scopeId)}`);
  }

  createPolicy(authServerId: string, policy: AuthorizationServerPolicyDefinition) {
    return this.call(
      {
        operation: 'createPolicy',
        method: 'POST',
        path: `/api/v1/authorizationServers/${seg(authServerId)}/policies`,
        body: {
          type: 'OAUTH_AUTHORIZATION_POLICY',
          name: policy.name,
          description: policy.description,
          status: 'ACTIVE',
          priority: policy.priority,
          conditions: { clients: { include: [...policy.clients] } },
        },
        idempotent: false,
      },
      AuthorizationServerPolicySchema,
    );
  }

  async deletePolicy(authServerId: string, policyId: string): Promise<void> {
    await this.delete('deletePolicy', `/api/v1/authorizationServers/${seg(authServerId)}/policies/${seg(policyId)}`);
  }

  createPolicyRule(authServerId: string, policyId: string, rule: PolicyRuleDefinition) {
    return this.call(
      {
        operation: 'createPolicyRule',
        method: 'POST',
        path: rulesPath(authServerId, policyId),
        body: {
          name: rule.name,
          type: 'RESOURCE_ACCESS',
          status: 'ACTIVE',
          priority: rule.priority,
          // Okta asks every rule for its people; a client credentials token has none, so everyone.
          conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: [...rule.grantTypes] }, scopes: { include: [...rule.scopes] } },
          actions: { token: { accessTokenLifetimeMinutes: rule.accessTokenLifetimeMinutes } },
        },
        idempotent: false,
      },
      AuthorizationServerPolicyRuleSchema,
    );
  }

  private async delete(operation: string, path: string): Promise<void> {
    await this.send({ operation, method: 'DELETE', path }, this.url(path, undefined));
  }

  replacePolicyRule(authServerId: string, policyId: string, ruleId: string, rule: AuthorizationServerPolicyRule) {
    return this.call(
      {
        operation: 'replacePolicyRule',
        method: 'PUT',
        path: `${rulesPath(authServerId, policyId)}/${seg(ruleId)}`,
        body: ruleForPut(rule),
      },
      AuthorizationServerPolicyRuleSchema,
    );
  }
}

function rulesPath(authServerId: string, policyId: string): string {
  return `/api/v1/authorizationServers/${seg(authServerId)}/policies/${seg(policyId)}/rules`;
}

function secretsPath(appId: string): string {
  return `/api/v1/apps/${seg(appId)}/credentials/secrets`;
}

function jwksPath(appId: string): string {
  return `/api/v1/apps/${seg(appId)}/credentials/jwks`;
}

/**
 * The channel of a hook definition: HTTP with header auth, the write-only key included (Okta never
 * returns it), or OAUTH with the client and how Okta authenticates it.
 */
function channelOf(definition: InlineHookDefinition) {
  const headers = (definition.headers ?? []).map(({ key, value }) => ({ key, value }));
  if ('oauth' in definition) {
    const { oauth } = definition;
    return {
      type: 'OAUTH',
      version: '1.0.0',
      config: {
        uri: definition.uri,
        headers,
        method: 'POST',
        authType: oauth.authType,
        clientId: oauth.clientId,
        tokenUrl: oauth.tokenUrl,
        scope: oauth.scope,
        ...(oauth.authType === 'private_key_jwt' ? { hookKeyId: oauth.hookKeyId } : { clientSecret: definition.clientSecret }),
      },
    };
  }
  return {
    type: 'HTTP',
    version: '1.0.0',
    config: {
      uri: definition.uri,
      headers,
      method: 'POST',
      authScheme: { type: 'HEADER', key: definition.authHeader, value: definition.authValue },
    },
  };
}

/** The rule as read, minus HAL links (not part of a rule, only navigation); everything else goes back. */
function ruleForPut(rule: AuthorizationServerPolicyRule): Record<string, unknown> {
  const { _links: _ignored, ...rest } = rule as AuthorizationServerPolicyRule & { _links?: unknown };
  return rest;
}

/** Builds the real client. Invalid credentials fail here (e.g. an unreadable private key), not on first use. */
export function createOktaClient(options: OktaClientOptions): OktaApi {
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLog;
  const transport = createTransport({
    fetch: options.fetch ?? globalThis.fetch,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    callTimeoutMs: options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    sleep: options.sleep ?? defaultSleep,
    now,
    random: options.random ?? Math.random,
    log,
  });
  const { credentials } = options;
  const authorizer = isServiceApp(credentials)
    ? serviceAppAuthorizer({ credentials, transport, now, log })
    : sswsAuthorizer(credentials.apiToken);
  return new OktaHttpClient(
    { orgUrl: credentials.orgUrl, transport, authorizer, pageSize: options.pageSize, signal: options.signal },
    options.deadlineEpochMs,
  );
}

export interface DeadlineOptions {
  /**
   * Wait for any rate-limit reset that comes before the deadline, however far (for undo and cleanup,
   * which have their own time and must not give up on a 429 storm). @default false: the policy's limit
   */
  readonly outwaitRateLimits?: boolean;
}

/**
 * `api` with every call bounded by `deadlineEpochMs`: no attempt starts after it and a running one is
 * aborted at it, so a custom resource finishes inside its Lambda timeout. The real client keeps its
 * token cache; any other `OktaApi` (a fake) is raced against the deadline.
 */
export function withDeadline(api: OktaApi, deadlineEpochMs: number, now: () => number = Date.now, options: DeadlineOptions = {}): OktaApi {
  if (api instanceof OktaHttpClient) return api.bounded(deadlineEpochMs, options.outwaitRateLimits ?? false);
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => raceDeadline(String(property), () => value.apply(target, args), deadlineEpochMs, now);
    },
  });
}

async function raceDeadline<T>(operation: string, run: () => Promise<T>, deadlineMs: number, now: () => number): Promise<T> {
  const expired = () =>
    new OktaApiError(`okta call ${operation} did not finish before the deadline; give the whole operation more time`, {
      operation,
      status: 0,
      kind: 'deadline',
      outcomeUnknown: true,
    });
  const remaining = deadlineMs - now();
  if (remaining <= 0) throw expired();
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(expired()), remaining);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
