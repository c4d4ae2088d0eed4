import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type MintRequest, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { nextLink } from '../../../../lambda/okta/link-header.js';
import { specErrors } from '../../../support/okta-spec.js';
import { startHookServer } from './hook-server.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

const LOGS = '/api/v1/logs';

describe("okta simulator: the System Log", () => {
  let sim: OktaSimulator;
  let hook: Awaited<ReturnType<typeof startHookServer>>;
  let call: ReturnType<typeof simApi>;
  let hookId: string;
  const defaultRule = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
  const service: MintRequest = { authorizationServer: 'default', clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] };
  const ours = () => `target.id eq "${hookId}"`;

  /** Every event of our hook logged since `since`, through the API (each page checked against LogEvent). */
  async function eventsSince(since: string, filter = ours()): Promise<any[]> {
    const { status, body } = await call('GET', LOGS, { query: { since, until: new Date(Date.now() + 1000).toISOString(), filter } });
    expect(status).toBe(200);
    return body;
  }

  beforeAll(async () => {
    sim = await startOktaSimulator({ hookTimeoutMs: 400 });
    hook = await startHookServer();
    call = simApi(sim.url, sim.apiToken);
    hookId = (await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'logged hook', uri: hook.url }) })).body.id;
    const { body: rule } = await call('GET', PATHS.rule, { params: defaultRule });
    rule.actions.token = { ...rule.actions.token, inlineHook: { id: hookId } };
    await call('PUT', PATHS.rule, { params: defaultRule, body: rule });
  });
  afterAll(async () => {
    await sim.close();
    await hook.close();
  });
  beforeEach(() => hook.answer(() => ({ status: 204 })));

  it('records the lifecycle of a hook with Okta\'s event types, each a valid LogEvent', async () => {
    const since = new Date().toISOString();
    const created = (await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: 'short-lived', uri: hook.url }) })).body;
    await call('POST', PATHS.deactivate, { params: { inlineHookId: created.id } });
    await call('POST', PATHS.activate, { params: { inlineHookId: created.id } });
    await call('PUT', PATHS.hook, { params: { inlineHookId: created.id }, body: tokenHookCreate({ name: 'renamed', uri: hook.url }) });
    await call('POST', PATHS.deactivate, { params: { inlineHookId: created.id } });
    await call('DELETE', PATHS.hook, { params: { inlineHookId: created.id } });

    const events = await eventsSince(since, `target.id eq "${created.id}"`);

    expect(events.map((e) => e.eventType)).toEqual([
      'inline_hook.created',
      'inline_hook.deactivated',
      'inline_hook.activated',
      'inline_hook.updated',
      'inline_hook.deactivated',
      'inline_hook.deleted',
    ]);
    expect(events.every((e) => e.outcome.result === 'SUCCESS' && e.target[0].type === 'InlineHook')).toBe(true);
    for (const event of sim.systemLog()) expect(specErrors('LogEvent', event)).toBe('');
  });

  it('records a call and its processed answer, with the debugContext of the answer', async () => {
    const since = new Date().toISOString();
    hook.answer(() => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/tier', value: 'gold' }] }], debugContext: { rules: 'tier' } } }));

    const minted = await sim.mintTokens(service);

    const events = await eventsSince(since);
    expect(minted.access.claims['tier']).toBe('gold');
    expect(events.map((e) => [e.eventType, e.outcome.result])).toEqual([
      ['inline_hook.executed', 'SUCCESS'],
      ['inline_hook.response.processed', 'SUCCESS'],
    ]);
    expect(events[1].debugContext.debugData).toMatchObject({ rules: 'tier', inlineHookId: hookId, clientId: SEED.serviceClient.clientId });
    expect(events[0].actor).toMatchObject({ id: SEED.serviceClient.clientId, type: 'PublicClientApp' });
  });

  it('issues the token unchanged when Okta rejects a command, and logs the skipped patch', async () => {
    const since = new Date().toISOString();
    hook.answer(() => ({ body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'replace', path: '/claims/iss', value: 'evil' }] }] } }));

    const minted = await sim.mintTokens(service);

    const [executed, processed] = await eventsSince(since);
    expect(minted.hookOutcome).toBe('skipped');
    expect(minted.access.claims['iss']).toBe(`${sim.url}/oauth2/default`);
    expect(executed.outcome.result).toBe('SUCCESS');
    expect(processed).toMatchObject({ eventType: 'inline_hook.response.processed', severity: 'WARN', outcome: { result: 'FAILURE' } });
    expect(processed.outcome.reason).toMatch(/not applied, token issued unchanged: .*'iss' is reserved/);
  });

  it('logs a timeout, an HTTP error and an unreadable answer as failures Okta saw', async () => {
    const since = new Date().toISOString();

    hook.answer(() => ({ status: 204, delayMs: 700 }));
    await sim.mintTokens(service);
    hook.answer(() => ({ status: 401 }));
    await sim.mintTokens(service);
    hook.answer(() => ({ status: 200, body: '{"commands": [' }));
    await sim.mintTokens(service);

    const events = await eventsSince(since);
    expect(events.map((e) => [e.eventType, e.outcome.result, e.outcome.reason])).toEqual([
      ['inline_hook.executed', 'FAILURE', expect.stringMatching(/timed out/)],
      ['inline_hook.executed', 'FAILURE', 'Inline hook responded with HTTP status 401'],
      ['inline_hook.executed', 'SUCCESS', undefined],
      ['inline_hook.response.processed', 'FAILURE', expect.stringMatching(/could not deserialize inline hook response/)],
    ]);
  });

  it('logs a denial as DENY', async () => {
    const since = new Date().toISOString();
    hook.answer(() => ({ body: { error: { errorSummary: 'no' } } }));

    await sim.mintTokens(service);

    const events = await eventsSince(since, `${ours()} and eventType eq "inline_hook.response.processed"`);
    expect(events.map((e) => e.outcome.result)).toEqual(['DENY']);
  });

  describe('queries', () => {
    let since: string;
    let until: string;

    beforeAll(async () => {
      since = new Date().toISOString();
      hook.answer(() => ({ status: 204 }));
      // Apart in time, so since/until can split them between calls.
      for (let i = 0; i < 5; i++) {
        await sim.mintTokens(service);
        await sleep(3);
      }
      until = new Date(Date.now() + 1000).toISOString();
    });

    it('pages a bounded query with Link headers until the events run out', async () => {
      const seen: string[] = [];
      let url: string | undefined = `${sim.url}${LOGS}?${new URLSearchParams({ since, until, filter: ours(), limit: '3' })}`;
      let pages = 0;

      while (url) {
        const response = await fetch(url, { headers: { Authorization: `SSWS ${sim.apiToken}`, Accept: 'application/json' } });
        const page = (await response.json()) as { uuid: string }[];
        seen.push(...page.map((e) => e.uuid));
        url = nextLink(response.headers.get('link'));
        pages++;
      }

      expect(pages).toBe(4);
      expect(seen).toHaveLength(10);
      expect(new Set(seen).size).toBe(10);
    });

    it('always links a next page to a polling query (no until), empty once caught up', async () => {
      const first = await call('GET', LOGS, { query: { since, filter: ours(), limit: '1000' } });
      const next = nextLink(first.headers.get('link'));

      const empty = await fetch(next!, { headers: { Authorization: `SSWS ${sim.apiToken}` } });

      expect(first.body).toHaveLength(10);
      expect(await empty.json()).toEqual([]);
      expect(nextLink(empty.headers.get('link'))).toBe(next);
    });

    it('sorts descending, bounds by since and until, and filters with and, or, co, sw and parentheses', async () => {
      const all = await call('GET', LOGS, { query: { since, until, filter: ours() } });
      const descending = await call('GET', LOGS, { query: { since, until, filter: ours(), sortOrder: 'DESCENDING' } });
      const window = await call('GET', LOGS, { query: { since: all.body[2].published, until: all.body[4].published, filter: ours() } });
      const combined = await call('GET', LOGS, {
        query: { since, until, filter: `(eventType sw "inline_hook.resp" or outcome.result eq "FAILURE") and target.displayName co "LOGGED"` },
      });

      expect(descending.body.map((e: { uuid: string }) => e.uuid)).toEqual(all.body.map((e: { uuid: string }) => e.uuid).reverse());
      expect(window.body.map((e: { uuid: string }) => e.uuid)).toEqual([all.body[2].uuid, all.body[3].uuid]);
      expect(combined.body).toHaveLength(5);
      expect(combined.body.every((e: { eventType: string }) => e.eventType === 'inline_hook.response.processed')).toBe(true);
    });

    it('matches every keyword of q, case-insensitively', async () => {
      const hit = await call('GET', LOGS, { query: { since, until, q: `${hookId.toUpperCase()} no content` } });
      const miss = await call('GET', LOGS, { query: { since, until, q: `${hookId} nowhere-to-be-found` } });

      expect(hit.body).toHaveLength(5);
      expect(miss.body).toEqual([]);
    });

    it('refuses an invalid filter, timestamp or limit with Okta\'s validation error', async () => {
      const answer = await call('GET', LOGS, { query: { filter: 'eventType equals "x"', since: 'yesterday', limit: '-1' } });

      expect(answer.status).toBe(400);
      expect(answer.body.errorCode).toBe('E0000001');
      expect(answer.body.errorCauses.map((c: { errorSummary: string }) => c.errorSummary.split(':')[0])).toEqual(['since', 'limit', 'filter']);
    });

    it('needs the okta.logs.read scope', async () => {
      const token = sim.addApiToken({ scopes: ['okta.inlineHooks.read'] });

      const answer = await call('GET', LOGS, { authorization: `SSWS ${token}` });

      expect(answer.status).toBe(403);
    });
  });
});
