import { describe, expect, it } from 'vitest';
import { DEFAULT_CALL_TIMEOUT_MS } from '../../../lambda/okta/client.js';
import { DEFAULT_RETRY_POLICY } from '../../../lambda/okta/retry-policy.js';
import { DEADLINE_MARGIN_MS, fundedDeadlines, MIN_FORWARD_MS, undoBudgetMs, undoCalls } from '../../../lambda/registrar/budget.js';

describe('the registrar budget', () => {
  it('funds the undo with one rate-limit wait plus, per undo call, two timed-out attempts and the longest backoff', () => {
    const undo = undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS);

    expect(undoCalls(1)).toBe(7);
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

  it('funds per rule: 3 calls for the hook and 4 per rule attached', () => {
    const calls = [1, 2, 3, 10].map(undoCalls);
    const budgets = [1, 3].map((rules) => undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS, undoCalls(rules)));

    expect(calls).toEqual([7, 11, 15, 43]);
    expect(undoCalls(0)).toBe(7);
    expect(budgets).toEqual([256_000, 60_000 + 15 * 28_000]);
  });

  it('funds the undo of three rules in full within a 10-minute registrar, forward steps stopping earlier', () => {
    const one = fundedDeadlines(0, 600_000, undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS, undoCalls(1)));
    const three = fundedDeadlines(0, 600_000, undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS, undoCalls(3)));

    expect(three.undo).toBe(one.undo);
    expect(three.undo - three.forward).toBe(480_000);
    expect(three.forward).toBe(105_000);
    expect(one.forward).toBe(329_000);
  });

  it('keeps forward steps their minimum when the undo of many rules would take more', () => {
    const ten = fundedDeadlines(0, 600_000, undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS, undoCalls(10)));

    expect(ten.forward).toBe(MIN_FORWARD_MS);
    expect(ten.undo - ten.forward).toBe(585_000 - MIN_FORWARD_MS);
  });
});
