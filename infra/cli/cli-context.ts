import type { OktaApi } from '../../lambda/okta/okta-api.js';
import type { OktaCredentials } from '../../lambda/okta/credentials.js';

/** Everything a command touches outside itself, so tests run commands in-process. */
export interface CliContext {
  /** Writes one line (or block) to standard output. */
  readonly out: (text: string) => void;
  /** Writes one line to standard error. */
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where `cdk.json` and the outputs file are looked up. */
  readonly cwd: string;
  /** Builds the Okta client; tests pass one with short retry timings. */
  readonly createOktaApi: (credentials: OktaCredentials) => OktaApi;
}
