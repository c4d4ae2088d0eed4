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

/** JSON with keys sorted at every level: equal for equal content, whatever order the keys were written in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** Whether `after` is `before` again, ignoring `lastUpdated`, which Okta moves on every write. */
export function sameRule(before: SimRule | undefined, after: SimRule | undefined): boolean {
  if (!before || !after) return false;
  const content = ({ lastUpdated: _ignored, ...rest }: SimRule & { lastUpdated?: string }) => canonicalJson(rest);
  return content(before) === content(after);
}

/** The inline hook the rule calls, or null. */
export function ruleHookOf(rule: SimRule | undefined): string | null {
  return (rule?.actions as { token?: { inlineHook?: { id?: string } } } | undefined)?.token?.inlineHook?.id ?? null;
}
