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

  it('fetches a bearer token for an OAUTH channel (client_secret_post) and sends it to the hook', async () => {
    const oauthHook = await startHookServer((received) =>
      received.path === '/token' ? { body: { access_token: 'hook-access-token', token_type: 'Bearer', expires_in: 300 } } : { body: commands },
    );
    const tokenUrl = oauthHook.url.replace('/token-hook', '/token');
    const created = await call('POST', PATHS.hooks, {
      body: {
        name: 'OAuth channel',
        type: 'com.okta.oauth2.tokens.transform',
        version: '1.0.0',
        channel: {
          type: 'OAUTH',
          version: '1.0.0',
          config: { uri: oauthHook.url, headers: [], method: 'POST', authType: 'client_secret_post', clientId: 'hook-client', clientSecret: 'hook-secret', tokenUrl, scope: 'hook' },
        },
      },
    });

    const answer = await call('POST', PATHS.execute, { params: { inlineHookId: created.body.id }, body: payload });
    await oauthHook.close();

    expect(answer.status).toBe(200);
    expect(created.body.channel.config.clientSecret ?? null).toBeNull();
    expect(oauthHook.received.map((r) => r.path)).toEqual(['/token', '/token-hook']);
    expect(new URLSearchParams(oauthHook.received[0]!.body as string).get('client_secret')).toBe('hook-secret');
    expect(oauthHook.received[1]!.headers.authorization).toBe('Bearer hook-access-token');
  });
});
