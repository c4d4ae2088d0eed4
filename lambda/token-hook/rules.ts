import { tokensOf, type ClaimRule, type ClaimSetter, type RuleConditions } from '../shared/hook-config.js';
import type { HookEditor } from './change-set.js';
import { jsonValueProblem } from './json-value.js';
import type { TokenHookRequest } from './request-schema.js';
import { clientIdOf, grantedScopesOf, grantTypeOf, policyRuleIdOf, queryParameter, valueAtPointer } from './request-values.js';

/**
 * Applies the declarative rules of the config to the change set, in order. Rules never touch a token
 * the request does not carry: the encoder leaves those out.
 */

const matchesAny = (allowed: readonly string[] | undefined, actual: string | undefined): boolean =>
  allowed === undefined || (actual !== undefined && allowed.includes(actual));

export function conditionsHold(when: RuleConditions, request: TokenHookRequest): boolean {
  if (!matchesAny(when.clientIds, clientIdOf(request))) return false;
  if (!matchesAny(when.grantTypes, grantTypeOf(request))) return false;
  if (!matchesAny(when.policyRuleIds, policyRuleIdOf(request))) return false;
  if (when.scopes) {
    const granted = grantedScopesOf(request);
    if (!when.scopes.some((scope) => granted.includes(scope))) return false;
  }
  return true;
}

/** The value a setter gives its claim, or undefined when the request has nothing for it. */
export function setterValue(setter: ClaimSetter, request: TokenHookRequest): unknown {
  if ('value' in setter) return setter.value;
  const found = valueAtPointer(request, setter.from);
  if (setter.query === undefined) return found ?? undefined;
  return typeof found === 'string' ? queryParameter(found, setter.query) : undefined;
}

/** Applies every rule whose conditions hold; returns the names of those rules. */
export function applyRules(rules: readonly ClaimRule[], request: TokenHookRequest, editor: HookEditor): string[] {
  const applied: string[] = [];
  for (const rule of rules) {
    if (!conditionsHold(rule.when, request)) continue;
    applied.push(rule.name);
    for (const setter of rule.set) {
      const value = setterValue(setter, request);
      // A request value JSON cannot carry (1e400 parses to Infinity) counts as nothing there.
      if (value === undefined || value === null || jsonValueProblem(value) !== undefined) continue;
      for (const token of tokensOf(setter.token)) editor[token].set(setter.claim, value);
    }
    for (const removal of rule.remove) {
      for (const token of tokensOf(removal.token)) editor[token].remove(removal.claim);
    }
    if (rule.lifetime.access !== undefined) editor.access.lifetime(rule.lifetime.access);
    if (rule.lifetime.identity !== undefined) editor.identity.lifetime(rule.lifetime.identity);
  }
  return applied;
}
