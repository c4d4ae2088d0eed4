import { createHash } from 'node:crypto';
import { EmbeddedJWK, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { accessTokenHash, createDpopProof, dpopHtu, generateDpopKey } from '../../../lambda/okta/dpop.js';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

describe('createDpopProof', () => {
  it('signs htm, htu, iat and jti with the embedded public key', async () => {
    const key = await generateDpopKey();

    const proof = await createDpopProof(key, { method: 'post', url: 'https://x.okta.com/oauth2/v1/token', nowMs: NOW });

    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', currentDate: new Date(NOW) });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://x.okta.com/oauth2/v1/token', iat: NOW / 1000 });
    expect(typeof payload.jti).toBe('string');
    expect(payload).not.toHaveProperty('ath');
    expect(payload).not.toHaveProperty('nonce');
  });

  it('binds the proof to the access token (ath) and carries the server nonce', async () => {
    const key = await generateDpopKey();

    const proof = await createDpopProof(key, {
      method: 'GET',
      url: 'https://x.okta.com/api/v1/inlineHooks?type=com.okta.oauth2.tokens.transform',
      nowMs: NOW,
      accessToken: 'token-value',
      nonce: 'n-1',
    });

    const { payload } = await jwtVerify(proof, EmbeddedJWK, { currentDate: new Date(NOW) });
    expect(payload.ath).toBe(createHash('sha256').update('token-value').digest('base64url'));
    expect(payload.nonce).toBe('n-1');
    expect(payload.htu).toBe('https://x.okta.com/api/v1/inlineHooks');
  });

  it('uses a fresh jti for every proof and never embeds the private key', async () => {
    const key = await generateDpopKey();
    const claims = { method: 'GET', url: 'https://x.okta.com/api/v1/inlineHooks', nowMs: NOW };

    const [a, b] = await Promise.all([createDpopProof(key, claims), createDpopProof(key, claims)]);

    const jti = async (proof: string) => (await jwtVerify(proof, EmbeddedJWK, { currentDate: new Date(NOW) })).payload.jti;
    expect(await jti(a)).not.toBe(await jti(b));
    expect(Object.keys(decodeProtectedHeader(a).jwk ?? {}).sort()).toEqual(['e', 'kty', 'n']);
  });
});

describe('dpopHtu and accessTokenHash', () => {
  it('drops query and fragment from htu', () => {
    expect(dpopHtu('http://127.0.0.1:9/api/v1/authorizationServers?q=a&limit=1#x')).toBe('http://127.0.0.1:9/api/v1/authorizationServers');
  });

  it('hashes the token as base64url SHA-256 without padding', () => {
    expect(accessTokenHash('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
});
