import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

interface KeyPair {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function keyPair(alg: 'RS256' | 'ES256'): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

describe('okta simulator: management API auth', () => {
  let sim: OktaSimulator;
  let appKey: KeyPair;
  let dpopKey: KeyPair;
  const clientId = '0oaServiceAppTest0g3';
  const dpopClientId = '0oaDpopServiceApp0g3';

  beforeAll(async () => {
    sim = await startOktaSimulator();
    appKey = await keyPair('RS256');
    dpopKey = await keyPair('ES256');
    sim.addServiceApp({ clientId, publicJwk: appKey.publicJwk, scopes: ['okta.inlineHooks.read', 'okta.authorizationServers.manage'] });
    sim.addServiceApp({ clientId: dpopClientId, publicJwk: appKey.publicJwk, scopes: ['okta.inlineHooks.manage'], requireDpop: true });
  });
  afterAll(() => sim.close());

  const tokenUrl = () => `${sim.url}/oauth2/v1/token`;

  function assertion(id: string, overrides: { aud?: string; key?: CryptoKey } = {}): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(id)
      .setSubject(id)
      .setAudience(overrides.aud ?? tokenUrl())
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(overrides.key ?? appKey.privateKey);
  }

  function dpopProof(method: string, url: string, extra: Record<string, unknown> = {}): Promise<string> {
    return new SignJWT({ htm: method, htu: url, ...extra })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: dpopKey.publicJwk })
      .setIssuedAt()
      .setJti(randomUUID())
      .sign(dpopKey.privateKey);
  }

  async function requestToken(id: string, scope: string, options: { assertion?: string; dpop?: string } = {}) {
    const response = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { Accept: 'application/json', ...(options.dpop ? { DPoP: options.dpop } : {}) },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: options.assertion ?? (await assertion(id)),
      }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  }

  it('answers 401 E0000011 without a token or with an unknown SSWS token', async () => {
    const none = await simApi(sim.url, '')('GET', PATHS.hooks, { authorization: '' });
    const unknown = await simApi(sim.url, 'not-a-token')('GET', PATHS.hooks);

    expect([none.status, none.body.errorCode]).toEqual([401, 'E0000011']);
    expect([unknown.status, unknown.body.errorCode]).toEqual([401, 'E0000011']);
  });

  it('limits an SSWS token to its scopes: manage includes read, anything else is 403 E0000006', async () => {
    const limited = simApi(sim.url, sim.addApiToken({ scopes: ['okta.inlineHooks.manage'] }));

    const created = await limited('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'scoped' }) });
    const listed = await limited('GET', PATHS.hooks);
    const servers = await limited('GET', PATHS.servers);

    expect([created.status, listed.status]).toEqual([200, 200]);
    expect([servers.status, servers.body.errorCode]).toEqual([403, 'E0000006']);
  });

  it('issues a bearer token to a service app with a valid client assertion and enforces its scopes', async () => {
    const token = await requestToken(clientId, 'okta.inlineHooks.read okta.authorizationServers.manage');
    const bearer = `Bearer ${token.body.access_token}`;
    const call = simApi(sim.url, '');

    const read = await call('GET', PATHS.hooks, { authorization: bearer });
    const write = await call('POST', PATHS.hooks, { authorization: bearer, body: tokenHookCreate({ name: 'not allowed' }) });

    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'okta.inlineHooks.read okta.authorizationServers.manage' });
    expect(read.status).toBe(200);
    expect([write.status, write.body.errorCode]).toEqual([403, 'E0000006']);
  });

  it('refuses a client assertion signed by another key, for another audience, or replayed', async () => {
    const other = await keyPair('RS256');
    const once = await assertion(clientId);
    await requestToken(clientId, 'okta.inlineHooks.read', { assertion: once });

    const answers = await Promise.all([
      requestToken(clientId, 'okta.inlineHooks.read', { assertion: await assertion(clientId, { key: other.privateKey }) }),
      requestToken(clientId, 'okta.inlineHooks.read', { assertion: await assertion(clientId, { aud: `${sim.url}/oauth2/default/v1/token` }) }),
      requestToken(clientId, 'okta.inlineHooks.read', { assertion: once }),
      requestToken('0oaUnknownApp', 'okta.inlineHooks.read'),
    ]);

    expect(answers.map((a) => `${a.status} ${a.body.error}`)).toEqual(Array(4).fill('401 invalid_client'));
  });

  it('refuses scopes the service app was not granted with invalid_scope', async () => {
    const answer = await requestToken(clientId, 'okta.inlineHooks.manage');

    expect([answer.status, answer.body.error]).toEqual([400, 'invalid_scope']);
  });

  it('runs the DPoP nonce round trip and binds the token to the proof key', async () => {
    const missing = await requestToken(dpopClientId, 'okta.inlineHooks.manage');
    const first = await requestToken(dpopClientId, 'okta.inlineHooks.manage', { dpop: await dpopProof('POST', tokenUrl()) });
    const nonce = first.headers.get('dpop-nonce');
    const second = await requestToken(dpopClientId, 'okta.inlineHooks.manage', { dpop: await dpopProof('POST', tokenUrl(), { nonce }) });

    expect([missing.status, missing.body.error]).toEqual([400, 'invalid_dpop_proof']);
    expect([first.status, first.body.error]).toEqual([400, 'use_dpop_nonce']);
    expect(nonce).toEqual(expect.any(String));
    expect([second.status, second.body.token_type]).toEqual([200, 'DPoP']);
  });

  it('accepts a DPoP-bound token only with a fresh proof carrying htm, htu and ath', async () => {
    const first = await requestToken(dpopClientId, 'okta.inlineHooks.manage', { dpop: await dpopProof('POST', tokenUrl()) });
    const nonce = first.headers.get('dpop-nonce');
    const token = (await requestToken(dpopClientId, 'okta.inlineHooks.manage', { dpop: await dpopProof('POST', tokenUrl(), { nonce }) })).body
      .access_token as string;
    const url = `${sim.url}${PATHS.hooks}`;
    const ath = createHash('sha256').update(token).digest('base64url');
    const call = simApi(sim.url, '');

    const good = await call('GET', PATHS.hooks, { authorization: `DPoP ${token}`, headers: { DPoP: await dpopProof('GET', url, { ath }) } });
    const asBearer = await call('GET', PATHS.hooks, { authorization: `Bearer ${token}` });
    const noAth = await call('GET', PATHS.hooks, { authorization: `DPoP ${token}`, headers: { DPoP: await dpopProof('GET', url) } });
    const wrongHtu = await call('GET', PATHS.hooks, {
      authorization: `DPoP ${token}`,
      headers: { DPoP: await dpopProof('GET', `${sim.url}/api/v1/other`, { ath }) },
    });

    expect(good.status).toBe(200);
    expect([asBearer.status, noAth.status, wrongHtu.status]).toEqual([401, 401, 401]);
    expect(noAth.headers.get('www-authenticate')).toContain('invalid_dpop_proof');
  });
});
