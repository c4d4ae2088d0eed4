import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';

describe('listLogEvents', () => {
  let sim: OktaSimulator;
  let api: OktaApi;
  let hookId: string;
  let since: string;

  beforeAll(async () => {
    sim = await startOktaSimulator();
    api = createOktaClient({ credentials: { orgUrl: sim.url, apiToken: sim.apiToken } });
    since = new Date(Date.now() - 1).toISOString();
    hookId = (await api.createInlineHook({ name: 'logged', uri: 'https://hook.example.com/', authHeader: 'Authorization', authValue: 'k' })).id;
    for (let i = 0; i < 3; i++) {
      await api.deactivateInlineHook(hookId);
      await api.activateInlineHook(hookId);
    }
  });
  afterAll(() => sim.close());

  it('reads every page of a bounded query, oldest first, and stops', async () => {
    const events = await api.listLogEvents({ since, filter: `target.id eq "${hookId}"`, limit: 2 });

    expect(events.map((e) => e.eventType)).toEqual([
      'inline_hook.created',
      ...Array.from({ length: 3 }, () => ['inline_hook.deactivated', 'inline_hook.activated']).flat(),
    ]);
    const pages = sim.calls.filter((call) => call.operationId === 'listLogEvents');
    // 7 events in pages of 2; a polling query (no until) would keep linking pages instead.
    expect(pages).toHaveLength(4);
  });

  it('fails with okta\'s 403 when the credentials lack okta.logs.read', async () => {
    const limited = createOktaClient({ credentials: { orgUrl: sim.url, apiToken: sim.addApiToken({ scopes: ['okta.inlineHooks.read'] }) } });

    const refused = await limited.listLogEvents({ since }).catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(OktaApiError);
    expect((refused as OktaApiError).status).toBe(403);
  });
});
