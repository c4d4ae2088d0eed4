import { applyCommands } from '../../../lambda/token-hook/apply-commands.js';
import { evaluate } from '../../../lambda/token-hook/evaluate.js';
import type { HookToken } from '../../../lambda/token-hook/request-schema.js';
import { transform } from '../../../lambda/token-hook/transform.js';
import type { CliContext } from '../cli-context.js';
import { CliError, EXIT, UsageError } from '../cli-error.js';
import { renderClaimsTable, summarizeChanges } from '../claims-table.js';
import { loadProjectEnvironment } from '../environment.js';
import type { CommandArgs } from '../main.js';
import { readRequestFile } from '../request-file.js';

const TOKENS = [
  { kind: 'access', title: 'access token' },
  { kind: 'identity', title: 'ID token' },
] as const;

function lifetime(token: HookToken): number | undefined {
  return token.token?.lifetime?.expiration;
}

/** `preview <request.json>`: the claim logic (rules of the environment + transform.ts) on one request, locally. */
export async function preview(args: CommandArgs, context: CliContext): Promise<number> {
  const [file, ...extra] = args.positionals;
  if (file === undefined) throw new UsageError('preview needs a request file: okta-token-hook preview <request.json>');
  if (extra.length) throw new UsageError(`preview takes one request file, got also: ${extra.join(' ')}`);
  const environment = loadProjectEnvironment(context.cwd, args.envName);
  const { request } = readRequestFile(context.cwd, file);
  const out = context.out;
  out(`preview: ${file} through the rules of environment '${environment.name}' and lambda/token-hook/transform.ts`);

  let decision;
  let tokens;
  try {
    decision = await evaluate(request, environment.hook, transform);
    // The full check the hot path leaves to the property tests: every patch applied to a copy.
    tokens = decision.outcome === 'denied' ? {} : applyCommands(request, decision.encoded.commands);
  } catch (error) {
    const answer = environment.hook.failureMode === 'open' ? '204, Okta issues the token unchanged' : '200 with an error, Okta issues no token';
    throw new CliError(
      `the claim logic failed: ${(error as Error).message}; deployed, the hook would answer ${answer} (failureMode ${environment.hook.failureMode})`,
      EXIT.problem,
    );
  }
  out(`rules applied: ${decision.appliedRules.length ? decision.appliedRules.join(', ') : 'none'}`);
  if (decision.outcome === 'denied') {
    out(`\nthe hook denies the token: Okta issues none and the client gets error=server_error, error_description="${decision.summary}"`);
    return EXIT.ok;
  }
  for (const { kind, title } of TOKENS) {
    const token = request.data[kind];
    if (!token) {
      out(`\n${title}: not in the request (Okta is not minting one), so no command for it`);
      continue;
    }
    const after = tokens[kind] ?? { claims: token.claims, lifetimeSeconds: lifetime(token) };
    const lifetimes =
      after.lifetimeSeconds === lifetime(token)
        ? `lifetime ${lifetime(token) ?? '?'} s`
        : `lifetime ${lifetime(token) ?? '?'} s -> ${after.lifetimeSeconds} s`;
    out(`\n${title} (${summarizeChanges(token.claims, after.claims)}; ${lifetimes})`);
    out(renderClaimsTable(token.claims, after.claims));
  }
  if (decision.outcome === 'unchanged') {
    out('\nthe hook answers 204 No Content: Okta issues the tokens unchanged');
  } else {
    out('\nthe hook answers 200 with these commands:');
    out(JSON.stringify({ commands: decision.encoded.commands }, null, 2));
  }
  return EXIT.ok;
}
