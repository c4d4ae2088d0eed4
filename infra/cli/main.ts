import { parseArgs } from 'node:util';
import type { CliContext } from './cli-context.js';
import { CliError, EXIT, UsageError } from './cli-error.js';

export const USAGE = `okta-token-hook: see and check the Okta token inline hook this project deploys

usage:
  okta-token-hook status  [--env NAME] [--outputs FILE] [--hook-name NAME] [--hook-url URL] [--since 24h] [--json]
  okta-token-hook verify  [request.json] [--env NAME] [--outputs FILE] [--hook-name NAME]
  okta-token-hook preview <request.json> [--env NAME]

commands:
  status    the hook in Okta (status, URL, name), the rule it is attached to, drift, and what Okta's
            System Log saw of the hook (timeouts, 401s, unreadable answers, skipped patches, failing open)
  verify    runs Okta's /execute against the live hook (a sample request, or yours): its answer and latency
  preview   runs the claim logic on a token hook request file, locally: the resulting tokens and commands

options:
  --env NAME        environment in cdk.json (context.environments.NAME); default: example
  --outputs FILE    outputs of 'cdk deploy --outputs-file FILE'; default: cdk-outputs.json when present
  --hook-name NAME  the hook's name in Okta; default: from the outputs file or the environment
  --hook-url URL    the deployed Function URL; default: from the outputs file
  --since WHEN      status: how far back to read Okta's System Log: 30m, 24h, 7d or an ISO time; default: 24h
  --json            status: one JSON object on stdout, for scheduled checks
  -h, --help        this text

Okta credentials (the first that is set wins):
  OKTA_ORG_URL + OKTA_API_TOKEN                       an SSWS API token
  OKTA_ORG_URL + OKTA_CLIENT_ID + OKTA_PRIVATE_KEY    an OAuth 2.0 service app (PEM or JWK; optional
                                                      OKTA_KEY_ID and OKTA_SCOPES, space-separated)
  otherwise the environment's credentials secret, read from AWS Secrets Manager with your AWS credentials

exit codes: 0 fine (status: in sync and healthy), 1 could not run, 2 wrong command line,
  3 drift (status) or failed verification (verify), 4 okta reports failures of the hook (status, in sync)`;

const OPTIONS = {
  env: { type: 'string' },
  outputs: { type: 'string' },
  'hook-name': { type: 'string' },
  'hook-url': { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What a command receives from the command line. */
export interface CommandArgs {
  readonly envName: string;
  readonly outputsFile?: string;
  readonly hookName?: string;
  readonly hookUrl?: string;
  /** `status`: how far back to read Okta's System Log. */
  readonly since?: string;
  /** `status`: JSON instead of text. */
  readonly json?: boolean;
  readonly positionals: readonly string[];
}

type Command = (args: CommandArgs, context: CliContext) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  status: async () => (await import('./commands/status.js')).status,
  verify: async () => (await import('./commands/verify.js')).verify,
  preview: async () => (await import('./commands/preview.js')).preview,
};

const DEFAULT_ENVIRONMENT = 'example';

function parse(argv: readonly string[]): { command?: string; help: boolean; args: CommandArgs } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]?.toLowerCase() ?? 'invalid command line');
  }
  const [command, ...positionals] = parsed.positionals;
  const { values } = parsed;
  return {
    command,
    help: values.help ?? false,
    args: {
      envName: values.env ?? DEFAULT_ENVIRONMENT,
      positionals,
      ...(values.outputs !== undefined ? { outputsFile: values.outputs } : {}),
      ...(values['hook-name'] !== undefined ? { hookName: values['hook-name'] } : {}),
      ...(values['hook-url'] !== undefined ? { hookUrl: values['hook-url'] } : {}),
      ...(values.since !== undefined ? { since: values.since } : {}),
      ...(values.json ? { json: true } : {}),
    },
  };
}

async function defaultContext(): Promise<CliContext> {
  const { createOktaClient } = await import('../../lambda/okta/client.js');
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    env: process.env,
    cwd: process.cwd(),
    createOktaApi: (credentials) => createOktaClient({ credentials }),
  };
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code; never exits itself. */
export async function run(argv: readonly string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const context = { ...(await defaultContext()), ...overrides };
  try {
    const { command, help, args } = parse(argv);
    if (help || command === undefined || command === 'help') {
      context.out(USAGE);
      return command === undefined && !help ? EXIT.usage : EXIT.ok;
    }
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command '${command}': use status, verify or preview`);
    return await (await load())(args, context);
  } catch (error) {
    return report(error, context);
  }
}

function report(error: unknown, context: CliContext): number {
  if (error instanceof UsageError) {
    context.err(`error: ${error.message}`);
    context.err('usage: npx okta-token-hook --help');
    return error.exitCode;
  }
  if (error instanceof CliError) {
    context.err(`error: ${error.message}`);
    return error.exitCode;
  }
  context.err(`error: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}
