import { describe, expect, it } from 'vitest';
import { ApiKeyUnavailableError, createApiKeyVerifier } from '../../../lambda/token-hook/auth.js';
import { manualClock, MemorySecretStore } from './memory-secret-store.js';

function setup(stages: Partial<Record<'AWSCURRENT' | 'AWSPENDING', string>>) {
  const store = new MemorySecretStore(stages);
  const clock = manualClock(0);
  const verifier = createApiKeyVerifier({ secretStore: store, secretId: 'arn:secret', clock, recheckIntervalMs: 5_000 });
  return { store, clock, verifier };
}

describe('createApiKeyVerifier', () => {
  it('accepts the current key from the cache without reading the secret again', async () => {
    const { store, verifier } = setup({ AWSCURRENT: 'k1' });
    await verifier.load();

    const results = [await verifier.check('k1'), await verifier.check('k1')];

    expect(results).toEqual(['accepted', 'accepted']);
    expect(store.reads).toBe(1);
  });

  it('rejects a missing or empty key without reading the secret', async () => {
    const { store, verifier } = setup({ AWSCURRENT: 'k1' });
    await verifier.load();

    expect(await verifier.check(undefined)).toBe('rejected');
    expect(await verifier.check('')).toBe('rejected');
    expect(store.reads).toBe(1);
  });

  it('accepts the pending key right after a cold start in the middle of a rotation', async () => {
    const { verifier } = setup({ AWSCURRENT: 'k1', AWSPENDING: 'k2' });
    await verifier.load();

    expect(await verifier.check('k2')).toBe('accepted');
    expect(await verifier.check('k1')).toBe('accepted');
  });

  it('accepts a key rotated since the cold start at once, by re-reading current and pending', async () => {
    const { store, clock, verifier } = setup({ AWSCURRENT: 'k1' });
    await verifier.load();
    clock.advance(60_000);
    store.stages.AWSPENDING = 'k2';

    expect(await verifier.check('k2')).toBe('accepted');
    expect(await verifier.check('k1')).toBe('accepted');
  });

  it('re-reads at most once per interval however many wrong keys arrive', async () => {
    const { store, clock, verifier } = setup({ AWSCURRENT: 'k1' });
    await verifier.load();
    clock.advance(10_000);

    const results = await Promise.all(['x1', 'x2', 'x3'].map((key) => verifier.check(key)));
    await verifier.check('x4');
    const readsWithinInterval = store.reads;
    clock.advance(5_000);
    await verifier.check('x5');

    expect(results).toEqual(['rejected', 'rejected', 'rejected']);
    expect(readsWithinInterval).toBe(1 + 2);
    expect(store.reads).toBe(1 + 2 + 2);
  });

  it('drops the old key once the rotation is promoted and the secret re-read', async () => {
    const { store, clock, verifier } = setup({ AWSCURRENT: 'k1' });
    await verifier.load();
    store.stages.AWSCURRENT = 'k2';
    clock.advance(10_000);

    expect(await verifier.check('k2')).toBe('accepted');
    expect(await verifier.check('k1')).toBe('rejected');
  });

  it('keeps the cached keys when Secrets Manager fails during a re-read', async () => {
    const { store, clock, verifier } = setup({ AWSCURRENT: 'k1' });
    await verifier.load();
    store.failing = true;
    clock.advance(10_000);

    expect(await verifier.check('wrong')).toBe('rejected');
    expect(await verifier.check('k1')).toBe('accepted');
  });

  it('reports the key as unavailable when it was never read, and recovers on a later request', async () => {
    const { store, clock, verifier } = setup({ AWSCURRENT: 'k1' });
    store.failing = true;
    await expect(verifier.load()).rejects.toThrow();

    await expect(verifier.check('k1')).rejects.toBeInstanceOf(ApiKeyUnavailableError);
    store.failing = false;
    clock.advance(5_000);

    expect(await verifier.check('k1')).toBe('accepted');
  });

  it('drops the retired key once Okta sends the new one after the rotation finished', async () => {
    const { store, clock, verifier } = setup({ AWSCURRENT: 'k1', AWSPENDING: 'k2' });
    await verifier.load();
    store.stages.AWSCURRENT = 'k2';
    delete store.stages.AWSPENDING;
    clock.advance(5_000);

    expect(await verifier.check('k2')).toBe('accepted');
    expect(await verifier.check('k1')).toBe('rejected');
  });

  it('finds the new key when a read straddles the end of a rotation', async () => {
    // finishSecret moves AWSCURRENT, then Secrets Manager removes AWSPENDING: both between two reads.
    const store = new MemorySecretStore({ AWSCURRENT: 'k1', AWSPENDING: 'k2' });
    const read = store.getSecret.bind(store);
    store.getSecret = async (secretId, ref) => {
      const answer = await read(secretId, ref);
      if (store.reads === 1) {
        store.stages.AWSCURRENT = 'k2';
        delete store.stages.AWSPENDING;
      }
      return answer;
    };
    const verifier = createApiKeyVerifier({ secretStore: store, secretId: 'arn:secret', clock: manualClock(0) });

    await verifier.load();

    expect(await verifier.check('k2')).toBe('accepted');
  });

  it('answers within the read timeout when Secrets Manager hangs, with the keys it has', async () => {
    const store = new MemorySecretStore({ AWSCURRENT: 'k1' });
    const clock = manualClock(0);
    const verifier = createApiKeyVerifier({ secretStore: store, secretId: 'arn', clock, readTimeoutMs: 20 });
    await verifier.load();
    store.getSecret = () => new Promise(() => undefined);
    clock.advance(10_000);

    const results = [await verifier.check('wrong'), await verifier.check('k1')];

    expect(results).toEqual(['rejected', 'accepted']);
  });
});
