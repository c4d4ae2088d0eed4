import type { RetryPolicy } from '../okta/retry-policy.js';

/**
 * The registrar's time, split so that undoing is always funded: forward steps (create, update) run
 * until `forward`; whatever they registered to undo runs after them until `undo`, on its own time.
 * A forward step past its deadline gives up and undoes: it never eats into the undo's time.
 */
export interface Deadlines {
  /** Epoch ms: no forward Okta call starts after it, a running one is aborted at it. */
  readonly forward: number;
  /** Epoch ms: the end of undo (and of a delete, which is all cleanup). */
  readonly undo: number;
}

/**
 * Okta calls of the longest undo: put the hook back (1, update only), restore the rule (read, re-read,
 * PUT, read back: 4), deactivate and delete the hook (2).
 */
export const UNDO_CALLS = 7;

/** Kept back from the Lambda timeout so the error still reaches CloudFormation. */
export const DEADLINE_MARGIN_MS = 15_000;

/**
 * Time the undo needs at worst, from the Okta client's settings:
 *   one rate-limit wait (Okta's windows are a minute: once it resets, the undo's few calls pass)
 * + per undo call, one attempt that times out, the longest backoff, and a retry that times out too.
 * With the defaults (10 s call timeout, 8 s backoff cap, 60 s rate-limit wait):
 *   60 + 7 x (2 x 10 + 8) = 256 s, so a 10-minute registrar keeps 600 - 15 - 256 = 329 s for going forward.
 */
export function undoBudgetMs(retry: Pick<RetryPolicy, 'maxDelayMs' | 'maxRateLimitWaitMs'>, callTimeoutMs: number, calls = UNDO_CALLS): number {
  return retry.maxRateLimitWaitMs + calls * (2 * callTimeoutMs + retry.maxDelayMs);
}

/**
 * The deadlines of one event that started at `nowMs` with `remainingMs` left before Lambda stops it:
 * the undo gets its worst case (`undoMs`), but at most half of the usable time, so a short timeout
 * (tests, a consumer's override) still leaves forward steps room.
 */
export function fundedDeadlines(nowMs: number, remainingMs: number, undoMs: number, marginMs = DEADLINE_MARGIN_MS): Deadlines {
  const usable = Math.max(0, remainingMs - marginMs);
  const undo = nowMs + usable;
  return { forward: undo - Math.min(undoMs, usable / 2), undo };
}
