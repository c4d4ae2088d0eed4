import { afterEach, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

describe('okta simulator: rate limits and injected faults', () => {
  let sim: OktaSimulator;
  afterEach(() => sim.close());

  async function start(options: Parameters<typeof startOktaSimulator>[0] = {}) {
    sim = await startOktaSimulator(options);
    return simApi(sim.url, sim.apiToken);
  }

  it('sends X-Rate-Limit headers and answers 429 E0000047 once the minute bucket is empty', async () => {
    const call = await start({ rateLimitPerMinute: 2 });

    const first = await call('GET', PATHS.hooks);
    const second = await call('GET', PATHS.servers);
    const third = await call('GET', PATHS.hooks);

    expect(first.headers.get('x-rate-limit-limit')).toBe('2');
    expect([first.headers.get('x-rate-limit-remaining'), second.headers.get('x-rate-limit-remaining')]).toEqual(['1', '0']);
    expect(Number(third.headers.get('x-rate-limit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect([third.status, third.body.errorCode]).toEqual([429, 'E0000047']);
    expect(third.headers.get('x-okta-request-id')).toEqual(expect.any(String));
  });

  it('fails the next N calls of an operation with 500 E0000009, then answers normally', async () => {
    const call = await start();
    sim.injectFault({ operationId: 'listInlineHooks', kind: 'status-500', count: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call('GET', PATHS.hooks)).status);
    const other = await call('GET', PATHS.servers);

    expect(statuses).toEqual([500, 500, 200]);
    expect(other.status).toBe(200);
  });

  it('answers an injected 429 with a reset resetSeconds ahead and changes nothing', async () => {
    const call = await start();
    sim.injectFault({ operationId: 'createInlineHook', kind: 'status-429', resetSeconds: 7 });

    const limited = await call('POST', PATHS.hooks, { body: tokenHookCreate() });

    expect([limited.status, limited.body.errorCode]).toEqual([429, 'E0000047']);
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset - Math.ceil(Date.now() / 1000)).toBeGreaterThanOrEqual(6);
    expect(sim.snapshot().inlineHooks).toHaveLength(0);
  });

  it('drops the connection before applying a change, or after applying it with afterApply', async () => {
    const call = await start();
    sim.injectFault({ operationId: 'createInlineHook', kind: 'drop' });
    sim.injectFault({ operationId: 'createInlineHook', kind: 'drop', afterApply: true });

    await expect(call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'first' }) })).rejects.toThrow();
    const afterFirst = sim.snapshot().inlineHooks.length;
    await expect(call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'second' }) })).rejects.toThrow();

    expect(afterFirst).toBe(0);
    expect(sim.snapshot().inlineHooks.map((h) => h.name)).toEqual(['second']);
    expect(sim.calls.map((c) => c.status)).toEqual([0, 0]);
  });

  it('holds a slow answer back while other calls are answered, then answers for real', async () => {
    const call = await start();
    sim.injectFault({ operationId: 'getAuthorizationServer', kind: 'slow', delayMs: 300 });
    const order: string[] = [];

    const slow = call('GET', PATHS.server, { params: { authServerId: 'default' } }).then((answer) => {
      order.push('slow');
      return answer;
    });
    await call('GET', PATHS.hooks).then(() => order.push('fast'));

    expect((await slow).status).toBe(200);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('takes faults over HTTP at /__sim/faults and shows the state at /__sim/state', async () => {
    const call = await start();
    const injected = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operationId: 'getAuthorizationServerPolicyRule', kind: 'status-500' }),
    });
    const params = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };

    const failed = await call('GET', PATHS.rule, { params });
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as any;

    expect(injected.status).toBe(204);
    expect(failed.status).toBe(500);
    expect(state.authorizationServers[0].policies[0].rules[0].id).toBe(SEED.defaultRule.id);
  });

  it('refuses an unknown fault kind at /__sim/faults', async () => {
    await start();

    const answer = await fetch(`${sim.url}/__sim/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ operationId: 'listInlineHooks', kind: 'explode' }),
    });

    expect(answer.status).toBe(400);
  });

  it('records each call with its operation id, status and body, until reset', async () => {
    const call = await start();
    await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'recorded' }) });
    await call('GET', PATHS.hook, { params: { inlineHookId: 'calMissing' } });

    const recorded = sim.calls.map(({ method, operationId, status }) => `${method} ${operationId} ${status}`);
    sim.resetCalls();

    expect(recorded).toEqual(['POST createInlineHook 200', 'GET getInlineHook 404']);
    expect(sim.calls).toHaveLength(0);
  });

  it('logs each call with its operation id and status, and leaves /__sim calls out of the record', async () => {
    const lines: object[] = [];
    const call = await start({ log: (line) => lines.push(line) });

    await call('GET', PATHS.hooks);
    await fetch(`${sim.url}/__sim/state`);

    expect(lines[0]).toMatchObject({ method: 'GET', path: '/api/v1/inlineHooks', operationId: 'listInlineHooks', status: 200 });
    expect(sim.calls.map((c) => c.operationId)).toEqual(['listInlineHooks']);
  });

  it('answers 404 E0000008 for an unknown path and 405 E0000022 for an unknown method', async () => {
    await start();
    const headers = { Authorization: `SSWS ${sim.apiToken}` };

    const unknownPath = await fetch(`${sim.url}/api/v1/nothing`, { headers });
    const unknownMethod = await fetch(`${sim.url}/api/v1/inlineHooks`, { method: 'PATCH', headers });

    expect([unknownPath.status, ((await unknownPath.json()) as any).errorCode]).toEqual([404, 'E0000008']);
    expect([unknownMethod.status, ((await unknownMethod.json()) as any).errorCode]).toEqual([405, 'E0000022']);
  });
});
