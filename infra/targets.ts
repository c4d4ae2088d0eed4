import type { PolicyTarget, RuleTarget } from '../lambda/okta/resolve-target.js';
import type { RegistrarPropertiesInput, TargetSpec } from '../lambda/shared/contract.js';

/**
 * The rules a hook is attached to, as the environment config and the construct's props give them: one
 * `target`, or a list of `targets` (a rule each, or every rule of a policy but those in `except`).
 * Free of aws-cdk-lib, so config.ts and the CLI share it with the construct.
 */

/** One rule: each part an id or an exact name (`default` for the default authorization server). */
export type RuleTargetProps = RuleTarget;
/** Every rule of the policy but those named in `except`; a rule added to it later is attached on the next deploy. */
export type PolicyRulesTargetProps = PolicyTarget;
export type TargetListEntry = RuleTargetProps | PolicyRulesTargetProps;

export function isPolicyTarget(target: TargetListEntry): target is PolicyRulesTargetProps {
  return 'allRules' in target && target.allRules === true;
}

/** The targets as one list: a single `target` is a list of one. */
export function targetList(given: { readonly target?: RuleTargetProps | undefined; readonly targets?: readonly TargetListEntry[] | undefined }): TargetListEntry[] {
  return given.targets ? [...given.targets] : given.target ? [given.target] : [];
}

/**
 * What synth can tell without Okta: exactly one of `target` and `targets`, and no rule named twice in
 * the same spelling (the same rule named once by id and once by name is caught at deploy). Each
 * problem names the entry, `targets[i]`.
 */
export function targetProblems(given: { readonly target?: RuleTargetProps | undefined; readonly targets?: readonly TargetListEntry[] | undefined }): string[] {
  if ((given.target === undefined) === (given.targets === undefined)) {
    return ['give exactly one of target (one rule) and targets (a list of rules)'];
  }
  const targets = given.targets ?? [];
  if (given.targets && targets.length === 0) return ['targets is empty: name at least one rule, or use target'];
  const problems: string[] = [];
  const key = (t: TargetListEntry) => JSON.stringify([t.authorizationServer, t.policy]);
  for (const [i, target] of targets.entries()) {
    for (const [j, earlier] of targets.slice(0, i).entries()) {
      if (key(earlier) !== key(target)) continue;
      const both = `targets[${j}] and targets[${i}]`;
      if (isPolicyTarget(earlier) && isPolicyTarget(target)) {
        problems.push(`${both} both take every rule of policy '${target.policy}': merge them into one (with both excepts)`);
      } else if (isPolicyTarget(earlier) || isPolicyTarget(target)) {
        const every = (isPolicyTarget(earlier) ? earlier : target) as PolicyRulesTargetProps;
        const rule = (isPolicyTarget(earlier) ? target : earlier) as RuleTargetProps;
        if (!(every.except ?? []).includes(rule.rule)) {
          problems.push(`${both} both name rule '${rule.rule}' of policy '${rule.policy}' (allRules takes it): remove the single one, or add it to except`);
        }
      } else if ((earlier as RuleTargetProps).rule === (target as RuleTargetProps).rule) {
        problems.push(`${both} both name rule '${(target as RuleTargetProps).rule}' of policy '${target.policy}': remove one`);
      }
    }
  }
  return problems;
}

/**
 * The custom resource's properties for the targets. A single `target` keeps the `Target` property of
 * the first releases, so a stack deployed with them updates with no change at all.
 */
export function targetProperties(given: {
  readonly target?: RuleTargetProps | undefined;
  readonly targets?: readonly TargetListEntry[] | undefined;
}): Pick<RegistrarPropertiesInput, 'Target' | 'Targets'> {
  if (!given.targets && given.target) {
    const { authorizationServer, policy, rule } = given.target;
    return { Target: { AuthorizationServer: authorizationServer, Policy: policy, Rule: rule } };
  }
  return {
    Targets: (given.targets ?? []).map((t): TargetSpec =>
      isPolicyTarget(t)
        ? { AuthorizationServer: t.authorizationServer, Policy: t.policy, AllRules: true, ...(t.except?.length ? { Except: [...t.except] } : {}) }
        : { AuthorizationServer: t.authorizationServer, Policy: t.policy, Rule: t.rule },
    ),
  };
}

/** `rule 'X' of policy 'P' on authorization server 'S'`, or `every rule of policy 'P' ... (except 'A', 'B')`. */
export function describeTargetEntry(target: TargetListEntry): string {
  const where = `policy '${target.policy}' on authorization server '${target.authorizationServer}'`;
  if (!isPolicyTarget(target)) return `rule '${target.rule}' of ${where}`;
  const except = target.except?.length ? ` (except ${target.except.map((name) => `'${name}'`).join(', ')})` : '';
  return `every rule of ${where}${except}`;
}
