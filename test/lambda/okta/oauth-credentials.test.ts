import { afterEach, describe, expect, it } from 'vitest';
import type { OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import { TOKEN_HOOK_TYPE, type PublicJwk } from '../../../lambda/okta/schemas.js';
import { specErrors } from '../../support/okta-spec.js';
import { rejectionOf } from '../../support/rejection.js';
import { callsOf, expectRequestsMatchSpec, startHarness, type Harness } from './harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** An API Services app made the way the registrar makes it (the simulator's management API, SSWS). */
async function serviceApp(sim: OktaSimulator, method: 'client_secret_post' | 'private_key_jwt', keys: PublicJwk[] = []): Promise<string> {
  const response = await fetch(`${sim.url}/api/v1/apps`, {
    method: 'POST',
    headers: { Accept: 'application/json', Authorization: `SSWS ${sim.apiToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'oidc_client',
      label: `hook caller ${method}`,
      signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: method } },
      settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], ...(keys.length ? { jwks: { keys: keys.map(({ kty, kid, e, n }) => ({ kty, kid, e, n })) } } : {}) } },
    }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

describe('the OAuth credentials behind an OAUTH hook channel', () => {
  it('creates a hook key, reads its public key by kid, adds it to a client, retires it, and sends spec-valid bodies', async () => {
    harness = await startHarness();
    const { api, sim } = harness;
    const first = await api.createHookKey('hook key one');
    const appId = await serviceApp(sim, 'private_key_jwt', [first._embedded!]);

    const second = await api.createHookKey('hook key two');
    const published = await api.getHookPublicKey(second.keyId);
    const added = await api.addClientJwk(appId, published);
    const listed = await api.listClientJwks(appId);
    const old = listed.find((key) => key.kid === first.keyId)!;
    await api.deactivateClientJwk(appId, old.id);
    await api.deleteClientJwk(appId, old.id);
    await api.deleteHookKey(first.id);

    expect(published).toMatchObject({ kty: 'RSA', kid: second.keyId, e: second._embedded?.e, n: second._embedded?.n });
    expect(added).toMatchObject({ kid: second.keyId, status: 'ACTIVE' });
    expect(listed.map((key) => key.kid).sort()).toEqual([first.keyId, second.keyId].sort());
    expect((await api.listClientJwks(appId)).map((key) => key.kid)).toEqual([second.keyId]);
    expect((await api.listHookKeys()).map((key) => key.id)).toEqual([second.id]);
    expect(callsOf(sim, 'addJwk')[0]?.status).toBe(201);
    expect(expectRequestsMatchSpec(sim.calls)).toBe(3);
  });

  it('adds a client secret of our own beside the first, retires the first, and never sends it anywhere but the body', async () => {
    harness = await startHarness();
    const { api, sim } = harness;
    const appId = await serviceApp(sim, 'client_secret_post');
    const value = 'rotated-secret-0123456789abcdefghijklmnopqrstuvwxyz';

    const created = await api.createClientSecret(appId, value);
    const [first] = (await api.listClientSecrets(appId)).filter((secret) => secret.id !== created.id);
    await api.deactivateClientSecret(appId, first!.id);
    await api.deleteClientSecret(appId, first!.id);
    const left = await api.listClientSecrets(appId);

    expect(created.status).toBe('ACTIVE');
    expect(left.map((secret) => secret.id)).toEqual([created.id]);
    expect(specErrors('OAuth2ClientSecret', left[0])).toBe('');
    expect(JSON.stringify(left)).not.toContain(value);
    expect(callsOf(sim, 'createOAuth2ClientSecret')[0]?.status).toBe(201);
    expect(expectRequestsMatchSpec(sim.calls)).toBe(1);
  });

  it("refuses to take a client's last active secret away", async () => {
    harness = await startHarness({ client: { retry: { maxAttempts: 1 } } });
    const { api, sim } = harness;
    const appId = await serviceApp(sim, 'client_secret_post');
    const [only] = await api.listClientSecrets(appId);

    const error = await rejectionOf(api.deactivateClientSecret(appId, only!.id), OktaApiError);

    expect(error.status).toBe(400);
    expect((await api.listClientSecrets(appId))[0]?.status).toBe('ACTIVE');
  });

  it('switches a hook between its OAUTH methods and back to the HTTP channel with PUT, each channel spec-valid', async () => {
    harness = await startHarness();
    const { api, sim } = harness;
    const hookKey = await api.createHookKey('switching hook key');
    const clientId = await serviceApp(sim, 'private_key_jwt', [hookKey._embedded!]);
    const base = { name: 'switching hook', uri: 'https://hook.example.com/token', headers: [{ key: 'x-env', value: 'test' }] };
    const common = { clientId, tokenUrl: `${sim.url}/oauth2/ausPartnerApiSim0g3/v1/token`, scope: 'okta-token-hook:invoke' };
    const created = await api.createInlineHook({ ...base, authHeader: 'Authorization', authValue: 'the-api-key' });

    const withKey = await api.replaceInlineHook(created.id, { ...base, oauth: { authType: 'private_key_jwt', ...common, hookKeyId: hookKey.id } });
    const withSecret = await api.replaceInlineHook(created.id, { ...base, oauth: { authType: 'client_secret_post', ...common }, clientSecret: 'a-client-secret-0123456789' });
    const back = await api.replaceInlineHook(created.id, { ...base, authHeader: 'Authorization', authValue: 'the-api-key-2' });

    expect(withKey.channel).toMatchObject({ type: 'OAUTH', config: { authType: 'private_key_jwt', hookKeyId: hookKey.id, clientId, scope: common.scope } });
    expect(withSecret.channel).toMatchObject({ type: 'OAUTH', config: { authType: 'client_secret_post', clientId } });
    expect(JSON.stringify(withSecret)).not.toContain('a-client-secret');
    expect(back.channel).toMatchObject({ type: 'HTTP', config: { authScheme: { key: 'Authorization' } } });
    expect(sim.snapshot().inlineHooks.find((hook) => hook.id === created.id)).toMatchObject({ type: TOKEN_HOOK_TYPE, authValue: 'the-api-key-2' });
    expect(expectRequestsMatchSpec(sim.calls)).toBe(5);
  });
});
