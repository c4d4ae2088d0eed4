import type { OktaApi } from '../okta/okta-api.js';
import { resolveRule, type ResolvedRule } from '../okta/resolve-target.js';
import type { HookTarget } from '../shared/contract.js';

/** The rule the properties name (ids or exact names), with its ids. */
export function resolveTarget(api: OktaApi, target: HookTarget): Promise<ResolvedRule> {
  return resolveRule(api, { authorizationServer: target.AuthorizationServer, policy: target.Policy, rule: target.Rule });
}
