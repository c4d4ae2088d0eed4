import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type MintRequest, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { specErrors } from '../../../support/okta-spec.js';
import { startHookServer } from './hook-server.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

describe('okta simulator: token minting', () => {
  let sim: OktaSimulator;
  let hook: Awaited<ReturnType<typeof startHookServer>>;
  let call: ReturnType<typeof simApi>;
  let hookId: string;
  const defaultRule = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };

  const web: MintRequest = {
    authorizationServer: 'default',
    clientId: SEED.webClient.clientId,
    grantType: 'authorization_code',
    scopes: ['openid', 'profile', 'email'],
  };
  const service: MintRequest = { authorizationServer: 'default', clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] };

  async function setRuleHook(id: string | undefined) {
    const { body: rule } = await call('GET', PATHS.rule, { params: defaultRule });
    const { inlineHook: _previous, ...token } = rule.actions.token;
    rule.actions.token = id ? { ...token, inlineHook: { id } } : token;
    await call('PUT', PATHS.rule, { params: defaultRule, body: rule });
  }

  beforeAll(async () => {
    sim = await startOktaSimulator({ hookTimeoutMs: 800 });
    hook = await startHookServer();
    call = simApi(sim.url, sim.apiToken);
    hookId = (await call('POST', PATHS.hooks, { body: tokenHookCreate({ uri: hook.url, secret: 'hook-key' }) })).body.id;
  });
  afterAll(async () => {
    await sim.close();
    await hook.close();
  });
  beforeEach(() => setRuleHook(hookId));

  it('mints unchanged tokens through the default rule when no hook is attached', async () => {
    await setRuleHook(undefined);
    hook.answer(() => ({ status: 500 }));

    const result = await sim.mintTokens(web);

    expect(result).toMatchObject({ ruleId: SEED.defaultRule.id, policyId: SEED.defaultPolicy.id, hookOutcome: 'none' });
    expect(result.access.claims).toMatchObject({ cid: SEED.webClient.clientId, uid: SEED.user.id, sub: SEED.user.login, iss: `${sim.url}/oauth2/default` });
    expect(result.access.claims.scp).toEqual(['openid', 'profile', 'email']);
    expect(result.identity?.claims).toMatchObject({ sub: SEED.user.id, email: SEED.user.login, aud: SEED.webClient.clientId });
    expect(hook.received).toHaveLength(0);
  });

  it('sends the hook a request shaped like Okta’s, valid against the spec, with the /authorize URL and extra params', async () => {
    hook.answer(() => ({ status: 204 }));

    await sim.mintTokens({ ...web, extraParams: { partner: 'acme', nonce: 'n-1' } });
    const sent = hook.received[0]!;

    expect(specErrors('TokenRequest', sent.body)).toBe('');
    expect(sent.headers.authorization).toBe('hook-key');
    expect(sent.body).toMatchObject({
      eventType: 'com.okta.oauth2.tokens.transform',
      source: `${sim.url}/oauth2/default/v1/authorize`,
      data: {
        context: {
          protocol: { request: { client_id: SEED.webClient.clientId, response_type: 'code', response_mode: 'query', scope: 'openid profile email' } },
          user: { id: SEED.user.id, profile: { login: SEED.user.login } },
          session: { userId: SEED.user.id },
          policy: { id: SEED.defaultPolicy.id, rule: { id: SEED.defaultRule.id } },
        },
        identity: { claims: { nonce: 'n-1' }, token: { lifetime: { expiration: 3600 } } },
        access: { token: { lifetime: { expiration: 3600 } }, scopes: { openid: { action: 'GRANT' } } },
      },
    });
    const url = new URL(sent.body.data.context.request.url.value);
    expect([url.pathname, url.searchParams.get('partner')]).toEqual(['/oauth2/default/v1/authorize', 'acme']);
  });

  it('sends no user, session or identity for client_credentials', async () => {
    hook.answer(() => ({ status: 204 }));

    const result = await sim.mintTokens(service);
    const sent = hook.received[0]!.body;

    expect(specErrors('TokenRequest', sent)).toBe('');
    expect(sent.data.context).not.toHaveProperty('user');
    expect(sent.data.context).not.toHaveProperty('session');
    expect(sent.data).not.toHaveProperty('identity');
    expect(sent.source).toBe(`${sim.url}/oauth2/default/v1/token`);
    expect(result.identity).toBeUndefined();
    expect(result.access.claims.sub).toBe(SEED.serviceClient.clientId);
  });

  it('sends no identity when openid is not among the scopes', async () => {
    hook.answer(() => ({ status: 204 }));

    const result = await sim.mintTokens({ ...web, scopes: ['profile'] });

    expect(hook.received[0]!.body.data).not.toHaveProperty('identity');
    expect(result.identity).toBeUndefined();
  });

  it('sends refresh_token and the original grant on a refresh', async () => {
    hook.answer(() => ({ status: 204 }));

    await sim.mintTokens({ ...web, grantType: 'refresh_token', scopes: ['openid', 'offline_access'] });
    const sent = hook.received[0]!.body;

    expect(specErrors('TokenRequest', sent)).toBe('');
    expect(sent.data.refresh_token.jti).toMatch(/^oar/);
    expect(sent.source).toBe(`${sim.url}/oauth2/default/v1/token`);
    expect(sent.data.context.protocol.request).toMatchObject({ grant_type: 'refresh_token' });
    expect(sent.data.context.protocol.OriginalGrant).toMatchObject({ authorization: { response_type: 'code' }, refresh_token: sent.data.refresh_token });
    expect(sent.data.context.protocol.OriginalGrant.authorization).not.toHaveProperty('grant_type');
  });

  it('applies a valid answer to both tokens', async () => {
    hook.answer(() => ({
      body: {
        commands: [
          { type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/tenant', value: 'acme' }, { op: 'replace', path: '/token/lifetime/expiration', value: 900 }] },
          { type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/nickname', value: 'Ada' }] },
        ],
      },
    }));

    const result = await sim.mintTokens(web);

    expect(result).toMatchObject({ hookId, hookOutcome: 'applied', status: 200 });
    expect(result.access.claims.tenant).toBe('acme');
    expect(result.access.lifetime).toBe(900);
    expect((result.access.claims.exp as number) - (result.access.claims.iat as number)).toBe(900);
    expect(result.identity?.claims.nickname).toBe('Ada');
  });

  it('issues the tokens unchanged when one command is invalid', async () => {
    hook.answer(() => ({
      body: {
        commands: [
          { type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/tenant', value: 'acme' }] },
          { type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/nickname', value: 'Ada' }] },
        ],
      },
    }));

    const result = await sim.mintTokens(service);

    expect(result.hookOutcome).toBe('skipped');
    expect(result.reason).toContain('not being minted');
    expect(result.access.claims).not.toHaveProperty('tenant');
  });

  it('issues no token and a server_error when the hook answers with an error', async () => {
    hook.answer(() => ({ body: { error: { errorSummary: 'user is suspended' } } }));

    const result = await sim.mintTokens(web);

    expect(result.hookOutcome).toBe('error');
    expect(result.error).toEqual({ error: 'server_error', error_description: 'user is suspended' });
    expect(result.access.claims).toEqual({});
    expect(result.identity).toBeUndefined();
  });

  it.each([
    ['a non-200 status', { status: 500 }],
    ['a body that is not JSON', { body: 'not json' }],
    ['no answer in time', { body: { commands: [] }, delayMs: 1500 }],
  ])('issues the tokens unchanged after %s, without retrying', async (_, reply) => {
    hook.answer(() => reply);

    const result = await sim.mintTokens(web);

    expect(result.hookOutcome).toBe('skipped');
    expect(result.access.claims.cid).toBe(SEED.webClient.clientId);
    expect(hook.received).toHaveLength(1);
  });

  it('does not call an inactive hook', async () => {
    const inactive = (await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'soon inactive', uri: hook.url }) })).body.id;
    await setRuleHook(inactive);
    await call('POST', PATHS.deactivate, { params: { inlineHookId: inactive } });
    hook.answer(() => ({ status: 204 }));

    const result = await sim.mintTokens(web);

    expect(result.hookOutcome).toBe('none');
    expect(hook.received).toHaveLength(0);
  });

  it('picks rules by policy and rule priority on the second server', async () => {
    const partner = SEED.partnerServer.id;
    const serviceClient = { authorizationServer: partner, clientId: SEED.serviceClient.clientId, grantType: 'client_credentials' };
    const webClient = { authorizationServer: partner, clientId: SEED.webClient.clientId, grantType: 'authorization_code', scopes: ['openid'] };

    const results = await Promise.all([
      sim.mintTokens({ ...serviceClient, scopes: ['partner.write'] }),
      sim.mintTokens({ ...serviceClient, scopes: ['partner.read'] }),
      sim.mintTokens({ ...webClient, user: SEED.user.login }),
      sim.mintTokens({ ...webClient, user: SEED.otherUser.id }),
    ]);

    expect(results.map((r) => r.ruleId)).toEqual([SEED.serviceWriteRule.id, SEED.serviceReadRule.id, SEED.webAdminRule.id, SEED.webEveryoneRule.id]);
    expect(results[0]!.access.lifetime).toBe(15 * 60);
  });

  it('skips an inactive policy and an inactive rule', async () => {
    const partner = SEED.partnerServer.id;
    const request = { authorizationServer: partner, clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['partner.write'] };
    const writeRule = { authServerId: partner, policyId: SEED.servicePolicy.id, ruleId: SEED.serviceWriteRule.id };

    await call('POST', `${PATHS.rule}/lifecycle/deactivate`, { params: writeRule });
    const withoutWriteRule = await sim.mintTokens(request);
    await call('POST', `${PATHS.rule}/lifecycle/activate`, { params: writeRule });
    await call('POST', `${PATHS.policy}/lifecycle/deactivate`, { params: { authServerId: partner, policyId: SEED.servicePolicy.id } });
    const withoutPolicy = sim.mintTokens(request);
    await expect(withoutPolicy).rejects.toMatchObject({ error: 'access_denied' });
    await call('POST', `${PATHS.policy}/lifecycle/activate`, { params: { authServerId: partner, policyId: SEED.servicePolicy.id } });

    expect(withoutWriteRule.ruleId).toBe(SEED.serviceReadRule.id);
  });

  it('refuses a request no rule allows, an unknown client, a grant the client lacks and an unknown scope', async () => {
    await call('POST', `${PATHS.rule}/lifecycle/deactivate`, { params: defaultRule });
    await expect(sim.mintTokens(web)).rejects.toMatchObject({ error: 'access_denied' });
    await call('POST', `${PATHS.rule}/lifecycle/activate`, { params: defaultRule });
    await expect(sim.mintTokens({ ...web, clientId: '0oaUnknown' })).rejects.toMatchObject({ error: 'invalid_client' });
    await expect(sim.mintTokens({ ...web, grantType: 'client_credentials' })).rejects.toMatchObject({ error: 'unauthorized_client' });
    await expect(sim.mintTokens({ ...web, scopes: ['partner.read'] })).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('mints over HTTP at /__sim/mint for another process', async () => {
    hook.answer(() => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/via', value: 'http' }] }] } }));

    const response = await fetch(`${sim.url}/__sim/mint`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(service) });
    const refused = await fetch(`${sim.url}/__sim/mint`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ...service, clientId: 'nope' }) });

    expect(response.status).toBe(200);
    expect(((await response.json()) as any).access.claims.via).toBe('http');
    expect([refused.status, ((await refused.json()) as any).error]).toEqual([401, 'invalid_client']);
  });
});
