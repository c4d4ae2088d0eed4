import { isDeepStrictEqual } from 'node:util';
import type { OktaApi, RuleLocation } from '../okta/okta-api.js';
import type { AuthorizationServerPolicyRule } from '../okta/schemas.js';
import { RuleConflictError } from './errors.js';

type Rule = AuthorizationServerPolicyRule;

/** What a rule's hook should become: an id, `null` for none, or `undefined` to leave the rule alone. */
export type HookChoice = string | null | undefined;

export interface RuleHookChange {
  /** The rule as read just before our write (or as found, when nothing was written). */
  readonly before: Rule;
  /** The rule as Okta stored it after our write. */
  readonly after: Rule;
  readonly written: boolean;
}

export interface SetRuleHookOptions {
  /** A read taken earlier (e.g. before creating the hook); the write happens only if the rule still matches it. */
  readonly initial?: Rule;
  readonly attempts?: number;
  readonly log?: (event: object) => void;
}

export function hookIdOf(rule: Rule): string | undefined {
  return rule.actions?.token?.inlineHook?.id ?? undefined;
}

/** The rule with only `actions.token.inlineHook` changed; HAL links dropped (read-only, not part of a PUT). */
export function withRuleHook(rule: Rule, hookId: string | null): Rule {
  const { _links: _ignored, ...copy } = structuredClone(rule) as Rule & { _links?: unknown };
  const actions: Record<string, unknown> = { ...(copy.actions ?? {}) };
  const token: Record<string, unknown> = { ...((actions.token as Record<string, unknown> | undefined) ?? {}) };
  if (hookId) token.inlineHook = { id: hookId };
  else delete token.inlineHook;
  if (Object.keys(token).length > 0) actions.token = token;
  else delete actions.token;
  if (Object.keys(actions).length > 0) copy.actions = actions;
  else delete copy.actions;
  return copy;
}

function comparable(rule: Rule, ignoreWriteStamp: boolean): unknown {
  const { _links: _l, lastUpdated, ...rest } = rule as Rule & { _links?: unknown; lastUpdated?: unknown };
  return ignoreWriteStamp ? rest : { ...rest, lastUpdated };
}

/** Same content; `lastUpdated` counts, so any write in between is noticed. */
function unchanged(a: Rule, b: Rule): boolean {
  return isDeepStrictEqual(comparable(a, false), comparable(b, false));
}

/**
 * Read-modify-write of one rule's hook (Okta has no ETags): read, decide, read again right before the
 * PUT and start over if anything moved, PUT the whole rule, read back. The read-back must show our hook;
 * any other difference means an admin wrote after us (kept, and logged).
 */
export async function setRuleHook(
  api: OktaApi,
  location: RuleLocation,
  choose: (rule: Rule) => HookChoice,
  options: SetRuleHookOptions = {},
): Promise<RuleHookChange> {
  const { authServerId, policyId, ruleId } = location;
  const read = () => api.getPolicyRule(authServerId, policyId, ruleId);
  const attempts = options.attempts ?? 3;
  let seen = options.initial ?? (await read());
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const choice = choose(seen);
    if (choice === undefined || (choice ?? undefined) === hookIdOf(seen)) {
      return { before: seen, after: seen, written: false };
    }
    const fresh = await read();
    if (!unchanged(fresh, seen)) {
      options.log?.({ event: 'rule-changed-before-write', ruleId, attempt });
      seen = fresh;
      continue;
    }
    const desired = withRuleHook(fresh, choice);
    await api.replacePolicyRule(authServerId, policyId, ruleId, desired);
    const stored = await read();
    if (hookIdOf(stored) !== (choice ?? undefined)) {
      throw new RuleConflictError(
        `rule ${ruleId} shows hook ${hookIdOf(stored) ?? 'none'} after we set ${choice ?? 'none'}: ` +
          'someone else is editing it; check the rule in the Okta admin console and retry',
      );
    }
    if (!isDeepStrictEqual(comparable(stored, true), comparable(desired, true))) {
      options.log?.({ event: 'rule-changed-after-write', ruleId });
    }
    return { before: fresh, after: stored, written: true };
  }
  throw new RuleConflictError(
    `rule ${ruleId} changed ${attempts} times while we tried to set its hook: ` +
      'someone else is editing it; wait for them to finish and retry',
  );
}
