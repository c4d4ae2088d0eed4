import { previousHookOf } from '../../../lambda/registrar/hook-definition.js';
import type { CliContext } from '../cli-context.js';
import { EXIT, UsageError } from '../cli-error.js';
import { findDrift, ruleHookId } from '../drift.js';
import { connect, describeTarget, findHook, resolveTarget } from '../live-hook.js';
import type { CommandArgs } from '../main.js';

const field = (name: string, value: string): string => `${name.padEnd(12)}${value}`;

/** `status`: the hook in Okta, the rule it is attached to, and every drift from the deployment; 3 on drift. */
export async function status(args: CommandArgs, context: CliContext): Promise<number> {
  if (args.positionals.length) throw new UsageError(`status takes no arguments, got: ${args.positionals.join(' ')}`);
  const deployment = await connect(args, context);
  const { environment, facts, api } = deployment;
  const [{ hook, hooks }, location] = await Promise.all([findHook(deployment), resolveTarget(deployment)]);
  const rule = await api.getPolicyRule(location.authServerId, location.policyId, location.ruleId);
  const hooksById = new Map(hooks.map((h) => [h.id, h]));

  const out = context.out;
  out(field('environment', `${environment.name}: okta ${api.orgUrl}, credentials from ${deployment.credentialsSource}`));
  out(field('deployment', facts.source));
  out('');
  out(field('hook', hook ? `${hook.name} (${hook.id}), ${hook.status}` : `${deployment.hookName}: not found in okta`));
  if (hook) out(field('  calls', hook.channel.config.uri));
  const replaced = hook ? previousHookOf(hook) : undefined;
  if (replaced) {
    const name = hooksById.get(replaced)?.name;
    out(field('  replaces', `hook ${replaced}${name ? ` (${name})` : ''} on the rule; destroying the stack puts it back`));
  }
  out(field('  deployed', facts.hookUrl ?? 'unknown: give --hook-url or an outputs file (cdk deploy --outputs-file) to compare'));
  out(field('rule', describeTarget(deployment, location)));
  const attached = ruleHookId(rule);
  const attachedName = attached ? hooksById.get(attached)?.name : undefined;
  out(field('  calls', attached ? `hook ${attached}${attachedName ? ` (${attachedName})` : ''}` : 'no hook'));
  out(field('  status', rule.status ?? 'unknown'));

  const drift = findDrift({ environment: environment.name, name: deployment.hookName, ...(facts.hookUrl ? { url: facts.hookUrl } : {}) }, {
    ...(hook ? { hook } : {}),
    rule,
    hooksById,
  });
  out('');
  if (!drift.length) {
    out('in sync: okta matches the deployment');
    return EXIT.ok;
  }
  out(`drift (${drift.length}):`);
  for (const d of drift) out(`  ${d.kind}: ${d.message}`);
  return EXIT.problem;
}
