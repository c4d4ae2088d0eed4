import type { TokenKind } from './reserved-claims.js';

/** The `message` of the hook's one line per request: metric filters select the line by it. */
export const HOOK_LOG_MESSAGE = 'token hook request';

/**
 * Every outcome the line can carry, each counted by a metric filter (infra/constructs/hook-outcomes.ts):
 * `patched` (commands sent), `unchanged` (204), `denied` (the claim logic refused the token), `rejected`
 * (an invalid request: 4xx), `unauthorized` (wrong or missing API key: 401), `failed-open` (internal
 * failure, token issued without the claims), `failed-closed` (internal failure, no token),
 * `failed-verification` (internal failure on a verification request: 200 with the reason, verification.ts).
 */
export const HOOK_OUTCOMES = ['patched', 'unchanged', 'denied', 'rejected', 'unauthorized', 'failed-open', 'failed-closed', 'failed-verification'] as const;
export type HookOutcome = (typeof HOOK_OUTCOMES)[number];

/**
 * The one structured line the hook logs per request. It carries names and facts only: never a header,
 * the API key, a claim value or anything else from the request body except Okta's `eventId`.
 */
export interface HookLogLine {
  readonly message: typeof HOOK_LOG_MESSAGE;
  readonly eventId?: string;
  /** The Function URL request id, to find the line from a Lambda invocation. */
  readonly requestId?: string;
  readonly outcome: HookOutcome;
  readonly status: number;
  readonly changedClaims?: Record<TokenKind, string[]>;
  /** Rules whose conditions held, in order. */
  readonly rules?: string[];
  /** Error class (and our own, value-free message) behind a rejection or a failure. */
  readonly error?: string;
  readonly durationMs: number;
}

export type HookLogger = (line: HookLogLine) => void;

/**
 * Lambda's JSON log format wraps each console call as `{timestamp, level, requestId, message}`. The line
 * goes in as one object so that `message` stays an object: metric filters count `$.message.outcome`
 * (hook-outcomes.ts); a stringified line would make `message` a string no filter can look into.
 */
export const consoleLogger: HookLogger = (line) => console.log(line);
