import { performance } from 'node:perf_hooks';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import { TokenHookResponseSchema } from '../../../lambda/registrar/hook-response-schema.js';
import { sampleTokenRequest } from '../../../lambda/registrar/sample-token-request.js';
import { isVerificationFailure, verificationEventId } from '../../../lambda/token-hook/verification.js';
import type { CliContext } from '../cli-context.js';
import { CliError, EXIT, UsageError } from '../cli-error.js';
import { formatValue } from '../claims-table.js';
import { readRequestFile } from '../request-file.js';
import { connect, findHook, resolveLocations, type LiveDeployment } from '../live-hook.js';
import type { CommandArgs } from '../main.js';

type Out = (text: string) => void;

/** One /execute call and what its answer means; true when the hook answered with commands Okta can use. */
async function execute(deployment: LiveDeployment, hookId: string, request: object, out: Out): Promise<boolean> {
  const started = performance.now();
  let answer: unknown;
  try {
    answer = await deployment.api.executeInlineHook(hookId, request);
  } catch (error) {
    if (!(error instanceof OktaApiError)) throw error;
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    out(`\nfailed after ${Math.round(performance.now() - started)} ms: okta answered ${error.status}${code}: ${error.errorSummary ?? error.message}`);
    out('check that the Function URL is reachable from okta, that the hook reads the same API key secret, and the hook logs');
    return false;
  }
  const latency = Math.round(performance.now() - started);

  const parsed = TokenHookResponseSchema.safeParse(answer ?? {});
  if (!parsed.success) {
    out(`\nfailed: in ${latency} ms the hook answered with a body Okta cannot use (token issued unchanged):`);
    for (const issue of parsed.error.issues) out(`  ${issue.path.join('.') || '/'}: ${issue.message}`);
    return false;
  }
  if (parsed.data.error) {
    const summary = parsed.data.error.errorSummary ?? '';
    out(
      isVerificationFailure(summary)
        ? `\nfailed: in ${latency} ms the hook answered that ${summary}`
        : `\nfailed: in ${latency} ms the hook answered with an error, so Okta would issue no token: "${summary}"`,
    );
    return false;
  }
  const commands = parsed.data.commands ?? [];
  out(`\nok: the hook answered in ${latency} ms (okta's round trip, including the call to the hook) with ${commands.length} command(s)`);
  for (const command of commands) {
    out(`  ${command.type}`);
    for (const op of command.value) out(`    ${op.op.padEnd(8)}${op.path}${op.op === 'remove' ? '' : ` = ${formatValue(op.value)}`}`);
  }
  return true;
}

/**
 * `verify [request.json]`: Okta calls the live hook through `/execute` with the given request, or with
 * the registrar's representative one aimed at each target rule in turn (the claim rules may depend on
 * the rule and the authorization server); shows each answer and its round trip. Either is sent as a
 * verification request (its eventId says so), so a claim logic that fails on it answers with the reason
 * whatever the failure mode. 3 when any answer is not a valid token hook response, or an error.
 */
export async function verify(args: CommandArgs, context: CliContext): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (extra.length) throw new UsageError(`verify takes at most one request file, got also: ${extra.join(' ')}`);
  // Marked as a verification, like the registrar's: a claim logic that fails on it answers with its reason.
  const given = file === undefined ? undefined : { ...(readRequestFile(context.cwd, file).raw as object), eventId: verificationEventId() };
  const deployment = await connect(args, context);
  const [{ hook }, targets] = await Promise.all([findHook(deployment), given ? [] : resolveLocations(deployment)]);
  if (!hook) {
    throw new CliError(
      `okta has no token hook named '${deployment.hookName}': deploy it (npx cdk deploy -c env=${deployment.environment.name}) or name it with --hook-name`,
      EXIT.problem,
    );
  }
  const out = context.out;
  out(`verify: okta calls hook ${hook.name} (${hook.id}, ${hook.status}) at ${hook.channel.config.uri}`);
  if (given) {
    out(`  with the request in ${file}`);
    return (await execute(deployment, hook.id, given, out)) ? EXIT.ok : EXIT.problem;
  }
  const failed: string[] = [];
  for (const [index, { location, label }] of targets.entries()) {
    if (index > 0) out('');
    out(`  with a sample authorization-code request aimed at ${label}`);
    if (!(await execute(deployment, hook.id, sampleTokenRequest(deployment.api.orgUrl, location), out))) failed.push(label);
  }
  if (targets.length > 1) {
    out('');
    out(
      failed.length
        ? `failed on ${failed.length} of ${targets.length} target rules: ${failed.join('; ')}`
        : `ok on all ${targets.length} target rules`,
    );
  }
  return failed.length ? EXIT.problem : EXIT.ok;
}
