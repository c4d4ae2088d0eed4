import { isDeepStrictEqual } from 'node:util';
import type { OktaSimulator, SimAuthorizationServer } from '../okta-simulator/index.js';

export type SimRule = SimAuthorizationServer['policies'][number]['rules'][number];

/** Every rule of the simulated org by `server/policy/rule` ids. */
export function rulesOf(sim: OktaSimulator): Map<string, SimRule> {
  const rules = new Map<string, SimRule>();
  for (const server of sim.snapshot().authorizationServers) {
    for (const policy of server.policies) for (const rule of policy.rules) rules.set(`${server.id}/${policy.id}/${rule.id}`, rule);
  }
  return rules;
}

/** Whether `after` is `before` again, ignoring `lastUpdated`, which Okta moves on every write. */
export function sameRule(before: SimRule | undefined, after: SimRule | undefined): boolean {
  if (!before || !after) return false;
  const content = ({ lastUpdated: _ignored, ...rest }: SimRule & { lastUpdated?: string }) => rest;
  return isDeepStrictEqual(content(before), content(after));
}

/** The inline hook the rule calls, or null. */
export function ruleHookOf(rule: SimRule | undefined): string | null {
  return (rule?.actions as { token?: { inlineHook?: { id?: string } } } | undefined)?.token?.inlineHook?.id ?? null;
}

/** A rule that calls a hook: its ids and names, as the sandbox shows it. */
export interface HookedRule {
  readonly key: string;
  readonly authServerId: string;
  readonly ruleId: string;
  readonly name: string;
  readonly where: string;
}

/** Every rule of the simulated org that calls `hookId`, in the order the org lists them. */
export function rulesCalling(sim: OktaSimulator, hookId: string): HookedRule[] {
  const found: HookedRule[] = [];
  for (const server of sim.snapshot().authorizationServers) {
    for (const policy of server.policies) {
      for (const rule of policy.rules) {
        if (ruleHookOf(rule) !== hookId) continue;
        found.push({
          key: `${server.id}/${policy.id}/${rule.id}`,
          authServerId: server.id,
          ruleId: rule.id,
          name: rule.name,
          where: `policy '${policy.name}' of authorization server '${server.name}'`,
        });
      }
    }
  }
  return found;
}
