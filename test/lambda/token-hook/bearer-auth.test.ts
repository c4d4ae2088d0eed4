import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBearerVerifier, JwksUnavailableError, MAX_TOKEN_LENGTH } from '../../../lambda/token-hook/bearer-auth.js';

const ISSUER = 'https://example.okta.com/oauth2/ausHookIssuer0000g3';
const AUDIENCE = 'api://token-hook';
const SCOPE = 'hooks:invoke';

interface TestKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function testKey(kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

function sign(key: TestKey, claims: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, scp: [SCOPE], iat: now, exp: now + 300, ...claims }).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
}

/** A JWKS endpoint in memory: counts reads, can be rotated or made to fail. */
function fakeIssuer(keys: TestKey[]) {
  const state = { keys, reads: 0, failing: false };
  const fetch = (async () => {
    state.reads += 1;
    if (state.failing) throw new TypeError('fetch failed');
    return new Response(JSON.stringify({ keys: state.keys.map((key) => key.publicJwk) }), { headers: { 'content-type': 'application/json' } });
  }) as typeof globalThis.fetch;
  return { state, fetch };
}

function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('bearer token verification', () => {
  let key1: TestKey;
  let key2: TestKey;
  let stranger: TestKey;

  beforeAll(async () => {
    [key1, key2, stranger] = await Promise.all([testKey('key-1'), testKey('key-2'), testKey('stranger')]);
  });

  function verifier(issuer: ReturnType<typeof fakeIssuer>, clock = manualClock(), extra: { maxAgeMs?: number } = {}) {
    return createBearerVerifier({ issuer: ISSUER, audience: AUDIENCE, scope: SCOPE, fetch: issuer.fetch, clock, refetchIntervalMs: 30_000, ...extra });
  }

  it('accepts a token with a scope claim string as well as an scp list', async () => {
    const issuer = fakeIssuer([key1]);
    const bearer = verifier(issuer);
    await bearer.load();

    const withScp = await bearer.check(`Bearer ${await sign(key1)}`);
    const withScope = await bearer.check(`Bearer ${await sign(key1, { scp: undefined, scope: `openid ${SCOPE}` })}`);

    expect([withScp, withScope]).toEqual([{ ok: true }, { ok: true }]);
  });

  it('tolerates a small clock skew but not an expired token', async () => {
    const bearer = verifier(fakeIssuer([key1]));
    await bearer.load();
    const now = Math.floor(Date.now() / 1000);

    const skewed = await bearer.check(`Bearer ${await sign(key1, { exp: now - 10 })}`);
    const expired = await bearer.check(`Bearer ${await sign(key1, { exp: now - 60 })}`);
    const early = await bearer.check(`Bearer ${await sign(key1, { nbf: now + 600 })}`);

    expect(skewed).toEqual({ ok: true });
    expect(expired).toEqual({ ok: false, failure: 'expired' });
    expect(early).toEqual({ ok: false, failure: 'not-yet-valid' });
  });

  it('reads the JWKS once per interval however many tokens of unknown keys arrive', async () => {
    const issuer = fakeIssuer([key1]);
    const clock = manualClock();
    const bearer = verifier(issuer, clock);
    await bearer.load();
    clock.advance(30_000);
    const forged = await sign(stranger);

    const answers = await Promise.all(Array.from({ length: 50 }, () => bearer.check(`Bearer ${forged}`)));
    const later = await bearer.check(`Bearer ${forged}`);

    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(new Set([JSON.stringify({ ok: false, failure: 'unknown-key' })]));
    expect(later).toEqual({ ok: false, failure: 'unknown-key' });
    expect(issuer.state.reads).toBe(2);
  });

  it('learns a rotated key at once when the interval allows, and forgets a removed key when its keys are re-read', async () => {
    const issuer = fakeIssuer([key1]);
    const clock = manualClock();
    const bearer = verifier(issuer, clock, { maxAgeMs: 60_000 });
    await bearer.load();
    const old = await sign(key1);
    issuer.state.keys = [key2];

    const tooSoon = await bearer.check(`Bearer ${await sign(key2)}`);
    clock.advance(30_000);
    const learnt = await bearer.check(`Bearer ${await sign(key2)}`);
    const removed = await bearer.check(`Bearer ${old}`);

    expect(tooSoon).toEqual({ ok: false, failure: 'unknown-key' });
    expect(learnt).toEqual({ ok: true });
    expect(removed).toEqual({ ok: false, failure: 'unknown-key' });
  });

  it('re-reads keys past their age in the background, so a key removed without a rotation stops working', async () => {
    const issuer = fakeIssuer([key1, key2]);
    const clock = manualClock();
    const bearer = verifier(issuer, clock, { maxAgeMs: 60_000 });
    await bearer.load();
    const old = await sign(key1);
    issuer.state.keys = [key2];
    clock.advance(60_000);

    const stale = await bearer.check(`Bearer ${old}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const fresh = await bearer.check(`Bearer ${old}`);

    expect(stale).toEqual({ ok: true });
    expect(fresh).toEqual({ ok: false, failure: 'unknown-key' });
  });

  it('retries the JWKS on the first request when init could not read it, and throws when it still cannot', async () => {
    const issuer = fakeIssuer([key1]);
    issuer.state.failing = true;
    const bearer = verifier(issuer);
    await expect(bearer.load()).rejects.toThrow();

    const failed = bearer.check(`Bearer ${await sign(key1)}`);
    await expect(failed).rejects.toBeInstanceOf(JwksUnavailableError);
    issuer.state.failing = false;
    const recovered = await bearer.check(`Bearer ${await sign(key1)}`);

    expect(recovered).toEqual({ ok: true });
  });

  it('refuses an oversized token before parsing it', async () => {
    const issuer = fakeIssuer([key1]);
    const bearer = verifier(issuer);
    await bearer.load();

    const answer = await bearer.check(`Bearer ${'a'.repeat(MAX_TOKEN_LENGTH + 1)}`);

    expect(answer).toEqual({ ok: false, failure: 'malformed' });
  });

  describe('properties', () => {
    it('never accepts and never throws on an arbitrary header value or JWT-shaped string', async () => {
      const issuer = fakeIssuer([key1]);
      const bearer = verifier(issuer);
      await bearer.load();
      const segment = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), maxLength: 60 });
      const jwtShaped = fc.tuple(segment, segment, segment).map((parts) => `Bearer ${parts.join('.')}`);
      const headerJson = fc.record({ alg: fc.constantFrom('RS256', 'none', 'HS256', 'ES256'), kid: fc.constantFrom('key-1', 'other') }, { requiredKeys: [] });
      const craftedHeader = fc.tuple(headerJson, fc.jsonValue(), segment).map(([header, body, signature]) => {
        const part = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'null').toString('base64url');
        return `Bearer ${part(header)}.${part(body)}.${signature}`;
      });

      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.string(), jwtShaped, craftedHeader), async (value) => {
          const answer = await bearer.check(value);
          expect(answer.ok).toBe(false);
        }),
        { numRuns: 300 },
      );
    });

    it('accepts a token signed by a published key exactly when issuer, audience, scope and expiry all hold', async () => {
      const issuer = fakeIssuer([key1]);
      const bearer = verifier(issuer);
      await bearer.load();
      const now = Math.floor(Date.now() / 1000);
      const claims = fc.record({
        iss: fc.constantFrom(ISSUER, `${ISSUER}/`, 'https://example.okta.com/oauth2/default'),
        aud: fc.constantFrom(AUDIENCE, 'api://default', [AUDIENCE, 'api://other']),
        scp: fc.constantFrom<string[]>([SCOPE], ['orders:read'], [], ['orders:read', SCOPE]),
        exp: fc.constantFrom(now + 300, now - 3600),
      });

      await fc.assert(
        fc.asyncProperty(claims, async (drawn) => {
          const answer = await bearer.check(`Bearer ${await sign(key1, drawn)}`);
          const valid = drawn.iss === ISSUER && [drawn.aud].flat().includes(AUDIENCE) && drawn.scp.includes(SCOPE) && drawn.exp > now;
          expect(answer.ok).toBe(valid);
        }),
        { numRuns: 60 },
      );
    });
  });
});
