import type { OktaApi } from '../okta/okta-api.js';
import { resolveTargets as resolveSelectors, type TargetRule, type TargetSelector } from '../okta/resolve-target.js';
import type { TargetSpec } from '../shared/contract.js';

/** The property's spelling of a target, as the Okta port names it. */
export function selectorOf(target: TargetSpec): TargetSelector {
  const { AuthorizationServer: authorizationServer, Policy: policy } = target;
  if (target.Rule !== undefined) return { authorizationServer, policy, rule: target.Rule };
  return { authorizationServer, policy, allRules: true, ...(target.Except ? { except: target.Except } : {}) };
}

/** The rules the targets name (ids or exact names; `AllRules` expanded), each once, in target order. */
export function resolveTargets(api: OktaApi, targets: readonly TargetSpec[]): Promise<TargetRule[]> {
  return resolveSelectors(api, targets.map(selectorOf));
}
