import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { specErrors, specExample } from '../../../support/okta-spec.js';
import { startHookServer } from './hook-server.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

describe('okta simulator: /execute', () => {
  let sim: OktaSimulator;
  let hook: Awaited<ReturnType<typeof startHookServer>>;
  let call: ReturnType<typeof simApi>;
  let hookId: string;
  let payload: Record<string, unknown>;

  beforeAll(async () => {
    sim = await startOktaSimulator({ hookTimeoutMs: 800 });
    hook = await startHookServer();
    call = simApi(sim.url, sim.apiToken);
    const created = await call('POST', PATHS.hooks, {
      body: tokenHookCreate({ uri: hook.url, secret: 'hook-key', headers: [{ key: 'x-env', value: 'test' }] }),
    });
    hookId = created.body.id;
    // A real hook request, as the simulator's token path builds it.
    payload = (await sim.mintTokens({ authorizationServer: 'default', clientId: SEED.webClient.clientId, grantType: 'authorization_code', scopes: ['openid'] }))
      .hookRequest as Record<string, unknown>;
  });
  afterAll(async () => {
    await sim.close();
    await hook.close();
  });

  const execute = (body: unknown = payload, unchecked = false) => call('POST', PATHS.execute, { params: { inlineHookId: hookId }, body, unchecked });
  const commands = { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/team', value: 'blue' }] }] };

  it('calls the hook with the registered key and headers and answers with its JSON', async () => {
    hook.answer(() => ({ body: commands }));

    const answer = await execute();

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(commands);
    expect(specErrors('TokenHookResponse', answer.body)).toBe('');
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]?.headers).toMatchObject({ authorization: 'hook-key', 'x-env': 'test', 'content-type': 'application/json', accept: 'application/json' });
    expect(hook.received[0]?.body).toEqual(payload);
  });

  it('accepts the spec example as the payload', async () => {
    hook.answer(() => ({ body: commands }));

    // The example fails two format checks of its own schema (a known spec quirk): sent unchecked.
    const answer = await execute(specExample('TokenPayLoadExample'), true);

    expect(answer.status).toBe(200);
  });

  it('retries once after a 5xx and answers with the second reply', async () => {
    hook.answer((_, index) => (index === 0 ? { status: 503 } : { body: commands }));

    const answer = await execute();

    expect(answer.status).toBe(200);
    expect(hook.received).toHaveLength(2);
  });

  it('answers 400 E0000135 when the hook keeps answering an error status', async () => {
    hook.answer(() => ({ status: 500, body: { message: 'boom' } }));

    const answer = await execute();

    expect([answer.status, answer.body.errorCode]).toEqual([400, 'E0000135']);
    expect(hook.received).toHaveLength(2);
  });

  it('does not retry a 4xx', async () => {
    hook.answer(() => ({ status: 401 }));

    const answer = await execute();

    expect([answer.status, answer.body.errorCode]).toEqual([400, 'E0000135']);
    expect(hook.received).toHaveLength(1);
  });

  it('answers 504 E0000137 when the hook does not answer in time, after one retry', async () => {
    hook.answer(() => ({ body: commands, delayMs: 1500 }));

    const answer = await execute();

    expect([answer.status, answer.body.errorCode]).toEqual([504, 'E0000137']);
    expect(hook.received).toHaveLength(2);
  });

  it('answers 502 E0000134 when the hook answers something that is not JSON', async () => {
    hook.answer(() => ({ body: '<html>oops</html>' }));

    const answer = await execute();

    expect([answer.status, answer.body.errorCode]).toEqual([502, 'E0000134']);
  });

  it('answers 502 E0000134 when the hook cannot be reached', async () => {
    const gone = await startHookServer();
    await gone.close();
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'unreachable', uri: gone.url }) });

    const answer = await call('POST', PATHS.execute, { params: { inlineHookId: created.body.id }, body: payload });

    expect([answer.status, answer.body.errorCode]).toEqual([502, 'E0000134']);
  });

  it('refuses to execute an inactive hook and answers 404 for an unknown one', async () => {
    const created = await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'inactive', uri: hook.url }) });
    await call('POST', PATHS.deactivate, { params: { inlineHookId: created.body.id } });

    const inactive = await call('POST', PATHS.execute, { params: { inlineHookId: created.body.id }, body: payload });
    const unknown = await call('POST', PATHS.execute, { params: { inlineHookId: 'calUnknown' }, body: payload });

    expect([inactive.status, inactive.body.errorCode]).toEqual([400, 'E0000001']);
    expect([unknown.status, unknown.body.errorCode]).toEqual([404, 'E0000007']);
  });
});
