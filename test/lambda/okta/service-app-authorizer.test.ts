import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import type { OktaClientOptions } from '../../../lambda/okta/client.js';
import type { OktaCredentials } from '../../../lambda/okta/credentials.js';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import { TOKEN_HOOK_TYPE } from '../../../lambda/okta/schemas.js';
import { callsOf, serviceApp, startHarness, type Harness } from './harness.js';
import { rejectionOf } from '../../support/rejection.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function rejection(promise: Promise<unknown>): Promise<OktaApiError> {
  return rejectionOf(promise, OktaApiError);
}

const hook = { name: 'oauth-hook', uri: 'https://hook.example.com/t', authHeader: 'Authorization', authValue: 'k-1' };

describe('service app without DPoP', () => {
  it('gets a Bearer token with private_key_jwt and reuses it for later calls', async () => {
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaPlain', alg: 'RS256' }));
    const { api, sim } = harness;

    const created = await api.createInlineHook(hook);
    await api.listInlineHooks(TOKEN_HOOK_TYPE);

    expect(created.status).toBe('ACTIVE');
    expect(callsOf(sim, 'token').map((c) => c.status)).toEqual([200]);
    expect(sim.calls.map((c) => c.operationId)).toEqual(['token', 'createInlineHook', 'listInlineHooks']);
    expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'okta.token', tokenType: 'Bearer' }));
  });

  it('asks for the four default scopes in one token request', async () => {
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaScopes' }));

    await harness.api.listAuthorizationServers();

    const scope = String((callsOf(harness.sim, 'token')[0]?.body as { scope?: string }).scope);
    expect(scope.split(' ').sort()).toEqual([
      'okta.authorizationServers.manage',
      'okta.authorizationServers.read',
      'okta.inlineHooks.manage',
      'okta.inlineHooks.read',
    ]);
  });

  it('renews the token shortly before it expires', async () => {
    let now = Date.now();
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaRenew' }), { now: () => now });

    await harness.api.listInlineHooks();
    now += 3_600_000 - 30_000;
    await harness.api.listInlineHooks();

    expect(callsOf(harness.sim, 'token')).toHaveLength(2);
  });

  it('shares one token request between concurrent calls', async () => {
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaConcurrent' }));

    await Promise.all([harness.api.listInlineHooks(), harness.api.listPolicies('default'), harness.api.listAuthorizationServers()]);

    expect(callsOf(harness.sim, 'token')).toHaveLength(1);
  });

  it('reports scopes the app was not granted as invalid_scope with what to grant', async () => {
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaNarrow', scopes: ['okta.inlineHooks.read'] }));

    const error = await rejection(harness.api.listInlineHooks());

    expect(error).toMatchObject({ operation: 'getAccessToken', status: 400, errorCode: 'invalid_scope' });
    expect(error.message).toContain('grant the requested scopes');
  });

  it('names the missing scope and admin role when a granted token may not write rules', async () => {
    const readOnly = ['okta.inlineHooks.read', 'okta.authorizationServers.read'];
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaReader', scopes: readOnly, credentialScopes: readOnly }));
    const rule = await harness.api.getPolicyRule('default', '00pq8lGaLlI8APuqY0g3', '0prbsjfyl01zfSZ9K0h7');

    const error = await rejection(harness.api.replacePolicyRule('default', '00pq8lGaLlI8APuqY0g3', rule.id, rule));

    expect(error).toMatchObject({ status: 403, errorCode: 'E0000006', operation: 'replacePolicyRule' });
    expect(error.message).toContain('scope okta.authorizationServers.manage');
    expect(error.message).toContain('admin role');
  });

  it('says to check the client when its key is not the registered one', async () => {
    harness = await startHarnessWith(async (sim) => {
      const registered = await serviceApp(sim, { clientId: '0oaWrongKey' });
      const other = await serviceApp(sim, { clientId: '0oaOther' });
      return { ...registered, privateKey: (other as { privateKey: string }).privateKey };
    });

    const error = await rejection(harness.api.listInlineHooks());

    expect(error).toMatchObject({ operation: 'getAccessToken', status: 401, errorCode: 'invalid_client' });
    expect(error.message).toContain('public key');
  });
});

describe('service app that requires DPoP', () => {
  it('switches to DPoP when asked, adopts the nonce, and calls the API with DPoP proofs', async () => {
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaDpop', requireDpop: true }));
    const { api, sim } = harness;

    const created = await api.createInlineHook(hook);
    const read = await api.getInlineHook(created.id);
    await api.deactivateInlineHook(created.id);
    await api.deleteInlineHook(created.id);

    expect(read.id).toBe(created.id);
    expect(callsOf(sim, 'token').map((c) => c.status)).toEqual([400, 400, 200]);
    expect(sim.calls.filter((c) => c.operationId !== 'token').map((c) => c.status)).toEqual([200, 200, 200, 204]);
    expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'okta.token', tokenType: 'DPoP' }));
  });

  it('keeps DPoP for later token requests without a second negotiation', async () => {
    let now = Date.now();
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaDpopRenew', requireDpop: true }), { now: () => now });

    await harness.api.listInlineHooks();
    now += 3_600_000;
    await harness.api.listInlineHooks();

    expect(callsOf(harness.sim, 'token').map((c) => c.status)).toEqual([400, 400, 200, 200]);
  });

  it('follows Link pages with a proof per page URL', async () => {
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaDpopPages', requireDpop: true }), { pageSize: 1 });

    const servers = await harness.api.listAuthorizationServers();

    expect(servers).toHaveLength(2);
  });
});

describe('recovering on the management API', () => {
  it('adopts a DPoP nonce the API asks for and resends once', async () => {
    const proofs: (string | undefined)[] = [];
    let asked = false;
    const fetchWithNonce: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (url.pathname.startsWith('/api/')) proofs.push(new Headers(init?.headers).get('dpop') ?? undefined);
      if (url.pathname.startsWith('/api/') && !asked) {
        asked = true;
        return new Response(null, { status: 401, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'api-nonce-1' } });
      }
      return fetch(input, init);
    };
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaApiNonce', requireDpop: true }), { fetch: fetchWithNonce });

    const hooks = await harness.api.listInlineHooks();

    expect(hooks).toEqual([]);
    expect(proofs).toHaveLength(2);
    expect(decodeJwt(proofs[0]!).nonce).toBeUndefined();
    expect(decodeJwt(proofs[1]!).nonce).toBe('api-nonce-1');
    expect(harness.waits).toEqual([]);
  });

  it('replaces a token the API no longer accepts, once', async () => {
    let rejected = false;
    const fetchRevoking: typeof fetch = async (input, init) => {
      if (new URL(String(input)).pathname.startsWith('/api/') && !rejected) {
        rejected = true;
        const body = JSON.stringify({ errorCode: 'E0000011', errorSummary: 'Invalid token provided', errorCauses: [] });
        return new Response(body, { status: 401, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    harness = await startHarnessWith(async (sim) => serviceApp(sim, { clientId: '0oaRevoked' }), { fetch: fetchRevoking });

    await harness.api.listInlineHooks();

    expect(callsOf(harness.sim, 'token')).toHaveLength(2);
  });
});

describe('logs', () => {
  it('never contain a token, key, proof or hook secret', async () => {
    let secrets: string[] = [];
    harness = await startHarnessWith(async (sim) => {
      const credentials = await serviceApp(sim, { clientId: '0oaLogs', requireDpop: true });
      secrets = [(credentials as { privateKey: string }).privateKey.split('\n')[1]!, sim.apiToken];
      return credentials;
    });
    await harness.api.createInlineHook(hook);

    const text = JSON.stringify(harness.logs);

    expect(harness.logs.length).toBeGreaterThan(3);
    for (const secret of [...secrets, 'k-1']) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    expect(text).not.toMatch(/SSWS|Bearer |DPoP ey/);
  });
});

function startHarnessWith(
  credentials: (sim: OktaSimulator) => Promise<OktaCredentials>,
  client: Partial<OktaClientOptions> = {},
): Promise<Harness> {
  return startHarness({ credentials, client });
}
