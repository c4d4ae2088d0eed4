import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import { withDeadline } from '../../../lambda/okta/client.js';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { TOKEN_HOOK_TYPE, type InlineHookDefinition } from '../../../lambda/okta/schemas.js';
import { loadFixture } from '../../support/fixtures.js';
import { assertMatchesSpec, specExample } from '../../support/okta-spec.js';
import { callsOf, expectRequestsMatchSpec, serviceApp, startHarness, startHookServer, type Harness, type HookServer } from './harness.js';
import { rejectionOf } from '../../support/rejection.js';

const definition = (overrides: Partial<InlineHookDefinition> = {}): InlineHookDefinition => ({
  name: 'okta-token-hook-test',
  uri: 'https://hook.example.com/token',
  authHeader: 'Authorization',
  authValue: 'hook-api-key-1',
  headers: [{ key: 'x-env', value: 'test' }],
  ...overrides,
});

let harness: Harness | undefined;
let hook: HookServer | undefined;

afterEach(async () => {
  await harness?.close();
  await hook?.close();
  harness = undefined;
  hook = undefined;
});

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function rejection(promise: Promise<unknown>): Promise<OktaApiError> {
  return rejectionOf(promise, OktaApiError);
}

describe('inline hooks over SSWS', () => {
  it('creates, lists, reads, replaces, deactivates and deletes a hook, sending spec-valid bodies', async () => {
    harness = await startHarness();
    const { api, sim } = harness;

    const created = await api.createInlineHook(definition());
    const listed = await api.listInlineHooks(TOKEN_HOOK_TYPE);
    const read = await api.getInlineHook(created.id);
    const replaced = await api.replaceInlineHook(created.id, definition({ uri: 'https://hook.example.com/v2', authValue: 'hook-api-key-2' }));
    const deactivated = await api.deactivateInlineHook(created.id);
    await api.deleteInlineHook(created.id);

    expect(created).toMatchObject({ name: 'okta-token-hook-test', status: 'ACTIVE', type: TOKEN_HOOK_TYPE });
    expect(listed.map((h) => h.id)).toEqual([created.id]);
    expect(read.channel.config.uri).toBe('https://hook.example.com/token');
    expect(replaced.channel.config.uri).toBe('https://hook.example.com/v2');
    expect(deactivated.status).toBe('INACTIVE');
    expect(sim.snapshot().inlineHooks).toEqual([]);
    expect(expectRequestsMatchSpec(sim.calls)).toBe(2);
  });

  it('sends the write-only key on create and on every replace, and Okta never returns it', async () => {
    harness = await startHarness();
    const { api, sim } = harness;

    const created = await api.createInlineHook(definition());
    const storedAfterCreate = sim.snapshot().inlineHooks[0];
    await api.replaceInlineHook(created.id, definition({ authValue: 'rotated-key' }));

    expect(storedAfterCreate).toMatchObject({ authValue: 'hook-api-key-1' });
    expect(sim.snapshot().inlineHooks[0]).toMatchObject({ authValue: 'rotated-key' });
    const [create, replace] = [callsOf(sim, 'createInlineHook')[0], callsOf(sim, 'replaceInlineHook')[0]];
    expect(create?.body).toMatchObject({
      type: TOKEN_HOOK_TYPE,
      version: '1.0.0',
      channel: { type: 'HTTP', version: '1.0.0', config: { method: 'POST', authScheme: { type: 'HEADER', key: 'Authorization', value: 'hook-api-key-1' } } },
    });
    expect(replace?.body).not.toHaveProperty('type');
    expect(JSON.stringify(created)).not.toContain('hook-api-key-1');
  });

  it('reactivates a deactivated hook', async () => {
    harness = await startHarness();
    const { api } = harness;
    const created = await api.createInlineHook(definition());
    await api.deactivateInlineHook(created.id);

    const activated = await api.activateInlineHook(created.id);

    expect(activated.status).toBe('ACTIVE');
  });

  it('reports a missing hook as a 404 OktaApiError with the request id', async () => {
    harness = await startHarness();

    const error = await rejection(harness.api.getInlineHook('calDoesNotExist000g3'));

    expect(error.isNotFound).toBe(true);
    expect(error).toMatchObject({ operation: 'getInlineHook', status: 404, errorCode: 'E0000007', kind: 'http' });
    expect(error.requestId).toBeTruthy();
    expect(error.message).toContain(error.requestId);
    expect(error.message).toContain('check the id');
  });

  it('refuses an answer that does not match the schema, naming the paths but not the values', async () => {
    const invalid = loadFixture('okta', 'inline-hook-invalid');
    const fetchInvalid: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      return new Response(JSON.stringify(invalid), { status: 200, headers: response.headers });
    };
    harness = await startHarness({ client: { fetch: fetchInvalid } });

    const error = await rejection(harness.api.getInlineHook('cal1'));

    expect(error).toMatchObject({ kind: 'response', status: 200, operation: 'getInlineHook' });
    expect(error.message).toContain('/id');
    expect(error.message).toContain('/status');
    expect(error.message).not.toContain('secret-path');
  });

  it('turns Okta validation failures into an error with the causes', async () => {
    harness = await startHarness();

    const error = await rejection(harness.api.createInlineHook(definition({ uri: 'http://hook.example.com/plain' })));

    expect(error).toMatchObject({ status: 400, errorCode: 'E0000001' });
    expect(error.errorCauses.length).toBeGreaterThan(0);
    expect(error.message).toContain(error.errorCauses[0]);
    expect(error.message).not.toContain('hook-api-key-1');
  });
});

describe('executeInlineHook', () => {
  it('returns the hook\'s JSON answer to the payload Okta forwarded unchanged', async () => {
    harness = await startHarness();
    hook = await startHookServer();
    const answer = { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/tier', value: 'gold' }] }] };
    hook.respond = (response) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    const created = await harness.api.createInlineHook(definition({ uri: hook.url }));
    const payload = specExample('TokenPayLoadExample');

    const result = await harness.api.executeInlineHook(created.id, payload);

    expect(result).toEqual(answer);
    assertMatchesSpec('TokenHookResponse', result);
    expect(hook.requests[0]?.body).toEqual(payload);
    expect(hook.requests[0]?.headers.authorization).toBe('hook-api-key-1');
    expect(callsOf(harness.sim, 'executeInlineHook')[0]?.body).toEqual(payload);
  });

  it('returns undefined when the hook answers 204 (no change)', async () => {
    harness = await startHarness();
    hook = await startHookServer();
    const created = await harness.api.createInlineHook(definition({ uri: hook.url }));

    const result = await harness.api.executeInlineHook(created.id, specExample('TokenPayLoadExample'));

    expect(result).toBeUndefined();
    expect(hook.requests).toHaveLength(1);
  });

  it('reports a hook that answers with an error status as E0000135, not retried', async () => {
    harness = await startHarness();
    hook = await startHookServer();
    hook.respond = (response) => response.writeHead(500).end();
    const created = await harness.api.createInlineHook(definition({ uri: hook.url }));

    const error = await rejection(harness.api.executeInlineHook(created.id, specExample('TokenPayLoadExample')));

    expect(error).toMatchObject({ operation: 'executeInlineHook', status: 400, errorCode: 'E0000135', attempts: 1 });
    expect(error.message).toContain('hook');
  });

  it('reports an unreachable hook as E0000134 without retrying the 502', async () => {
    harness = await startHarness();
    const created = await harness.api.createInlineHook(definition({ uri: `http://127.0.0.1:${await unusedPort()}/token-hook` }));

    const error = await rejection(harness.api.executeInlineHook(created.id, specExample('TokenPayLoadExample')));

    expect(error).toMatchObject({ status: 502, errorCode: 'E0000134', attempts: 1 });
    expect(error.message).toContain('check that the hook URL');
    expect(harness.waits).toEqual([]);
  });

  it('reports a hook slower than Okta\'s timeout as E0000137', async () => {
    harness = await startHarness({ hookTimeoutMs: 100 });
    hook = await startHookServer();
    hook.respond = (response) => setTimeout(() => response.writeHead(204).end(), 300);
    const created = await harness.api.createInlineHook(definition({ uri: hook.url }));

    const error = await rejection(harness.api.executeInlineHook(created.id, specExample('TokenPayLoadExample')));

    expect(error).toMatchObject({ status: 504, errorCode: 'E0000137' });
    expect(error.message).toContain('latency');
  });
});

describe('authorization servers, policies and rules', () => {
  it('follows Link rel="next" through every page of authorization servers', async () => {
    harness = await startHarness({ client: { pageSize: 1 } });

    const servers = await harness.api.listAuthorizationServers();

    expect(servers.map((s) => s.id)).toEqual([SEED.defaultServer.id, SEED.partnerServer.id]);
    expect(callsOf(harness.sim, 'listAuthorizationServers')).toHaveLength(2);
  });

  it('refuses to follow a next link to another origin, so credentials never leave the org', async () => {
    const requested: string[] = [];
    const fetchForeignLink: typeof fetch = async (input, init) => {
      requested.push(String(input));
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.set('link', '<https://elsewhere.example.com/api/v1/authorizationServers?after=x>; rel="next"');
      return new Response(await response.text(), { status: response.status, headers });
    };
    harness = await startHarness({ client: { fetch: fetchForeignLink } });

    const error = await rejection(harness.api.listAuthorizationServers());

    expect(error).toMatchObject({ operation: 'listAuthorizationServers', kind: 'response' });
    expect(error.message).toContain('outside the org');
    expect(requested.every((url) => url.startsWith(harness!.sim.url))).toBe(true);
  });

  it('passes q through to the search and keeps it on the next pages', async () => {
    harness = await startHarness({ client: { pageSize: 1 } });

    const servers = await harness.api.listAuthorizationServers('Partner');

    expect(servers.map((s) => s.name)).toEqual(['Partner API']);
  });

  it('lists policies and rules and reads one rule', async () => {
    harness = await startHarness();
    const { api } = harness;

    const policies = await api.listPolicies(SEED.partnerServer.id);
    const rules = await api.listPolicyRules(SEED.partnerServer.id, SEED.servicePolicy.id);
    const rule = await api.getPolicyRule(SEED.partnerServer.id, SEED.servicePolicy.id, SEED.serviceReadRule.id);

    expect(policies.map((p) => p.name)).toEqual(['Service Policy', 'Web Apps Policy']);
    expect(rules.map((r) => r.name)).toEqual(['Partner writers', 'Partner readers']);
    expect(rule.name).toBe('Partner readers');
  });

  it('attaches a hook by replacing the whole rule and keeps every other field', async () => {
    harness = await startHarness();
    const { api, sim } = harness;
    const created = await api.createInlineHook(definition());
    const rule = await api.getPolicyRule('default', SEED.defaultPolicy.id, SEED.defaultRule.id);

    const replaced = await api.replacePolicyRule('default', SEED.defaultPolicy.id, SEED.defaultRule.id, {
      ...rule,
      actions: { ...rule.actions, token: { ...rule.actions?.token, inlineHook: { id: created.id } } },
    });

    expect(replaced.actions?.token?.inlineHook?.id).toBe(created.id);
    expect(replaced.conditions).toEqual(rule.conditions);
    expect(replaced.actions?.token).toMatchObject({ accessTokenLifetimeMinutes: 60, refreshTokenWindowMinutes: 10080 });
    expect(callsOf(sim, 'replaceAuthorizationServerPolicyRule')[0]?.body).not.toHaveProperty('_links');
    expect(expectRequestsMatchSpec(sim.calls)).toBe(2);
  });
});

describe('resilience', () => {
  it('retries a 5xx with capped exponential backoff and succeeds', async () => {
    harness = await startHarness({ client: { retry: { baseDelayMs: 100, maxDelayMs: 150 } } });
    harness.sim.injectFault({ operationId: 'listInlineHooks', kind: 'status-500', count: 3 });

    const hooks = await harness.api.listInlineHooks();

    expect(hooks).toEqual([]);
    expect(harness.waits).toEqual([75, 113, 113]);
    expect(callsOf(harness.sim, 'listInlineHooks').map((c) => c.status)).toEqual([500, 500, 500, 200]);
  });

  it('gives up after maxAttempts and says how often it tried', async () => {
    harness = await startHarness({ client: { retry: { maxAttempts: 2 } } });
    harness.sim.injectFault({ operationId: 'getAuthorizationServer', kind: 'status-500', count: 5 });

    const error = await rejection(harness.api.getAuthorizationServer('default'));

    expect(error).toMatchObject({ status: 500, errorCode: 'E0000009', attempts: 2, outcomeUnknown: false });
    expect(error.message).toContain('after 2 attempts');
    expect(error.message).toContain('X-Okta-Request-Id');
  });

  it('waits on a 429 until X-Rate-Limit-Reset measured from the response Date', async () => {
    harness = await startHarness();
    harness.sim.injectFault({ operationId: 'listAuthorizationServerPolicies', kind: 'status-429', resetSeconds: 1 });

    const policies = await harness.api.listPolicies('default');

    expect(policies).toHaveLength(1);
    expect(harness.waits).toHaveLength(1);
    expect(harness.waits[0]).toBeGreaterThanOrEqual(2000);
    expect(harness.waits[0]).toBeLessThanOrEqual(3000);
    expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'okta.retry', operation: 'listPolicies', reason: 'status-429', waitMs: harness.waits[0] }));
  });

  it('fails a 429 at once when the reset is further away than allowed', async () => {
    harness = await startHarness({ client: { retry: { maxRateLimitWaitMs: 5000 } } });
    harness.sim.injectFault({ operationId: 'listAuthorizationServerPolicies', kind: 'status-429', resetSeconds: 30 });

    const error = await rejection(harness.api.listPolicies('default'));

    expect(error).toMatchObject({ status: 429, errorCode: 'E0000047', attempts: 1 });
    expect(error.message).toMatch(/rate limit resets in 3\d s/);
    expect(harness.waits).toEqual([]);
  });

  it('retries a GET whose connection Okta drops', async () => {
    harness = await startHarness();
    harness.sim.injectFault({ operationId: 'getInlineHook', kind: 'drop' });
    const created = await harness.api.createInlineHook(definition());

    const read = await harness.api.getInlineHook(created.id);

    expect(read.id).toBe(created.id);
    expect(callsOf(harness.sim, 'getInlineHook').map((c) => c.status)).toEqual([0, 200]);
  });

  it('abandons a slow attempt at callTimeoutMs and retries it', async () => {
    harness = await startHarness({ client: { callTimeoutMs: 150 } });
    harness.sim.injectFault({ operationId: 'listAuthorizationServerPolicyRules', kind: 'slow', delayMs: 600 });

    const rules = await harness.api.listPolicyRules('default', SEED.defaultPolicy.id);

    expect(rules).toHaveLength(1);
    expect(harness.logs).toContainEqual(expect.objectContaining({ event: 'okta.retry', operation: 'listPolicyRules', reason: 'timeout' }));
  });

  it('does not resend a create after a 5xx: the outcome is unknown and the caller checks by name', async () => {
    harness = await startHarness();
    harness.sim.injectFault({ operationId: 'createInlineHook', kind: 'status-500' });

    const error = await rejection(harness.api.createInlineHook(definition()));

    expect(error).toMatchObject({ status: 500, attempts: 1, outcomeUnknown: true });
    expect(callsOf(harness.sim, 'createInlineHook')).toHaveLength(1);
  });

  it('does not resend a create whose connection dropped after Okta applied it', async () => {
    harness = await startHarness();
    harness.sim.injectFault({ operationId: 'createInlineHook', kind: 'drop', afterApply: true });

    const error = await rejection(harness.api.createInlineHook(definition()));
    const byName = (await harness.api.listInlineHooks(TOKEN_HOOK_TYPE)).filter((h) => h.name === definition().name);

    expect(error).toMatchObject({ status: 0, kind: 'network', outcomeUnknown: true, attempts: 1 });
    expect(callsOf(harness.sim, 'createInlineHook')).toHaveLength(1);
    expect(byName).toHaveLength(1);
  });

  it('resends a create refused with 429, which Okta never applied', async () => {
    harness = await startHarness();
    harness.sim.injectFault({ operationId: 'createInlineHook', kind: 'status-429', resetSeconds: 1 });

    const created = await harness.api.createInlineHook(definition());

    expect(created.status).toBe('ACTIVE');
    expect(callsOf(harness.sim, 'createInlineHook').map((c) => c.status)).toEqual([429, 200]);
    expect(harness.sim.snapshot().inlineHooks).toHaveLength(1);
  });

  it('retries a create whose connection was refused (never sent)', async () => {
    harness = await startHarness();
    const closedPort = await unusedPort();
    const sent: string[] = [];
    // The first attempt goes to a port nobody listens on: refused before anything is sent.
    const fetchOnce: typeof fetch = async (input, init) => {
      sent.push(String(input));
      return fetch(sent.length === 1 ? `http://127.0.0.1:${closedPort}/` : input, init);
    };
    await harness.close();
    harness = await startHarness({ client: { fetch: fetchOnce } });

    const created = await harness.api.createInlineHook(definition());

    expect(created.status).toBe('ACTIVE');
    expect(sent).toHaveLength(2);
  });
});

describe('403 and 401', () => {
  it('names the missing scope when the API token may not manage hooks', async () => {
    harness = await startHarness({ credentials: (sim) => ({ orgUrl: sim.url, apiToken: sim.addApiToken({ scopes: ['okta.inlineHooks.read'] }) }) });

    const error = await rejection(harness.api.createInlineHook(definition()));

    expect(error).toMatchObject({ status: 403, errorCode: 'E0000006' });
    expect(error.message).toContain('okta.inlinehooks.manage');
  });

  it('says to check the API token on a 401 and never shows it', async () => {
    harness = await startHarness({ credentials: (sim) => ({ orgUrl: sim.url, apiToken: '00not-a-valid-token' }) });

    const error = await rejection(harness.api.listInlineHooks());

    expect(error).toMatchObject({ status: 401, errorCode: 'E0000011' });
    expect(error.message).toContain('API token');
    expect(error.message).not.toContain('00not-a-valid-token');
  });
});

describe('deadlines', () => {
  it('starts no call once the deadline has passed', async () => {
    harness = await startHarness();
    const bounded = withDeadline(harness.api, Date.now() - 1);

    const error = await rejection(bounded.listInlineHooks());

    expect(error).toMatchObject({ kind: 'deadline', status: 0, attempts: 0 });
    expect(harness.sim.calls).toEqual([]);
  });

  it('aborts a running call at the deadline', async () => {
    harness = await startHarness();
    harness.sim.injectFault({ operationId: 'listInlineHooks', kind: 'slow', delayMs: 2000 });
    const bounded = withDeadline(harness.api, Date.now() + 200);

    const error = await rejection(bounded.listInlineHooks());

    expect(error).toMatchObject({ kind: 'deadline', status: 0, attempts: 1, outcomeUnknown: true });
    expect(error.message).toContain('deadline');
  });

  it('does not wait for a retry that would end after the deadline', async () => {
    harness = await startHarness({ client: { retry: { baseDelayMs: 10_000, maxDelayMs: 10_000 } } });
    harness.sim.injectFault({ operationId: 'listInlineHooks', kind: 'status-500' });
    const bounded = withDeadline(harness.api, Date.now() + 3000);

    const error = await rejection(bounded.listInlineHooks());

    expect(error).toMatchObject({ status: 500, attempts: 1 });
    expect(error.message).toContain('would pass the deadline');
    expect(harness.waits).toEqual([]);
  });

  it('keeps the earlier of two deadlines', async () => {
    harness = await startHarness();
    const bounded = withDeadline(withDeadline(harness.api, Date.now() - 1), Date.now() + 60_000);

    const error = await rejection(bounded.listInlineHooks());

    expect(error.kind).toBe('deadline');
  });

  it('shares the token cache between the client and its bounded copies', async () => {
    harness = await startHarness({ credentials: (sim) => serviceApp(sim, { clientId: '0oaShared' }) });

    await harness.api.listInlineHooks();
    await withDeadline(harness.api, Date.now() + 10_000).listInlineHooks();

    expect(callsOf(harness.sim, 'token')).toHaveLength(1);
  });

  it('bounds any other OktaApi (a fake) by racing the deadline', async () => {
    const fake = { orgUrl: 'https://fake', listInlineHooks: () => new Promise(() => {}) } as unknown as OktaApi;
    const bounded = withDeadline(fake, Date.now() + 50);

    const error = await rejection(bounded.listInlineHooks());

    expect(error).toMatchObject({ kind: 'deadline', operation: 'listInlineHooks', outcomeUnknown: true });
    expect(bounded.orgUrl).toBe('https://fake');
  });

  it('stops every call when the client\'s signal aborts', async () => {
    const controller = new AbortController();
    harness = await startHarness({ client: { signal: controller.signal } });
    harness.sim.injectFault({ operationId: 'listInlineHooks', kind: 'slow', delayMs: 2000 });

    const pending = rejection(harness.api.listInlineHooks());
    setTimeout(() => controller.abort(), 50);
    const error = await pending;

    expect(error).toMatchObject({ kind: 'deadline', attempts: 1 });
    expect(error.message).toContain('aborted');
    expect(harness.waits).toEqual([]);
  });
});
