import { randomUUID } from 'node:crypto';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { specErrors } from '../../../support/okta-spec.js';
import { startHookServer } from './hook-server.js';
import { PATHS, simApi } from './sim-api.js';

const HOOK_KEYS = '/api/v1/hook-keys';
const HOOK_KEY = '/api/v1/hook-keys/{id}';
const PUBLIC_KEY = '/api/v1/hook-keys/public/{keyId}';
const HOOK_SCOPE = 'okta.hooks:invoke';

describe('okta simulator: OAuth 2.0 for inline hooks', () => {
  let sim: OktaSimulator;
  let call: ReturnType<typeof simApi>;
  let hookServer: Awaited<ReturnType<typeof startHookServer>>;

  /** A management call outside the subset spec: the answer is checked against the full spec's schema (in the project's copy). */
  async function manage(method: string, path: string, body: unknown, schema?: string) {
    const response = await fetch(`${sim.url}${path}`, {
      method,
      headers: { Accept: 'application/json', Authorization: `SSWS ${sim.apiToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? (method === 'POST' || method === 'PUT' ? '' : undefined) : JSON.stringify(body),
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : undefined;
    const check = response.status >= 400 ? 'Error' : schema;
    if (check && json !== undefined) {
      for (const item of Array.isArray(json) ? json : [json]) expect(specErrors(check, item), `${method} ${path}`).toBe('');
    }
    return { status: response.status, body: json };
  }

  function serviceApp(method: 'client_secret_post' | 'private_key_jwt', jwks?: JWK[]) {
    return {
      name: 'oidc_client',
      label: `Hook caller ${randomUUID().slice(0, 8)}`,
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: method, autoKeyRotation: true } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], ...(jwks ? { jwks: { keys: jwks } } : {}) } },
    };
  }

  /** The partner server issues the hook's tokens: a policy naming the hook's client, a rule for its scope. */
  async function allowClientOnPartner(clientId: string) {
    const policy = await call('POST', PATHS.policies, {
      params: { authServerId: SEED.partnerServer.id },
      body: { type: 'OAUTH_AUTHORIZATION_POLICY', name: `Hook caller ${clientId}`, description: 'The hook client', priority: 1, conditions: { clients: { include: [clientId] } } },
    });
    expect(policy.status).toBe(201);
    await call('POST', PATHS.rules, {
      params: { authServerId: SEED.partnerServer.id, policyId: policy.body.id },
      body: {
        name: `Hook caller ${clientId}`,
        type: 'RESOURCE_ACCESS',
        priority: 1,
        conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: [HOOK_SCOPE] } },
        actions: { token: { accessTokenLifetimeMinutes: 5 } },
      },
    });
  }

  function tokenUrl(serverId: string = SEED.partnerServer.id) {
    return `${sim.url}/oauth2/${serverId}/v1/token`;
  }

  async function requestToken(form: Record<string, string>, serverId: string = SEED.partnerServer.id) {
    const response = await fetch(tokenUrl(serverId), { method: 'POST', headers: { Accept: 'application/json' }, body: new URLSearchParams({ grant_type: 'client_credentials', ...form }) });
    return { status: response.status, body: (await response.json()) as any };
  }

  beforeAll(async () => {
    sim = await startOktaSimulator({ hookTimeoutMs: 1500 });
    call = simApi(sim.url, sim.apiToken);
    hookServer = await startHookServer();
    const scope = await manage('POST', `/api/v1/authorizationServers/${SEED.partnerServer.id}/scopes`, { name: HOOK_SCOPE, description: 'Okta calls the token hook' }, 'OAuth2Scope');
    expect(scope.status).toBe(201);
  });
  afterAll(async () => {
    await hookServer.close();
    await sim.close();
  });

  describe('hook keys', () => {
    it('generates a key pair, answers with the public key only, and serves it by keyId', async () => {
      const created = await call('POST', HOOK_KEYS, { body: { name: 'hook key A' } });

      expect(created.status).toBe(200);
      expect(created.body.id).toMatch(/^HKY[A-Za-z0-9]{17}$/);
      expect(created.body._embedded).toMatchObject({ kty: 'RSA', kid: created.body.keyId, e: 'AQAB' });
      expect(Object.keys(created.body._embedded).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      const publicKey = await call('GET', PUBLIC_KEY, { params: { keyId: created.body.keyId } });
      expect(publicKey.body._embedded.n).toBe(created.body._embedded.n);
      const fetched = await call('GET', HOOK_KEY, { params: { id: created.body.id } });
      expect(fetched.body).toMatchObject({ id: created.body.id, isUsed: 'false', name: 'hook key A' });
      expect(fetched.body._embedded).toBeUndefined();
    });

    it('renames a key, refuses a second key with the same name, and deletes an unused key', async () => {
      const created = await call('POST', HOOK_KEYS, { body: { name: 'hook key B' } });

      const renamed = await call('PUT', HOOK_KEY, { params: { id: created.body.id }, body: { name: 'hook key B2' } });
      const duplicate = await call('POST', HOOK_KEYS, { body: { name: 'hook key B2' } });
      const deleted = await call('DELETE', HOOK_KEY, { params: { id: created.body.id } });
      const gone = await call('GET', HOOK_KEY, { params: { id: created.body.id } });

      expect(renamed.body.name).toBe('hook key B2');
      expect(duplicate.status).toBe(400);
      expect(deleted.status).toBe(204);
      expect(gone.status).toBe(404);
    });
  });

  describe('API Services apps and the client credentials grant', () => {
    it('issues a JWT to a client_secret_post app, verifiable with the issuer JWKS, and refuses a wrong secret', async () => {
      const app = await manage('POST', '/api/v1/apps', serviceApp('client_secret_post'), 'OpenIdConnectApplication');
      const clientId = app.body.credentials.oauthClient.client_id as string;
      const secret = app.body.credentials.oauthClient.client_secret as string;
      await allowClientOnPartner(clientId);

      const issued = await requestToken({ client_id: clientId, client_secret: secret, scope: HOOK_SCOPE });
      const refused = await requestToken({ client_id: clientId, client_secret: `${secret}x`, scope: HOOK_SCOPE });

      expect(issued.status).toBe(200);
      const issuer = `${sim.url}/oauth2/${SEED.partnerServer.id}`;
      const { payload } = await jwtVerify(issued.body.access_token, createRemoteJWKSet(new URL(`${issuer}/v1/keys`)), { issuer, audience: SEED.partnerServer.audience });
      expect(payload).toMatchObject({ cid: clientId, sub: clientId, scp: [HOOK_SCOPE] });
      expect(refused).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      const fetched = await manage('GET', `/api/v1/apps/${clientId}`, undefined, 'OpenIdConnectApplication');
      expect(JSON.stringify(fetched.body)).not.toContain(secret);
    });

    it('issues a JWT to a private_key_jwt app for an assertion signed with its key, once per jti', async () => {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const jwk = { ...(await exportJWK(publicKey)), kid: 'client-key-1' };
      const app = await manage('POST', '/api/v1/apps', serviceApp('private_key_jwt', [jwk]), 'OpenIdConnectApplication');
      const clientId = app.body.id as string;
      await allowClientOnPartner(clientId);
      const assertion = await new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid: 'client-key-1' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(tokenUrl())
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti(randomUUID())
        .sign(privateKey);
      const form = { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, scope: HOOK_SCOPE };

      const issued = await requestToken(form);
      const replayed = await requestToken(form);
      const bySecret = await requestToken({ client_id: clientId, client_secret: 'not-a-secret-of-this-app', scope: HOOK_SCOPE });

      expect(issued.status).toBe(200);
      expect(replayed).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(bySecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(app.body.settings.oauthClient.jwks.keys[0]).toMatchObject({ kid: 'client-key-1', status: 'ACTIVE' });
    });

    it('rotates client secrets: a second secret works beside the first, the first stops when deactivated', async () => {
      const app = await manage('POST', '/api/v1/apps', serviceApp('client_secret_post'), 'OpenIdConnectApplication');
      const clientId = app.body.id as string;
      const first = app.body.credentials.oauthClient.client_secret as string;
      await allowClientOnPartner(clientId);
      const secrets = `/api/v1/apps/${clientId}/credentials/secrets`;

      const second = await manage('POST', secrets, {}, 'OAuth2ClientSecret');
      const [old] = (await manage('GET', secrets, undefined, 'OAuth2ClientSecret')).body;
      const secondOff = await manage('POST', `${secrets}/${second.body.id}/lifecycle/deactivate`, undefined);
      await manage('POST', `${secrets}/${second.body.id}/lifecycle/activate`, undefined, 'OAuth2ClientSecret');
      await manage('POST', `${secrets}/${old.id}/lifecycle/deactivate`, undefined, 'OAuth2ClientSecret');
      const deleted = await manage('DELETE', `${secrets}/${old.id}`, undefined);

      expect(secondOff.status).toBe(200);
      expect((await requestToken({ client_id: clientId, client_secret: second.body.client_secret, scope: HOOK_SCOPE })).status).toBe(200);
      expect((await requestToken({ client_id: clientId, client_secret: first, scope: HOOK_SCOPE })).status).toBe(401);
      expect(deleted.status).toBe(204);
      expect(JSON.stringify(old)).not.toContain(first);
    });

    it('refuses to deactivate the last active public key of a client', async () => {
      const { publicKey } = await generateKeyPair('RS256', { extractable: true });
      const app = await manage('POST', '/api/v1/apps', serviceApp('private_key_jwt', [{ ...(await exportJWK(publicKey)), kid: 'only' }]), 'OpenIdConnectApplication');
      const [key] = (await manage('GET', `/api/v1/apps/${app.body.id}/credentials/jwks`, undefined, 'OAuth2ClientJsonWebKeyRsaResponse')).body;

      const refused = await manage('POST', `/api/v1/apps/${app.body.id}/credentials/jwks/${key.id}/lifecycle/deactivate`, undefined);

      expect(refused.status).toBe(400);
      expect(refused.body.errorCauses[0].errorSummary).toContain('last active key');
    });
  });

  describe('hooks with an OAUTH channel', () => {
    async function privateKeyJwtHook(serverId: string, name: string) {
      const hookKey = await call('POST', HOOK_KEYS, { body: { name: `key for ${name}` } });
      const { kty, kid, e, n } = hookKey.body._embedded;
      const app = await manage('POST', '/api/v1/apps', serviceApp('private_key_jwt', [{ kty, kid, e, n }]), 'OpenIdConnectApplication');
      await allowClientOnPartner(app.body.id);
      const hook = await call('POST', PATHS.hooks, {
        body: {
          name,
          type: 'com.okta.oauth2.tokens.transform',
          version: '1.0.0',
          channel: {
            type: 'OAUTH',
            version: '1.0.0',
            config: { uri: hookServer.url, method: 'POST', headers: [], authType: 'private_key_jwt', clientId: app.body.id, tokenUrl: tokenUrl(serverId), scope: HOOK_SCOPE, hookKeyId: hookKey.body.id },
          },
        },
      });
      expect(hook.status).toBe(200);
      return { hook: hook.body, hookKey: hookKey.body, clientId: app.body.id as string };
    }

    async function attach(hookId: string) {
      const rule = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
      const current = await call('GET', PATHS.rule, { params: rule });
      const { id: _id, created: _c, lastUpdated: _l, _links, system: _s, ...body } = current.body;
      await call('PUT', PATHS.rule, { params: rule, body: { ...body, actions: { ...body.actions, token: { ...body.actions.token, inlineHook: { id: hookId } } } } });
    }

    it('mints with a private_key_jwt hook: Okta gets a token signed for the hook key, and calls the hook with it as a bearer', async () => {
      const { hook, hookKey, clientId } = await privateKeyJwtHook(SEED.partnerServer.id, 'OAuth hook');
      await attach(hook.id);
      hookServer.answer(() => ({ status: 200, body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/via', value: 'oauth' }] }] } }));

      const minted = await sim.mintTokens({ authorizationServer: 'default', clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] });

      expect(minted.hookOutcome).toBe('applied');
      expect(minted.access.claims.via).toBe('oauth');
      const authorization = String(hookServer.received[0]!.headers.authorization);
      expect(authorization).toMatch(/^Bearer /);
      const issuer = `${sim.url}/oauth2/${SEED.partnerServer.id}`;
      const { payload } = await jwtVerify(authorization.slice('Bearer '.length), createRemoteJWKSet(new URL(`${issuer}/v1/keys`)), { issuer, audience: SEED.partnerServer.audience });
      expect(payload).toMatchObject({ cid: clientId, scp: [HOOK_SCOPE] });
      const used = await call('GET', HOOK_KEY, { params: { id: hookKey.id } });
      expect(used.body.isUsed).toBe('true');
      const undeletable = await call('DELETE', HOOK_KEY, { params: { id: hookKey.id } });
      expect(undeletable.status).toBe(400);
      const executed = await call('POST', PATHS.execute, { params: { inlineHookId: hook.id }, body: minted.hookRequest });
      expect(executed.status).toBe(200);
      expect(String(hookServer.received.at(-1)!.headers.authorization)).toMatch(/^Bearer /);
    });

    it("refuses the hook's token when the server issuing it is the one whose rule calls the hook, and Okta issues the token unchanged", async () => {
      const { hook } = await privateKeyJwtHook(SEED.partnerServer.id, 'Looping hook');
      const everyone = await call('POST', PATHS.policies, {
        params: { authServerId: SEED.partnerServer.id },
        body: { type: 'OAUTH_AUTHORIZATION_POLICY', name: 'Every client', description: 'First, for every client', priority: 1, conditions: { clients: { include: ['ALL_CLIENTS'] } } },
      });
      await call('POST', PATHS.rules, {
        params: { authServerId: SEED.partnerServer.id, policyId: everyone.body.id },
        body: {
          name: 'Everything, with the hook',
          type: 'RESOURCE_ACCESS',
          conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: ['*'] } },
          actions: { token: { inlineHook: { id: hook.id } } },
        },
      });
      hookServer.answer(() => ({ status: 204 }));

      const minted = await sim.mintTokens({ authorizationServer: SEED.partnerServer.id, clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['partner.read'] });

      expect(minted.hookOutcome).toBe('skipped');
      expect(minted.reason).toContain('token endpoint answered 400');
      expect(hookServer.received).toHaveLength(0);
      const refusal = sim.calls.filter((c) => c.operationId === 'customServerToken').at(-1);
      expect(refusal?.status).toBe(400);
    });
  });

  it('rotates a server signing key: the new key signs, the previous stays published, the one before leaves the key set', async () => {
    const issuer = `${sim.url}/oauth2/default`;
    const keysAt = async () => ((await (await fetch(`${issuer}/v1/keys`)).json()) as { keys: JWK[] }).keys.map((key) => key.kid);
    const before = await keysAt();

    await sim.rotateSigningKeys('default');
    const afterOne = await keysAt();
    const rotated = await manage('POST', '/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate', { use: 'sig' }, 'AuthorizationServerJsonWebKey');
    const afterTwo = await keysAt();

    expect(afterOne).toHaveLength(2);
    expect(afterOne[1]).toBe(before[0]);
    expect(rotated.status).toBe(200);
    expect(afterTwo).not.toContain(before[0]);
    expect(afterTwo[1]).toBe(afterOne[0]);
  });
});
