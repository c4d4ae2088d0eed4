/**
 * How long to wait before the next attempt: Okta's rate-limit reset for a 429, capped exponential backoff
 * with jitter for 5xx and network errors. Pure functions of their inputs so tests need no clock.
 */

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** Backoff before the second attempt; doubles each time up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A 429 whose reset is further away than this fails instead of waiting. */
  readonly maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRateLimitWaitMs: 60_000,
};

/**
 * Backoff before attempt `attempt + 1` after `attempt` failed (1-based): equal jitter, so the wait is
 * at least half the capped exponential step and never zero (no thundering retry), at most the step.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

// Okta's Node SDK adds a second so the window has surely rolled over.
const RESET_MARGIN_MS = 1_000;

/**
 * The wait a 429 asks for: `X-Rate-Limit-Reset` (epoch seconds) measured against the response's own
 * `Date`, so a skewed local clock does not matter; `undefined` when the headers do not say.
 */
export function rateLimitWaitMs(headers: Headers, nowMs: number): number | undefined {
  const reset = Number(headers.get('x-rate-limit-reset'));
  if (!headers.has('x-rate-limit-reset') || !Number.isFinite(reset)) return undefined;
  const date = Date.parse(headers.get('date') ?? '');
  const serverNow = Number.isNaN(date) ? nowMs : date;
  return Math.max(0, reset * 1000 - serverNow) + RESET_MARGIN_MS;
}
