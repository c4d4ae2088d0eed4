import * as crypto from 'node:crypto';
import type { SecretReader } from '../shared/secret-store.js';

/**
 * Checks the API key Okta sends against the key in Secrets Manager. Keys are read at cold start and
 * cached; a key that matches none of them triggers one re-read of AWSCURRENT and AWSPENDING (at most
 * once per `recheckIntervalMs`, shared by concurrent requests), so a freshly rotated key is accepted at
 * once while a flood of bad keys costs at most one Secrets Manager call per interval.
 */

export interface Clock {
  /** Milliseconds, monotonic enough for intervals. */
  now(): number;
}

export const systemClock: Clock = { now: () => performance.now() };

export const DEFAULT_KEY_RECHECK_INTERVAL_MS = 5_000;
/** A re-read on the request path waits no longer than this, well inside Okta's 3 s. */
export const DEFAULT_KEY_READ_TIMEOUT_MS = 1_000;

export type KeyCheck = 'accepted' | 'rejected';

export interface ApiKeyVerifier {
  /** Reads the current key; the hook calls it during init. */
  load(): Promise<void>;
  check(presented: string | undefined): Promise<KeyCheck>;
}

/** No key could be read from Secrets Manager: the hook cannot tell Okta from anyone else. */
export class ApiKeyUnavailableError extends Error {
  override readonly name = 'ApiKeyUnavailableError';
}

export interface ApiKeyVerifierOptions {
  readonly secretStore: SecretReader;
  readonly secretId: string;
  readonly clock?: Clock;
  /** @default 5000 */
  readonly recheckIntervalMs?: number;
  /** How long a request waits for a re-read; the read goes on in the background. @default 1000 */
  readonly readTimeoutMs?: number;
}

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'buffer') => Buffer;
// crypto.hash (Node >= 20.12) skips building a Hash object on every request; @types/node 20 lacks it.
const oneShotHash = (crypto as unknown as { hash?: OneShotHash }).hash;

// Digests have one length whatever the input, so the comparison time says nothing about the key.
const digest = (value: string): Buffer =>
  oneShotHash ? oneShotHash('sha256', value, 'buffer') : crypto.createHash('sha256').update(value, 'utf8').digest();

export function createApiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const { secretStore, secretId } = options;
  const clock = options.clock ?? systemClock;
  const interval = options.recheckIntervalMs ?? DEFAULT_KEY_RECHECK_INTERVAL_MS;
  const readTimeout = options.readTimeoutMs ?? DEFAULT_KEY_READ_TIMEOUT_MS;
  let keys: Buffer[] = [];
  // The pending key when it differs from the current one: a rotation is under way.
  let pendingOnly: Buffer | undefined;
  let lastRead = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;

  // Both stages: mid-rotation Okta may already send the pending key. Pending first, then current, one
  // after the other: a read that straddles finishSecret (AWSCURRENT moves to the new
  // key, then AWSPENDING goes) still finds the new key in one of the two.
  const read = (): Promise<void> => {
    reading ??= (async () => {
      lastRead = clock.now();
      try {
        const pending = await secretStore.getSecret(secretId, { stage: 'AWSPENDING' });
        const current = await secretStore.getSecret(secretId, { stage: 'AWSCURRENT' });
        const fresh = [current, pending].flatMap((version) => (version && version.value.length > 0 ? [digest(version.value)] : []));
        if (fresh.length > 0) {
          keys = fresh;
          pendingOnly = pending?.value && pending.value !== current?.value ? digest(pending.value) : undefined;
        }
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };

  // A hung Secrets Manager call must not hold Okta's request: past the timeout the request goes on with
  // the keys it has, and the read finishes (or fails) on its own.
  const readWithin = (): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`reading the API key took longer than ${readTimeout} ms`)), readTimeout);
      (reading ?? read()).then(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });

  const matches = (presented: Buffer): boolean => {
    let found = false;
    for (const key of keys) found = crypto.timingSafeEqual(key, presented) || found;
    return found;
  };

  // Okta sending the pending key means the rotation reached setSecret; re-reading (once per interval)
  // notices when it finishes, so the retired key stops working instead of staying cached.
  const refreshIfRotating = async (presented: Buffer): Promise<void> => {
    if (!pendingOnly || !crypto.timingSafeEqual(pendingOnly, presented) || reading || clock.now() - lastRead < interval) return;
    await readWithin().catch(() => undefined);
  };

  // Cold start reads AWSCURRENT only: one round trip on the init path. The read does not count toward the
  // interval, so the first key that does not match re-reads both stages at once, and a cold start in the
  // middle of a rotation still accepts the pending key on Okta's first request.
  const loadCurrent = async (): Promise<void> => {
    const current = await secretStore.getSecret(secretId, { stage: 'AWSCURRENT' });
    if (current && current.value.length > 0) keys = [digest(current.value)];
  };

  return {
    load: loadCurrent,
    async check(value) {
      if (!value) return 'rejected';
      const presented = digest(value);
      if (matches(presented)) {
        // Outside a rotation, no second promise on every request.
        if (pendingOnly) await refreshIfRotating(presented);
        return 'accepted';
      }
      if (reading || clock.now() - lastRead >= interval) {
        try {
          await readWithin();
        } catch (error) {
          if (keys.length === 0) throw new ApiKeyUnavailableError('cannot read the API key secret: check the secret ARN and the function role', { cause: error });
        }
        if (matches(presented)) return 'accepted';
      }
      if (keys.length === 0) throw new ApiKeyUnavailableError('no API key was read from the secret yet: check the secret ARN and the function role');
      return 'rejected';
    },
  };
}
