/** Exit codes of the operator CLI, documented in the README. */
export const EXIT = {
  ok: 0,
  /** The command could not run: credentials, network, Okta refused, bad input file. */
  failed: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** The command ran and found a problem: drift (`status`) or a failed verification (`verify`). */
  problem: 3,
  /** `status` found no drift, but Okta's System Log reports calls of the hook that lost the claims. */
  failures: 4,
} as const;

/** An error the CLI reports as one line (no stack) with its exit code; the message says what to do. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failed,
  ) {
    super(message);
  }
}

/** The command line is wrong: the message is followed by the usage text. */
export class UsageError extends CliError {
  override readonly name = 'UsageError';
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}
