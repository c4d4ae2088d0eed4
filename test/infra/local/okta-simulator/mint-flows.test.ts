import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHook, type ServedHook } from '../../../../infra/local/hook-serve.js';
import { SEED, startOktaSimulator, type MintResult, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { parseHookConfig } from '../../../../lambda/shared/hook-config.js';
import { MemorySecretStore } from '../../../lambda/token-hook/memory-secret-store.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

// The hook with one rule per flow, on the seeded default rule; tokens minted through the simulator's
// HTTP mint route, so the request the hook reads is the one the simulator builds as Okta does.
const FLOWS = ['authorization_code', 'implicit', 'hybrid', 'refresh_token', 'client_credentials'] as const;
const config = parseHookConfig({ rules: FLOWS.map((flow) => ({ name: flow, when: { grantTypes: [flow] }, set: [{ claim: 'flow', token: 'access', value: flow }] })) });

describe('okta simulator: each flow reaches the hook as Okta sends it', () => {
  let sim: OktaSimulator;
  let hook: ServedHook;

  beforeAll(async () => {
    sim = await startOktaSimulator();
    hook = await serveHook({ config, transform: () => undefined, log: () => undefined, secrets: { store: new MemorySecretStore({ AWSCURRENT: 'flow-key' }), apiKeySecretArn: 'arn:flow-key' } });
    const call = simApi(sim.url, sim.apiToken);
    const hookId = (await call('POST', PATHS.hooks, { body: tokenHookCreate({ uri: hook.url, secret: 'flow-key' }) })).body.id;
    const params = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
    const { body: rule } = await call('GET', PATHS.rule, { params });
    rule.actions.token = { ...rule.actions.token, inlineHook: { id: hookId } };
    await call('PUT', PATHS.rule, { params, body: rule });
  });
  afterAll(async () => {
    await hook?.close();
    await sim?.close();
  });

  async function mint(request: Record<string, unknown>): Promise<MintResult> {
    const response = await fetch(`${sim.url}/__sim/mint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authorizationServer: 'default', clientId: SEED.webClient.clientId, scopes: ['openid', 'profile'], ...request }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as MintResult;
  }

  it.each([
    ['authorization_code', { grantType: 'authorization_code' }, '/v1/authorize'],
    ['implicit', { grantType: 'implicit' }, '/v1/authorize'],
    ['implicit', { grantType: 'implicit', responseType: 'token', scopes: ['profile'] }, '/v1/authorize'],
    ['hybrid', { grantType: 'authorization_code', responseType: 'code id_token' }, '/v1/authorize'],
    ['refresh_token', { grantType: 'refresh_token', scopes: ['openid', 'offline_access'] }, '/v1/token'],
    ['client_credentials', { clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] }, '/v1/token'],
  ])('fires only the %s rule for %j', async (flow, request, endpoint) => {
    const result = await mint(request);

    expect(result).toMatchObject({ hookOutcome: 'applied', status: 200 });
    expect(result.access.claims.flow).toBe(flow);
    expect((result.hookRequest as { source: string }).source).toMatch(new RegExp(`${endpoint}$`));
  });

  it('sends the authorization-code flow from /authorize with response_type code and no grant_type', async () => {
    const result = await mint({ grantType: 'authorization_code' });
    const sent = result.hookRequest as { data: { context: { request: { method: string; url: { value: string } }; protocol: { request: Record<string, unknown> } } } };

    expect(sent.data.context.protocol.request).toMatchObject({ response_type: 'code', client_id: SEED.webClient.clientId });
    expect(sent.data.context.protocol.request).not.toHaveProperty('grant_type');
    expect(sent.data.context.request.method).toBe('GET');
    expect(new URL(sent.data.context.request.url.value).searchParams.get('response_type')).toBe('code');
  });

  it('sends a refresh with grant_type, the original /authorize grant and the refresh token id', async () => {
    const result = await mint({ grantType: 'refresh_token', scopes: ['openid', 'offline_access'] });
    const sent = result.hookRequest as { data: { refresh_token: { jti: string }; context: { protocol: { request: Record<string, unknown>; OriginalGrant: any } } } };

    expect(sent.data.context.protocol.request.grant_type).toBe('refresh_token');
    expect(sent.data.context.protocol.OriginalGrant.authorization).toMatchObject({ response_type: 'code' });
    expect(sent.data.context.protocol.OriginalGrant.refresh_token).toEqual({ jti: sent.data.refresh_token.jti });
  });

  it('sends client credentials with no user, session or ID token', async () => {
    const result = await mint({ clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] });
    const sent = result.hookRequest as { data: { context: Record<string, unknown> } };

    expect(sent.data.context).not.toHaveProperty('user');
    expect(sent.data.context).not.toHaveProperty('session');
    expect(sent.data).not.toHaveProperty('identity');
  });

  it.each([
    [{ grantType: 'authorization_code', responseType: 'token' }, 'unsupported_response_type'],
    [{ grantType: 'implicit', responseType: 'code' }, 'unsupported_response_type'],
    [{ grantType: 'implicit', responseType: 'token bogus' }, 'unsupported_response_type'],
    [{ grantType: 'refresh_token', responseType: 'code', scopes: ['openid', 'offline_access'] }, 'invalid_request'],
  ])('refuses %j with %s, as Okta does', async (request, error) => {
    const response = await fetch(`${sim.url}/__sim/mint`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ authorizationServer: 'default', clientId: SEED.webClient.clientId, scopes: ['openid'], ...request }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error });
  });
});
