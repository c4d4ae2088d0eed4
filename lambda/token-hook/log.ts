import type { TokenKind } from './reserved-claims.js';

/**
 * The one structured line the hook logs per request. It carries names and facts only: never a header,
 * the API key, a claim value or anything else from the request body except Okta's `eventId`.
 */
export interface HookLogLine {
  readonly message: 'token hook request';
  readonly eventId?: string;
  /** The Function URL request id, to find the line from a Lambda invocation. */
  readonly requestId?: string;
  readonly outcome: 'patched' | 'unchanged' | 'denied' | 'rejected' | 'unauthorized' | 'failed-open' | 'failed-closed';
  readonly status: number;
  readonly changedClaims?: Record<TokenKind, string[]>;
  /** Rules whose conditions held, in order. */
  readonly rules?: string[];
  /** Error class (and our own, value-free message) behind a rejection or a failure. */
  readonly error?: string;
  readonly durationMs: number;
}

export type HookLogger = (line: HookLogLine) => void;

/** Lambda's JSON log format wraps each console line with the timestamp, level and request id. */
export const consoleLogger: HookLogger = (line) => console.log(JSON.stringify(line));
