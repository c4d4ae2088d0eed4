import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, exportJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createClientAssertion, loadSigningKey } from '../../../lambda/okta/client-assertion.js';
import { OktaCredentialsError } from '../../../lambda/okta/credentials.js';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
const TOKEN_URL = 'https://x.okta.com/oauth2/v1/token';

function rsaPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

describe('loadSigningKey', () => {
  it('reads an RSA PEM as RS256 with the given key id', () => {
    const signing = loadSigningKey({ privateKey: rsaPem(), keyId: 'kid-1' });

    expect(signing).toMatchObject({ alg: 'RS256', kid: 'kid-1' });
  });

  it('reads an EC P-384 JWK as ES384 and takes its kid', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'from-jwk' } as { kty: 'EC'; d: string; kid: string };

    const signing = loadSigningKey({ privateKey: jwk });

    expect(signing).toMatchObject({ alg: 'ES384', kid: 'from-jwk' });
  });

  it('refuses an unreadable key without showing it', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----';

    const load = () => loadSigningKey({ privateKey: pem });

    expect(load).toThrow(OktaCredentialsError);
    expect(load).toThrow(/privateKey cannot be read/);
    expect(load).not.toThrow(/c2VjcmV0/);
  });

  it('refuses a key type Okta cannot verify', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    expect(() => loadSigningKey({ privateKey: pem })).toThrow(/RSA or EC/);
  });
});

describe('createClientAssertion', () => {
  it('signs iss = sub = client id, aud = token endpoint, a short exp and a jti', async () => {
    const pem = rsaPem();
    const signing = loadSigningKey({ privateKey: pem, keyId: 'kid-1' });

    const assertion = await createClientAssertion(signing, { clientId: '0oaClient', tokenUrl: TOKEN_URL, nowMs: NOW });

    const { payload } = await jwtVerify(assertion, createPublicKey(pem), {
      issuer: '0oaClient',
      subject: '0oaClient',
      audience: TOKEN_URL,
      currentDate: new Date(NOW),
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(typeof payload.jti).toBe('string');
    expect(decodeProtectedHeader(assertion)).toEqual({ alg: 'RS256', kid: 'kid-1' });
  });
});
