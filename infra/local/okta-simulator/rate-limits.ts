/** Okta's catch-all `/api/v1` bucket for One App and Enterprise orgs, requests per minute. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

const WINDOW_MS = 60_000;

export interface RateLimitVerdict {
  readonly allowed: boolean;
  /** `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining`, `X-Rate-Limit-Reset` (epoch seconds). */
  readonly headers: Record<string, string>;
}

/**
 * Per-minute buckets like Okta's: a window opens with the first request of a bucket and closes 60 s
 * later (not aligned to the wall clock); every answer carries the bucket's headers.
 */
export class RateLimits {
  private readonly windows = new Map<string, { resetsAt: number; used: number }>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(bucket: string): RateLimitVerdict {
    const now = this.now();
    let window = this.windows.get(bucket);
    if (!window || window.resetsAt <= now) {
      window = { resetsAt: now + WINDOW_MS, used: 0 };
      this.windows.set(bucket, window);
    }
    const allowed = window.used < this.limitPerMinute;
    if (allowed) window.used += 1;
    return {
      allowed,
      headers: {
        'X-Rate-Limit-Limit': String(this.limitPerMinute),
        'X-Rate-Limit-Remaining': String(this.limitPerMinute - window.used),
        'X-Rate-Limit-Reset': String(Math.ceil(window.resetsAt / 1000)),
      },
    };
  }
}
