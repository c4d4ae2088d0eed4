import { OktaApiError } from '../../../lambda/okta/errors.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { LOGS_READ_SCOPE } from '../../../lambda/okta/scopes.js';
import { previousHookFor, previousHooksOf } from '../../../lambda/registrar/hook-definition.js';
import type { CliContext } from '../cli-context.js';
import { EXIT, UsageError } from '../cli-error.js';
import { findDrift, ruleHookId } from '../drift.js';
import { isPolicyTarget, targetList } from '../../targets.js';
import { connect, findHook, resolveRules } from '../live-hook.js';
import type { CommandArgs } from '../main.js';
import { FINDINGS, hookEventsFilter, parseSince, summarizeOktaLog, type OktaLogReport } from '../okta-log.js';

const field = (name: string, value: string): string => `${name.padEnd(12)}${value}`;
const DEFAULT_SINCE = '24h';

/** Okta's System Log for our hook over the window, or why it could not be read. */
type LogView = ({ readable: true } & OktaLogReport) | { readable: false; reason: string };

async function readOktaLog(api: OktaApi, hookId: string | undefined, since: string, until: string): Promise<LogView> {
  if (!hookId) return { readable: false, reason: 'no hook in okta, so no events of it to read' };
  try {
    return { readable: true, ...summarizeOktaLog(await api.listLogEvents({ since, until, filter: hookEventsFilter(hookId) })) };
  } catch (error) {
    // Reading the log needs okta.logs.read, which a token or service app may lack: say so, show the rest.
    if (error instanceof OktaApiError && (error.status === 403 || error.status === 401)) {
      return {
        readable: false,
        reason: `okta refused to read its System Log (${error.status}): the credentials need ${LOGS_READ_SCOPE} (a service app granted it, listed in OKTA_SCOPES; or an API token of an admin who may read the System Log)`,
      };
    }
    throw error;
  }
}

/**
 * `status`: the hook in Okta, the rule it is attached to, every drift from the deployment, and what
 * Okta's System Log saw of the hook since `--since`. Exit 0 in sync and healthy, 3 on drift, 4 when in
 * sync but Okta reports calls that lost the claims. `--json` prints the same as one object.
 */
export async function status(args: CommandArgs, context: CliContext): Promise<number> {
  if (args.positionals.length) throw new UsageError(`status takes no arguments, got: ${args.positionals.join(' ')}`);
  const sinceText = args.since ?? DEFAULT_SINCE;
  // `until` is exclusive: one millisecond on, so an event of this very millisecond is read too.
  const until = new Date(Date.now() + 1).toISOString();
  const since = parseSince(sinceText, Date.parse(until));
  if (!since) throw new UsageError(`--since takes a duration (30m, 24h, 7d) or an ISO 8601 time, got '${sinceText}'`);
  const deployment = await connect(args, context);
  const { environment, facts, api } = deployment;
  const [{ hook, hooks }, rules] = await Promise.all([findHook(deployment), resolveRules(deployment)]);
  const log = await readOktaLog(api, hook?.id, since, until);
  const hooksById = new Map(hooks.map((h) => [h.id, h]));
  const recorded = hook ? previousHooksOf(hook) : new Map<string, string>();
  const targets = targetList(environment);
  const expected = { environment: environment.name, name: deployment.hookName, ...(facts.hookUrl ? { url: facts.hookUrl } : {}) };
  const perRule = rules.map(({ location, rule, label, target }) => {
    const entry = targets[target];
    const fromPolicy = entry && isPolicyTarget(entry) ? { name: entry.policy } : undefined;
    const ruleDrift = findDrift(expected, { ...(hook ? { hook } : {}), rule, hooksById, ...(fromPolicy ? { fromPolicy } : {}) });
    return { location, rule, label, replaced: previousHookFor(recorded, location.ruleId), attached: ruleHookId(rule), drift: ruleDrift };
  });
  // Drift of the hook itself shows once, not once per rule.
  const drift = [...new Map(perRule.flatMap((r) => r.drift).map((d) => [d.message, d])).values()];
  const first = perRule[0];
  const replaced = first?.replaced;
  const code = drift.length ? EXIT.problem : log.readable && log.failures > 0 ? EXIT.failures : EXIT.ok;
  const verdict = code === EXIT.problem ? 'drift' : code === EXIT.failures ? 'failures' : 'healthy';

  if (args.json) {
    context.out(
      JSON.stringify(
        {
          environment: environment.name,
          orgUrl: api.orgUrl,
          verdict,
          exitCode: code,
          hook: hook ? { id: hook.id, name: hook.name, status: hook.status, uri: hook.channel.config.uri, replaces: replaced ?? null } : null,
          deployedUrl: facts.hookUrl ?? null,
          rule: first ? { ...first.location, name: first.rule.name, status: first.rule.status ?? null, hookId: first.attached ?? null } : null,
          rules: perRule.map((r) => ({ ...r.location, name: r.rule.name, status: r.rule.status ?? null, hookId: r.attached ?? null, replaces: r.replaced ?? null })),
          drift,
          oktaLog: { since, until, ...log },
        },
        null,
        2,
      ),
    );
    return code;
  }

  const out = context.out;
  out(field('environment', `${environment.name}: okta ${api.orgUrl}, credentials from ${deployment.credentialsSource}`));
  out(field('deployment', facts.source));
  out('');
  out(field('hook', hook ? `${hook.name} (${hook.id}), ${hook.status}` : `${deployment.hookName}: not found in okta`));
  if (hook) out(field('  calls', hook.channel.config.uri));
  out(field('  deployed', facts.hookUrl ?? 'unknown: give --hook-url or an outputs file (cdk deploy --outputs-file) to compare'));
  for (const r of perRule) {
    out(field('rule', r.label));
    const attachedName = r.attached ? hooksById.get(r.attached)?.name : undefined;
    out(field('  calls', r.attached ? `hook ${r.attached}${attachedName ? ` (${attachedName})` : ''}` : 'no hook'));
    out(field('  status', r.rule.status ?? 'unknown'));
    if (r.replaced) {
      const name = hooksById.get(r.replaced)?.name;
      out(field('  replaces', `hook ${r.replaced}${name ? ` (${name})` : ''} on the rule; destroying the stack puts it back`));
    }
  }
  out('');
  printLog(out, log, since, sinceText);

  out('');
  if (drift.length) {
    out(`drift (${drift.length}):`);
    for (const d of drift) out(`  ${d.kind}: ${d.message}`);
  } else {
    out('in sync: okta matches the deployment');
  }
  if (code === EXIT.failures) out(`okta reports failures: ${log.readable ? log.failures : 0} call(s) since ${since} lost the claims`);
  return code;
}

function printLog(out: (text: string) => void, log: LogView, since: string, sinceText: string): void {
  if (!log.readable) {
    out(field('okta log', `not read: ${log.reason}`));
    return;
  }
  out(field('okta log', `since ${since} (${sinceText}): ${log.calls} call(s) to the hook, ${log.failures} lost the claims`));
  for (const finding of log.findings) {
    out(`  ${finding.kind.padEnd(20)}${String(finding.count).padStart(4)}  last ${finding.lastSeen}: ${finding.reason}`);
    out(`  ${''.padEnd(24)}${FINDINGS[finding.kind].meaning}`);
  }
  for (const context of log.debugContext) {
    out(`  ${'debugContext'.padEnd(20)}${String(context.count).padStart(4)}  ${Object.entries(context.data).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  }
  for (const change of log.changes) out(`  ${'change'.padEnd(20)}      ${change.published} ${change.eventType} by ${change.actor}`);
}
