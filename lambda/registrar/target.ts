import type { OktaApi, RuleLocation } from '../okta/okta-api.js';
import { resolveRuleLocation } from '../okta/resolve-target.js';
import type { HookTarget } from '../shared/contract.js';

/** The rule the properties name (ids or exact names), as ids. */
export function resolveTarget(api: OktaApi, target: HookTarget): Promise<RuleLocation> {
  return resolveRuleLocation(api, { authorizationServer: target.AuthorizationServer, policy: target.Policy, rule: target.Rule });
}
