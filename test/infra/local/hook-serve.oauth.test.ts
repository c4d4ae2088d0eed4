import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import type { HookLogLine } from '../../../lambda/token-hook/log.js';
import { loadFixture } from '../../support/fixtures.js';

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

/** An issuer's key set that a test can rotate: what `/v1/keys` of an Okta authorization server serves. */
async function startIssuer(keys: TestKey[]) {
  let published = keys;
  let reads = 0;
  const server: Server = createServer((request, response) => {
    reads += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published.map((key) => key.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    issuer: `http://127.0.0.1:${port}/oauth2/ausHookIssuer0000g3`,
    publish: (next: TestKey[]) => (published = next),
    reads: () => reads,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('hook:serve in OAuth 2.0 mode', () => {
  let served: ServedHook;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let current: TestKey;
  const logs: HookLogLine[] = [];

  function token(claims: Record<string, unknown> = {}, options: { key?: TestKey; iss?: string; aud?: string; exp?: number } = {}): Promise<string> {
    const key = options.key ?? current;
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scp: [SCOPE], cid: '0oaHookCaller0000g3', ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setIssuer(options.iss ?? issuer.issuer)
      .setAudience(options.aud ?? AUDIENCE)
      .setSubject('0oaHookCaller0000g3')
      .setIssuedAt(now - 10)
      .setExpirationTime(options.exp ?? now + 300)
      .sign(key.privateKey);
  }

  async function post(authorization?: string) {
    const response = await fetch(served.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization !== undefined ? { authorization } : {}) },
      body: JSON.stringify(loadFixture('token-hook', 'client-credentials')),
    });
    await response.text();
    return { status: response.status, log: logs.at(-1)! };
  }

  beforeAll(async () => {
    current = await testKey('key-1');
    issuer = await startIssuer([current]);
    served = await serveHook({
      auth: { type: 'oauth2', issuer: issuer.issuer, audience: AUDIENCE, scope: SCOPE, acceptApiKey: false },
      jwksRefetchIntervalMs: 0,
      log: (line) => logs.push(line),
    });
  });
  afterAll(async () => {
    await served.close();
    await issuer.close();
  });

  it('accepts a valid token and patches the token', async () => {
    const answer = await post(`Bearer ${await token()}`);

    expect(answer.status).toBe(200);
    expect(answer.log).toMatchObject({ outcome: 'patched', status: 200 });
    expect(served.apiKey).toBeUndefined();
  });

  it.each([
    ['no token', async () => undefined, 'missing'],
    ['an API key', async () => 'some-api-key', 'missing'],
    ['an expired token', async () => `Bearer ${await token({}, { exp: Math.floor(Date.now() / 1000) - 120 })}`, 'expired'],
    ['a token of another issuer', async () => `Bearer ${await token({}, { iss: 'https://example.okta.com/oauth2/default' })}`, 'issuer'],
    ['a token for another audience', async () => `Bearer ${await token({}, { aud: 'api://default' })}`, 'audience'],
    ['a token without the scope', async () => `Bearer ${await token({ scp: ['orders:read'] })}`, 'scope'],
    ['an unsigned token (alg none)', async () => `Bearer ${unsigned({ iss: issuer.issuer, aud: AUDIENCE, scp: [SCOPE], exp: Math.floor(Date.now() / 1000) + 300 })}`, 'algorithm'],
    ['a token signed by an unknown key', async () => `Bearer ${await token({}, { key: await testKey('stranger') })}`, 'unknown-key'],
    ['a token with a forged signature', async () => `Bearer ${await token({}, { key: { ...(await testKey('x')), kid: current.kid } })}`, 'signature'],
  ])('refuses %s with 401, and the log line names the check, not the token', async (_, authorization, failure) => {
    const header = await authorization();

    const answer = await post(header);

    expect(answer.status).toBe(401);
    expect(answer.log).toMatchObject({ outcome: 'unauthorized', error: `HookRequestError: the bearer token failed the ${failure} check` });
    const credential = header?.replace(/^Bearer /, '');
    if (credential) expect(JSON.stringify(logs)).not.toContain(credential);
  });

  it('learns a rotated key from the JWKS on its first token, and then refuses tokens of the key that was removed', async () => {
    const retired = current;
    const before = await token({}, { key: retired });
    const next = await testKey('key-2');
    issuer.publish([next]);

    const withNew = await post(`Bearer ${await token({}, { key: next })}`);
    const withRemoved = await post(`Bearer ${before}`);

    expect(withNew.status).toBe(200);
    expect(withRemoved.status).toBe(401);
    expect(withRemoved.log.error).toBe('HookRequestError: the bearer token failed the unknown-key check');
    current = next;
  });
});

describe('hook:serve in OAuth 2.0 mode behind the Okta simulator', () => {
  let sim: OktaSimulator;
  let served: ServedHook;
  const logs: HookLogLine[] = [];

  beforeAll(async () => {
    // What is tested is the auth, not Okta's 3 s: a loaded machine must not turn a call into a timeout.
    sim = await startOktaSimulator({ hookTimeoutMs: 15_000 });
  });
  afterAll(async () => {
    await served?.close();
    await sim.close();
  });

  async function manage(method: string, path: string, body?: unknown) {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { Accept: 'application/json', Authorization: `SSWS ${sim.apiToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? (method === 'GET' ? undefined : '') : JSON.stringify(body),
    });
    const text = await response.text();
    expect(response.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return text ? JSON.parse(text) : undefined;
  }

  /** An access policy on the partner server that lets the app get the hook's scope with client credentials, as Okta needs. */
  async function grantHookScope(appId: string, name: string) {
    const partner = SEED.partnerServer.id;
    const policy = await manage('POST', `/api/v1/authorizationServers/${partner}/policies`, {
      type: 'OAUTH_AUTHORIZATION_POLICY',
      name,
      description: 'Okta calling the token hook',
      priority: 1,
      conditions: { clients: { include: [appId] } },
    });
    await manage('POST', `/api/v1/authorizationServers/${partner}/policies/${policy.id}/rules`, {
      name: 'Hook tokens',
      type: 'RESOURCE_ACCESS',
      conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: [SCOPE] } },
    });
  }

  it('mints a token through a private_key_jwt hook: Okta fetches a token from the partner server and the hook accepts it', async () => {
    const partner = SEED.partnerServer.id;
    await manage('POST', `/api/v1/authorizationServers/${partner}/scopes`, { name: SCOPE });
    const hookKey = await manage('POST', '/api/v1/hook-keys', { name: 'token hook key' });
    const { kty, kid, e, n } = hookKey._embedded;
    const app = await manage('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label: 'Token hook caller',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], jwks: { keys: [{ kty, kid, e, n }] } } },
    });
    await grantHookScope(app.id, 'Token hook caller');
    const issuer = `${sim.url}/oauth2/${partner}`;
    served = await serveHook({ auth: { type: 'oauth2', issuer, audience: SEED.partnerServer.audience, scope: SCOPE, acceptApiKey: false }, log: (line) => logs.push(line) });
    const hook = await manage('POST', '/api/v1/inlineHooks', {
      name: 'OAuth token hook',
      type: 'com.okta.oauth2.tokens.transform',
      version: '1.0.0',
      channel: {
        type: 'OAUTH',
        version: '1.0.0',
        config: { uri: served.url, method: 'POST', headers: [], authType: 'private_key_jwt', clientId: app.id, tokenUrl: `${issuer}/v1/token`, scope: SCOPE, hookKeyId: hookKey.id },
      },
    });
    const rulePath = `/api/v1/authorizationServers/default/policies/${SEED.defaultPolicy.id}/rules/${SEED.defaultRule.id}`;
    const { id: _id, created: _c, lastUpdated: _l, _links, system: _s, ...rule } = await manage('GET', rulePath);
    await manage('PUT', rulePath, { ...rule, actions: { ...rule.actions, token: { ...rule.actions.token, inlineHook: { id: hook.id } } } });

    const minted = await sim.mintTokens({ authorizationServer: 'default', clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] });

    expect(minted.hookOutcome, minted.reason).toBe('applied');
    expect(minted.access.claims.caller).toBe('service');
    expect(logs.at(-1)).toMatchObject({ outcome: 'patched', status: 200 });
  });

  it("refuses a token signed with a key the issuer removed after rotating its keys, once it has learnt the new set", async () => {
    const partner = SEED.partnerServer.id;
    const app = await manage('POST', '/api/v1/apps', {
      name: 'oidc_client',
      label: 'Token hook caller (secret)',
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'] } },
    });
    await grantHookScope(app.id, 'Token hook caller (secret)');
    const issuer = `${sim.url}/oauth2/${partner}`;
    const token = async () => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.id, client_secret: app.credentials.oauthClient.client_secret, scope: SCOPE });
      const answer = (await (await fetch(`${issuer}/v1/token`, { method: 'POST', body: form })).json()) as { access_token: string };
      return answer.access_token;
    };
    const rotating = await serveHook({ auth: { type: 'oauth2', issuer, audience: SEED.partnerServer.audience, scope: SCOPE, acceptApiKey: false }, jwksRefetchIntervalMs: 0, log: (line) => logs.push(line) });
    const post = async (bearer: string) => {
      const response = await fetch(rotating.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(loadFixture('token-hook', 'client-credentials')) });
      await response.text();
      return { status: response.status, log: logs.at(-1)! };
    };
    try {
      const signedBefore = await token();
      const accepted = await post(signedBefore);
      // Okta publishes the active key and the one before it: two rotations take the first key out of the set.
      await manage('POST', `/api/v1/authorizationServers/${partner}/credentials/lifecycle/keyRotate`, { use: 'sig' });
      await manage('POST', `/api/v1/authorizationServers/${partner}/credentials/lifecycle/keyRotate`, { use: 'sig' });

      const signedAfter = await post(await token());
      const withRemovedKey = await post(signedBefore);

      expect(accepted.status).toBe(200);
      expect(signedAfter.status).toBe(200);
      expect(withRemovedKey.status).toBe(401);
      expect(withRemovedKey.log.error).toBe('HookRequestError: the bearer token failed the unknown-key check');
    } finally {
      await rotating.close();
    }
  });
});

/** An RFC 7519 unsecured JWT: `alg: none`, empty signature. */
function unsigned(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}
