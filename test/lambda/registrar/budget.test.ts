import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_TIMEOUT_MS } from '../../../lambda/okta/client.js';
import { DEFAULT_RETRY_POLICY } from '../../../lambda/okta/retry-policy.js';
import { DEADLINE_MARGIN_MS, fundedDeadlines, UNDO_CALLS, undoBudgetMs } from '../../../lambda/registrar/budget.js';

describe('the registrar budget', () => {
  it('funds the undo with one rate-limit wait plus, per undo call, two timed-out attempts and the longest backoff', () => {
    const undo = undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS);

    expect(UNDO_CALLS).toBe(7);
    expect(undo).toBe(60_000 + 7 * (2 * 10_000 + 8_000));
    expect(undo).toBe(256_000);
  });

  it('keeps the undo time after the forward time within a 10-minute registrar, less the margin', () => {
    const undo = undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS);

    const deadlines = fundedDeadlines(1_000, 600_000, undo);

    expect(deadlines.undo).toBe(1_000 + 600_000 - DEADLINE_MARGIN_MS);
    expect(deadlines.forward).toBe(1_000 + 329_000);
    expect(deadlines.undo - deadlines.forward).toBe(undo);
  });

  it('gives the undo at most half the usable time when the timeout is short', () => {
    const deadlines = fundedDeadlines(0, 60_000, 256_000);

    expect(deadlines).toEqual({ forward: 22_500, undo: 45_000 });
  });
});
