import { OktaApiError } from './errors.js';
import type { OktaApi, RuleLocation } from './okta-api.js';
import type { AuthorizationServerPolicy, AuthorizationServerPolicyRule } from './schemas.js';

/**
 * Turns the rule the user named (each part an id or an exact name; `default` for the default server)
 * into ids. Names are matched exactly, case included: a near miss is an error that lists what exists,
 * never a guess.
 */

export interface RuleTarget {
  readonly authorizationServer: string;
  readonly policy: string;
  readonly rule: string;
}

/** Every rule of the policy but those named in `except` (by exact name). */
export interface PolicyTarget {
  readonly authorizationServer: string;
  readonly policy: string;
  readonly allRules: true;
  readonly except?: readonly string[];
}

export type TargetSelector = RuleTarget | PolicyTarget;

export type TargetKind = 'authorization server' | 'policy' | 'rule';

export interface Named {
  readonly id: string;
  readonly name: string;
}

/** No object, or more than one, has the id or name the user gave. */
export class TargetNotFoundError extends Error {
  override readonly name = 'TargetNotFoundError';

  constructor(
    readonly kind: TargetKind,
    readonly wanted: string,
    /** Where it was looked for, e.g. `authorization server aus1 (Second)`; '' at the top. */
    readonly scope: string,
    /** What exists there (for ambiguity: the objects that share the name). */
    readonly available: readonly Named[],
    readonly ambiguous: boolean,
  ) {
    const where = scope ? ` in ${scope}` : '';
    const listed = available.map((o) => `"${o.name}" (${o.id})`).join(', ') || 'none';
    super(
      ambiguous
        ? `${available.length} ${kind}s${where} are named "${wanted}": ${listed}; name it by id instead`
        : `no ${kind}${where} has the id or name "${wanted}"; existing: ${listed}; names must match exactly`,
    );
  }
}

function pick<T extends Named>(items: readonly T[], wanted: string, kind: TargetKind, scope: string): T {
  const byId = items.find((item) => item.id === wanted);
  if (byId) return byId;
  const byName = items.filter((item) => item.name === wanted);
  if (byName.length === 1) return byName[0] as T;
  throw byName.length > 1
    ? new TargetNotFoundError(kind, wanted, scope, byName, true)
    : new TargetNotFoundError(kind, wanted, scope, items, false);
}

// Okta ids and the `default` alias are single tokens; a value with other characters can only be a name.
const ID_SHAPE = /^[A-Za-z0-9_-]+$/;

interface ResolvedServer {
  readonly id: string;
  /** How errors name it, e.g. `authorization server "Partner API" (aus1)`. */
  readonly scope: string;
  readonly policies: readonly AuthorizationServerPolicy[];
}

async function resolveAuthorizationServer(api: OktaApi, wanted: string): Promise<ResolvedServer> {
  if (ID_SHAPE.test(wanted)) {
    try {
      // An id (or `default`) lists its policies straight away: no read of the server itself.
      return { id: wanted, scope: `authorization server ${wanted}`, policies: await api.listPolicies(wanted) };
    } catch (error) {
      if (!(error instanceof OktaApiError && error.isNotFound)) throw error;
    }
  }
  // `q` also matches audiences and substrings: filter to exact names here.
  const matches = (await api.listAuthorizationServers(wanted)).filter((server) => server.name === wanted);
  if (matches.length > 1) throw new TargetNotFoundError('authorization server', wanted, '', matches, true);
  const server = matches[0];
  if (!server) throw new TargetNotFoundError('authorization server', wanted, '', await api.listAuthorizationServers(), false);
  return { id: server.id, scope: `authorization server "${server.name}" (${server.id})`, policies: await api.listPolicies(server.id) };
}

/** The rule named in `target`, as listed by Okta, with the ids of where it lives. */
export interface ResolvedRule {
  readonly location: RuleLocation;
  readonly rule: AuthorizationServerPolicyRule;
}

/**
 * Resolves `target` in two reads when the server is given by id or `default` (three by name). The rule
 * comes back whole from the list, so callers need no separate read of it.
 */
export async function resolveRule(api: OktaApi, target: RuleTarget): Promise<ResolvedRule> {
  const server = await resolveAuthorizationServer(api, target.authorizationServer);
  const policy = pick(server.policies, target.policy, 'policy', server.scope);
  const policyScope = `policy "${policy.name}" (${policy.id}) of ${server.scope}`;
  const rule = pick(await api.listPolicyRules(server.id, policy.id), target.rule, 'rule', policyScope);
  return { location: { authServerId: server.id, policyId: policy.id, ruleId: rule.id }, rule };
}

/** A rule one of the targets names, and which target (its index in the list) named it. */
export interface TargetRule extends ResolvedRule {
  readonly target: number;
  /** How messages name it: `rule "Name" (id) in policy "P" (id) of authorization server ...`. */
  readonly label: string;
}

/** Two targets name the same rule (e.g. once by id, once by name): attaching twice makes no sense. */
export class DuplicateTargetError extends Error {
  override readonly name = 'DuplicateTargetError';
}

/**
 * Resolves every target, reading each authorization server's policies and each policy's rules once.
 * `allRules` expands to the policy's rules as they are now, minus `except` (each must exist: a typo
 * must not attach the rule it meant to spare). Throws when two targets reach the same rule.
 */
export async function resolveTargets(api: OktaApi, targets: readonly TargetSelector[]): Promise<TargetRule[]> {
  const servers = new Map<string, Promise<ResolvedServer>>();
  const rules = new Map<string, Promise<AuthorizationServerPolicyRule[]>>();
  const found: TargetRule[] = [];
  for (const [index, target] of targets.entries()) {
    let server = servers.get(target.authorizationServer);
    if (!server) servers.set(target.authorizationServer, (server = resolveAuthorizationServer(api, target.authorizationServer)));
    const { id: serverId, scope, policies } = await server;
    const policy = pick(policies, target.policy, 'policy', scope);
    const policyScope = `policy "${policy.name}" (${policy.id}) of ${scope}`;
    const key = `${serverId}/${policy.id}`;
    let listed = rules.get(key);
    if (!listed) rules.set(key, (listed = api.listPolicyRules(serverId, policy.id)));
    const inPolicy = await listed;
    const chosen = 'allRules' in target ? everyRuleBut(inPolicy, target.except ?? [], policyScope) : [pick(inPolicy, target.rule, 'rule', policyScope)];
    for (const rule of chosen) {
      const label = `rule "${rule.name}" (${rule.id}) in ${policyScope}`;
      const twin = found.find((other) => other.location.ruleId === rule.id && other.location.policyId === policy.id);
      if (twin) {
        throw new DuplicateTargetError(
          `targets ${twin.target + 1} and ${index + 1} both name ${label}: remove one of them (or add the rule to except)`,
        );
      }
      found.push({ location: { authServerId: serverId, policyId: policy.id, ruleId: rule.id }, rule, target: index, label });
    }
  }
  return found;
}

function everyRuleBut(rules: readonly AuthorizationServerPolicyRule[], except: readonly string[], scope: string): AuthorizationServerPolicyRule[] {
  const missing = except.find((name) => !rules.some((rule) => rule.name === name));
  if (missing !== undefined) throw new TargetNotFoundError('rule', missing, scope, rules, false);
  return rules.filter((rule) => !except.includes(rule.name));
}

/** Ids of the authorization server, policy and rule named in `target`. */
export async function resolveRuleLocation(api: OktaApi, target: RuleTarget): Promise<RuleLocation> {
  return (await resolveRule(api, target)).location;
}
