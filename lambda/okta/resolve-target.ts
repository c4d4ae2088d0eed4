import { OktaApiError } from './errors.js';
import type { OktaApi, RuleLocation } from './okta-api.js';

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

async function resolveAuthorizationServer(api: OktaApi, wanted: string): Promise<Named> {
  if (ID_SHAPE.test(wanted)) {
    try {
      return await api.getAuthorizationServer(wanted);
    } catch (error) {
      if (!(error instanceof OktaApiError && error.isNotFound)) throw error;
    }
  }
  // `q` also matches audiences and substrings: filter to exact names here.
  const matches = (await api.listAuthorizationServers(wanted)).filter((server) => server.name === wanted);
  if (matches.length === 1) return matches[0] as Named;
  if (matches.length > 1) throw new TargetNotFoundError('authorization server', wanted, '', matches, true);
  throw new TargetNotFoundError('authorization server', wanted, '', await api.listAuthorizationServers(), false);
}

/** Ids of the authorization server, policy and rule named in `target`. */
export async function resolveRuleLocation(api: OktaApi, target: RuleTarget): Promise<RuleLocation> {
  const server = await resolveAuthorizationServer(api, target.authorizationServer);
  const serverScope = `authorization server "${server.name}" (${server.id})`;
  const policy = pick(await api.listPolicies(server.id), target.policy, 'policy', serverScope);
  const policyScope = `policy "${policy.name}" (${policy.id}) of ${serverScope}`;
  const rule = pick(await api.listPolicyRules(server.id, policy.id), target.rule, 'rule', policyScope);
  return { authServerId: server.id, policyId: policy.id, ruleId: rule.id };
}
