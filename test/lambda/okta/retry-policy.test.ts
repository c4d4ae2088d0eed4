import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, rateLimitWaitMs } from '../../../lambda/okta/retry-policy.js';

const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1000 };

describe('backoffDelayMs', () => {
  it('doubles the step each attempt and keeps the wait between half the step and the step', () => {
    const steps = [1, 2, 3].map((attempt) => [backoffDelayMs(attempt, policy, () => 0), backoffDelayMs(attempt, policy, () => 1)]);

    expect(steps).toEqual([
      [50, 100],
      [100, 200],
      [200, 400],
    ]);
  });

  it('caps the step at maxDelayMs however many attempts failed', () => {
    const wait = backoffDelayMs(30, policy, () => 1);

    expect(wait).toBe(1000);
  });

  it('never waits zero, even with the lowest jitter', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBeGreaterThan(0);
  });
});

describe('rateLimitWaitMs', () => {
  it('measures the reset against the response Date, not the local clock', () => {
    const headers = new Headers({ 'x-rate-limit-reset': '1700000010', date: new Date(1_700_000_000_000).toUTCString() });
    const skewedLocalNow = 1_700_000_000_000 + 3_600_000;

    const wait = rateLimitWaitMs(headers, skewedLocalNow);

    expect(wait).toBe(11_000);
  });

  it('falls back to the local clock when the response has no Date', () => {
    const headers = new Headers({ 'x-rate-limit-reset': '1700000005' });

    expect(rateLimitWaitMs(headers, 1_700_000_000_000)).toBe(6_000);
  });

  it('waits only the margin when the reset already passed', () => {
    const headers = new Headers({ 'x-rate-limit-reset': '1600000000' });

    expect(rateLimitWaitMs(headers, 1_700_000_000_000)).toBe(1_000);
  });

  it('says nothing when the header is missing or not a number', () => {
    expect(rateLimitWaitMs(new Headers(), 0)).toBeUndefined();
    expect(rateLimitWaitMs(new Headers({ 'x-rate-limit-reset': 'soon' }), 0)).toBeUndefined();
  });
});
