import type { AuthorizationServerPolicyRule, InlineHook } from '../../lambda/okta/schemas.js';

/** What the deployment says should be in Okta. */
export interface ExpectedHook {
  /** The environment in cdk.json, named in the advice. */
  readonly environment: string;
  readonly name: string;
  /** The deployed Function URL; unknown when neither an outputs file nor `--hook-url` gives it. */
  readonly url?: string;
}

/** What Okta holds: our hook (found by id or name), the rule we target, and every token hook by id. */
export interface ObservedState {
  readonly hook?: InlineHook;
  readonly rule: AuthorizationServerPolicyRule;
  /** The rule comes from "every rule of this policy": one that calls no hook was added since the deploy. */
  readonly fromPolicy?: { readonly name: string };
  readonly hooksById: ReadonlyMap<string, InlineHook>;
}

export type DriftKind = 'hook-missing' | 'hook-inactive' | 'url-differs' | 'rule-detached' | 'other-hook-on-rule' | 'new-rule';

export interface Drift {
  readonly kind: DriftKind;
  /** What differs and what to do about it. */
  readonly message: string;
}


/** The hook id the rule calls, if any. */
export function ruleHookId(rule: AuthorizationServerPolicyRule): string | undefined {
  return rule.actions?.token?.inlineHook?.id ?? undefined;
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/** Every way Okta differs from the deployment; empty when they agree. */
export function findDrift(expected: ExpectedHook, observed: ObservedState): Drift[] {
  const { hook, rule } = observed;
  const redeploy = `run npx cdk deploy -c env=${expected.environment} to put it back`;
  const drift: Drift[] = [];
  if (!hook) {
    drift.push({ kind: 'hook-missing', message: `okta has no token hook named '${expected.name}': ${redeploy}` });
  } else {
    if (hook.status !== 'ACTIVE') {
      drift.push({
        kind: 'hook-inactive',
        message: `hook '${hook.name}' is ${hook.status}: Okta does not call it; activate it in the admin console or ${redeploy}`,
      });
    }
    if (expected.url !== undefined && !sameUrl(hook.channel.config.uri, expected.url)) {
      drift.push({
        kind: 'url-differs',
        message: `hook '${hook.name}' calls ${hook.channel.config.uri}, not the deployed Function URL ${expected.url}: ${redeploy}`,
      });
    }
  }
  const attached = ruleHookId(rule);
  if (attached === undefined && observed.fromPolicy) {
    drift.push({
      kind: 'new-rule',
      message: `new rule '${rule.name}' in policy '${observed.fromPolicy.name}' does not call the hook: run npx cdk deploy -c env=${expected.environment} to attach it (or add it to except)`,
    });
  } else if (attached === undefined) {
    drift.push({
      kind: 'rule-detached',
      message: `rule '${rule.name}' calls no hook: tokens are issued without the claims; ${redeploy}`,
    });
  } else if (attached !== hook?.id) {
    const other = observed.hooksById.get(attached);
    drift.push({
      kind: 'other-hook-on-rule',
      message: `rule '${rule.name}' calls another hook, ${other ? `'${other.name}' (${attached})` : attached}: ${redeploy} (with replaceExistingHook if that hook should stay replaced)`,
    });
  }
  return drift;
}
