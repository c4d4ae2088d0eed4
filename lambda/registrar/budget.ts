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
 * Okta calls of the longest undo of an operation that attaches `rules` rules:
 *   the hook: find it by name and URL when its create's answer was lost (1, create), or put it back as
 *   it was (1, update)
 * + per rule attached, put it back: read, re-read right before the PUT, PUT, read back (4)
 * + deactivate and delete the hook (2, create)
 * = at most 3 + 4N (1 rule: 7; 3 rules: 15). Not funded: an admin editing a rule while we undo, which
 * costs a re-read per edit (at most 2 per rule before we give up on it and name it).
 */
export function undoCalls(rules: number): number {
  return 3 + 4 * Math.max(1, rules);
}

/**
 * The extra undo calls of a hook secured with OAuth 2.0: delete the policy (1) and the scope (1),
 * deactivate and delete the OAuth client (2), delete the hook key (1).
 */
export const OAUTH_UNDO_CALLS = 5;

/** Kept back from the Lambda timeout so the error still reaches CloudFormation. */
export const DEADLINE_MARGIN_MS = 15_000;

/**
 * Time the undo needs at worst, from the Okta client's settings:
 *   one rate-limit wait (Okta's windows are a minute: once it resets, the undo's few calls pass)
 * + per undo call, one attempt that times out, the longest backoff, and a retry that times out too.
 * With the defaults (10 s call timeout, 8 s backoff cap, 60 s rate-limit wait), 28 s per call:
 *   1 rule: 60 + 7 x 28 = 256 s; 3 rules: 60 + 15 x 28 = 480 s.
 */
export function undoBudgetMs(retry: Pick<RetryPolicy, 'maxDelayMs' | 'maxRateLimitWaitMs'>, callTimeoutMs: number, calls = undoCalls(1)): number {
  return retry.maxRateLimitWaitMs + calls * (2 * callTimeoutMs + retry.maxDelayMs);
}

/**
 * What forward steps keep at least, when the undo's worst case would leave them less: one rate-limit
 * wait (60 s) and the verification's window (30 s). A create takes seconds when Okta answers.
 */
export const MIN_FORWARD_MS = 90_000;

/**
 * The deadlines of one event that started at `nowMs` with `remainingMs` left before Lambda stops it:
 * the undo gets its worst case (`undoMs`), but forward steps keep `MIN_FORWARD_MS`, or half the usable
 * time when that is shorter (tests, a consumer's short timeout). A 10-minute registrar (585 s usable)
 * thus funds the undo of up to 3 rules in full (480 s, forward keeps 105 s); with more rules the undo
 * gets 495 s, enough unless Okta fails most of its calls.
 */
export function fundedDeadlines(nowMs: number, remainingMs: number, undoMs: number, marginMs = DEADLINE_MARGIN_MS): Deadlines {
  const usable = Math.max(0, remainingMs - marginMs);
  const undo = nowMs + usable;
  const forwardKeeps = Math.min(MIN_FORWARD_MS, usable / 2);
  return { forward: undo - Math.min(undoMs, usable - forwardKeeps), undo };
}
