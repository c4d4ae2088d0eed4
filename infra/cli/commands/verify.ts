import { performance } from 'node:perf_hooks';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import { TokenHookResponseSchema } from '../../../lambda/registrar/hook-response-schema.js';
import { sampleTokenRequest } from '../../../lambda/registrar/sample-token-request.js';
import { isVerificationFailure, verificationEventId } from '../../../lambda/token-hook/verification.js';
import type { CliContext } from '../cli-context.js';
import { CliError, EXIT, UsageError } from '../cli-error.js';
import { formatValue } from '../claims-table.js';
import { readRequestFile } from '../request-file.js';
import { connect, describeTarget, findHook, resolveTarget } from '../live-hook.js';
import type { CommandArgs } from '../main.js';

/**
 * `verify [request.json]`: Okta calls the live hook through `/execute` with the given request, or the
 * registrar's representative one aimed at the environment's rule; shows the answer and the round trip.
 * Either is sent as a verification request (its eventId says so), so a claim logic that fails on it
 * answers with the reason whatever the failure mode. 3 when the answer is not a valid token hook
 * response, or an error.
 */
export async function verify(args: CommandArgs, context: CliContext): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (extra.length) throw new UsageError(`verify takes at most one request file, got also: ${extra.join(' ')}`);
  // Marked as a verification, like the registrar's: a claim logic that fails on it answers with its reason.
  const given = file === undefined ? undefined : { ...(readRequestFile(context.cwd, file).raw as object), eventId: verificationEventId() };
  const deployment = await connect(args, context);
  const [{ hook }, location] = await Promise.all([findHook(deployment), resolveTarget(deployment)]);
  if (!hook) {
    throw new CliError(
      `okta has no token hook named '${deployment.hookName}': deploy it (npx cdk deploy -c env=${deployment.environment.name}) or name it with --hook-name`,
      EXIT.problem,
    );
  }
  const out = context.out;
  out(`verify: okta calls hook ${hook.name} (${hook.id}, ${hook.status}) at ${hook.channel.config.uri}`);
  out(given ? `  with the request in ${file}` : `  with a sample authorization-code request aimed at rule ${describeTarget(deployment, location)}`);

  const started = performance.now();
  let answer: unknown;
  try {
    answer = await deployment.api.executeInlineHook(hook.id, given ?? sampleTokenRequest(deployment.api.orgUrl, location));
  } catch (error) {
    if (!(error instanceof OktaApiError)) throw error;
    const code = error.errorCode ? ` ${error.errorCode}` : '';
    out(`\nfailed after ${Math.round(performance.now() - started)} ms: okta answered ${error.status}${code}: ${error.errorSummary ?? error.message}`);
    out('check that the Function URL is reachable from okta, that the hook reads the same API key secret, and the hook logs');
    return EXIT.problem;
  }
  const latency = Math.round(performance.now() - started);

  const parsed = TokenHookResponseSchema.safeParse(answer ?? {});
  if (!parsed.success) {
    out(`\nfailed: in ${latency} ms the hook answered with a body Okta cannot use (token issued unchanged):`);
    for (const issue of parsed.error.issues) out(`  ${issue.path.join('.') || '/'}: ${issue.message}`);
    return EXIT.problem;
  }
  if (parsed.data.error) {
    const summary = parsed.data.error.errorSummary ?? '';
    out(
      isVerificationFailure(summary)
        ? `\nfailed: in ${latency} ms the hook answered that ${summary}`
        : `\nfailed: in ${latency} ms the hook answered with an error, so Okta would issue no token: "${summary}"`,
    );
    return EXIT.problem;
  }
  const commands = parsed.data.commands ?? [];
  out(`\nok: the hook answered in ${latency} ms (okta's round trip, including the call to the hook) with ${commands.length} command(s)`);
  for (const command of commands) {
    out(`  ${command.type}`);
    for (const op of command.value) out(`    ${op.op.padEnd(8)}${op.path}${op.op === 'remove' ? '' : ` = ${formatValue(op.value)}`}`);
  }
  return EXIT.ok;
}
