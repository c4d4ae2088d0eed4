import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { HookNotFoundError } from '../../../lambda/rotation/errors.js';
import { definitionWithKey, findOAuthHook, findTokenHook } from '../../../lambda/rotation/token-hook-lookup.js';

let okta: OktaSimulator;
let api: OktaApi;

beforeAll(async () => {
  okta = await startOktaSimulator();
  api = createOktaClient({ credentials: { orgUrl: okta.url, apiToken: okta.apiToken } });
  await api.createInlineHook({ name: 'hook-a', uri: `${okta.url}/a`, authHeader: 'X-Key', authValue: 'k1', headers: [{ key: 'X-Env', value: 'prod' }] });
  await api.createInlineHook({ name: 'hook-ab', uri: `${okta.url}/ab`, authHeader: 'Authorization', authValue: 'k2' });
});
afterAll(async () => {
  await okta.close();
});

describe('findTokenHook', () => {
  it('finds the token hook by its exact name', async () => {
    const hook = await findTokenHook(api, 'hook-a');

    expect(hook).toMatchObject({ name: 'hook-a', channel: { config: { uri: `${okta.url}/a` } } });
  });

  it('says to deploy first when no token hook has the name', async () => {
    const attempt = findTokenHook(api, 'hook');

    await expect(attempt).rejects.toBeInstanceOf(HookNotFoundError);
    await expect(attempt).rejects.toThrow(/no token inline hook named "hook" in okta: deploy the stack/);
  });
});

describe('definitionWithKey', () => {
  it('keeps the name, URL, auth header and headers, and carries only the new key', async () => {
    const hook = await findTokenHook(api, 'hook-a');

    const definition = definitionWithKey(hook, 'k9');
    await api.replaceInlineHook(hook.id, definition);

    expect(definition).toEqual({ name: 'hook-a', uri: `${okta.url}/a`, authHeader: expect.stringMatching(/^x-key$/i), authValue: 'k9', headers: [{ key: 'X-Env', value: 'prod' }] });
    const stored = okta.snapshot().inlineHooks.find((h) => h.id === hook.id);
    expect(stored).toMatchObject({ name: 'hook-a', authValue: 'k9', channel: { config: { uri: `${okta.url}/a`, headers: [{ key: 'X-Env', value: 'prod' }] } } });
  });
});

describe('findOAuthHook', () => {
  it('says to deploy with the method first when the hook sends the API key', async () => {
    const attempt = findOAuthHook(api, 'hook-a', 'client_secret_post');

    await expect(attempt).rejects.toBeInstanceOf(HookNotFoundError);
    await expect(attempt).rejects.toThrow(/authenticates with the API key, not OAuth 2.0 with client_secret_post: deploy the stack with auth.method client_secret_post/);
  });
});
