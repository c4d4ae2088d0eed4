import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_INLINE_HOOKS, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

describe('okta simulator: inline hooks', () => {
  let sim: OktaSimulator;
  let call: ReturnType<typeof simApi>;
  let counter = 0;
  const uniqueName = () => `Token hook ${++counter}`;

  beforeAll(async () => {
    sim = await startOktaSimulator();
    call = simApi(sim.url, sim.apiToken);
  });
  afterAll(() => sim.close());
  beforeEach(async () => {
    for (const hook of sim.snapshot().inlineHooks) {
      await call('POST', PATHS.deactivate, { params: { inlineHookId: hook.id } });
      await call('DELETE', PATHS.hook, { params: { inlineHookId: hook.id } });
    }
  });

  it('creates a hook ACTIVE with an Okta id, links and timestamps, and never returns the secret', async () => {
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ secret: 'top-secret-value' }) });

    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: 'ACTIVE', type: 'com.okta.oauth2.tokens.transform', version: '1.0.0' });
    expect(created.body.id).toMatch(/^cal[A-Za-z0-9]{17}$/);
    expect(created.body.created).toEqual(expect.any(String));
    expect(created.body._links.self.href).toBe(`${sim.url}/api/v1/inlineHooks/${created.body.id}`);
    expect(created.body.channel.config.authScheme).toEqual({ type: 'HEADER', key: 'Authorization' });
    const fetched = await call('GET', PATHS.hook, { params: { inlineHookId: created.body.id } });
    const listed = await call('GET', PATHS.hooks, { query: { type: 'com.okta.oauth2.tokens.transform' } });
    for (const text of [JSON.stringify(created.body), JSON.stringify(fetched.body), JSON.stringify(listed.body)]) {
      expect(text).not.toContain('top-secret-value');
    }
    expect(sim.snapshot().inlineHooks[0]?.authValue).toBe('top-secret-value');
  });

  it('refuses a second hook with the same name with 400 E0000001 and a cause', async () => {
    const name = uniqueName();
    await call('POST', PATHS.hooks, { body: tokenHookCreate({ name }) });

    const duplicate = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name }) });

    expect(duplicate.status).toBe(400);
    expect(duplicate.body.errorCode).toBe('E0000001');
    expect(duplicate.body.errorCauses[0].errorSummary).toContain('already exists');
  });

  it('refuses a create without an https uri, a reserved header or an unknown type', async () => {
    const bad = [
      tokenHookCreate({ name: uniqueName(), uri: 'http://example.com/hook' }),
      tokenHookCreate({ name: uniqueName(), headers: [{ key: 'Accept', value: 'text/plain' }] }),
      { ...tokenHookCreate({ name: uniqueName() }), type: 'com.okta.tokens.transform' },
    ];

    const answers = await Promise.all(bad.map((body) => call('POST', PATHS.hooks, { body, unchecked: true })));

    expect(answers.map((a) => [a.status, a.body.errorCode])).toEqual([
      [400, 'E0000001'],
      [400, 'E0000001'],
      [400, 'E0000001'],
    ]);
  });

  it('lists only hooks of the requested type', async () => {
    await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });
    await call('POST', PATHS.hooks, { body: { ...tokenHookCreate({ name: uniqueName() }), type: 'com.okta.import.transform' } });

    const tokenHooks = await call('GET', PATHS.hooks, { query: { type: 'com.okta.oauth2.tokens.transform' } });
    const all = await call('GET', PATHS.hooks);

    expect(tokenHooks.body).toHaveLength(1);
    expect(all.body).toHaveLength(2);
  });

  it('replaces name, uri and secret with PUT, keeps id and created, and refuses a type change', async () => {
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });
    const id = created.body.id as string;

    const replaced = await call('PUT', PATHS.hook, {
      params: { inlineHookId: id },
      body: tokenHookCreate({ name: 'Renamed', uri: 'https://example.com/v2', secret: 'rotated' }),
    });
    const retyped = await call('PUT', PATHS.hook, {
      params: { inlineHookId: id },
      body: { ...tokenHookCreate({ name: 'Renamed' }), type: 'com.okta.import.transform' },
      unchecked: true,
    });

    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id, name: 'Renamed', created: created.body.created, channel: { config: { uri: 'https://example.com/v2' } } });
    expect(sim.snapshot().inlineHooks[0]?.authValue).toBe('rotated');
    expect(retyped.status).toBe(400);
    expect(retyped.body.errorCode).toBe('E0000001');
  });

  it('deletes a hook only once it is INACTIVE', async () => {
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });
    const params = { inlineHookId: created.body.id as string };

    const whileActive = await call('DELETE', PATHS.hook, { params });
    const deactivated = await call('POST', PATHS.deactivate, { params });
    const deleted = await call('DELETE', PATHS.hook, { params });
    const afterwards = await call('GET', PATHS.hook, { params });

    expect(whileActive.status).toBe(400);
    expect(deactivated.body.status).toBe('INACTIVE');
    expect(deactivated.body._links.delete.href).toContain(params.inlineHookId);
    expect(deleted.status).toBe(204);
    expect(afterwards.status).toBe(404);
    expect(afterwards.body.errorCode).toBe('E0000007');
  });

  it('activates an inactive hook', async () => {
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });
    const params = { inlineHookId: created.body.id as string };
    await call('POST', PATHS.deactivate, { params });

    const activated = await call('POST', PATHS.activate, { params });

    expect(activated.status).toBe(200);
    expect(activated.body.status).toBe('ACTIVE');
  });

  it('answers 404 E0000007 for an unknown hook on every hook operation', async () => {
    const params = { inlineHookId: 'calDoesNotExist00000' };

    const answers = await Promise.all([
      call('GET', PATHS.hook, { params }),
      call('PUT', PATHS.hook, { params, body: tokenHookCreate() }),
      call('DELETE', PATHS.hook, { params }),
      call('POST', PATHS.activate, { params }),
      call('POST', PATHS.deactivate, { params }),
    ]);

    expect(answers.map((a) => `${a.status} ${a.body.errorCode}`)).toEqual(Array(5).fill('404 E0000007'));
  });

  it('answers 411 to a lifecycle POST without Content-Length', async () => {
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });
    const url = new URL(`${sim.url}/api/v1/inlineHooks/${created.body.id}/lifecycle/deactivate`);

    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'POST', headers: { Authorization: `SSWS ${sim.apiToken}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });

    expect(status).toBe(411);
    expect(sim.snapshot().inlineHooks[0]?.status).toBe('ACTIVE');
  });

  it(`refuses the ${MAX_INLINE_HOOKS + 1}th hook of the org`, async () => {
    for (let i = 0; i < MAX_INLINE_HOOKS; i++) {
      const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });
      expect(created.status).toBe(200);
    }

    const over = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: uniqueName() }) });

    expect(over.status).toBe(400);
    expect(over.body.errorCode).toBe('E0000001');
  });

  it('answers 400 E0000003 to a body that is not JSON', async () => {
    const response = await fetch(`${sim.url}/api/v1/inlineHooks`, {
      method: 'POST',
      headers: { Authorization: `SSWS ${sim.apiToken}`, 'Content-Type': 'application/json' },
      body: '{not json',
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errorCode).toBe('E0000003');
  });
});
