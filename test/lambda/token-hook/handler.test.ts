import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HOOK_ENV } from '../../../lambda/shared/contract.js';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../../lambda/token-hook/function-url.js';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../infra/local/secrets-manager/index.js';
import { loadFixture } from '../../support/fixtures.js';

// The Lambda entry itself: env wiring, top-level await on the real SDK, against the local Secrets Manager.
let secretsManager: LocalSecretsManager;
let handler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;

beforeAll(async () => {
  secretsManager = await startLocalSecretsManager();
  const arn = secretsManager.createSecret('hook/api-key', 'entry-key-1');
  for (const [name, value] of Object.entries(secretsManager.env)) vi.stubEnv(name, value);
  vi.stubEnv(HOOK_ENV.apiKeySecretArn, arn);
  vi.stubEnv(HOOK_ENV.hookConfig, JSON.stringify({ rules: [{ name: 'tier', set: [{ claim: 'tier', token: 'access', value: 'gold' }] }] }));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  ({ handler } = await import('../../../lambda/token-hook/handler.js'));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await secretsManager.close();
});

const event = (key: string): FunctionUrlEvent => ({
  headers: { authorization: key, 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST' } },
  body: JSON.stringify(loadFixture('token-hook', 'client-credentials')),
});

describe('handler', () => {
  it('reads the key during init and answers with the configured rules', async () => {
    const callsAfterInit = secretsManager.calls.length;

    const result = await handler(event('entry-key-1'));

    expect(secretsManager.calls.slice(0, callsAfterInit)).toEqual(['GetSecretValue']);
    expect(secretsManager.calls.length).toBe(callsAfterInit);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!).commands[0].value).toEqual([{ op: 'add', path: '/claims/tier', value: 'gold' }]);
  });

  it('refuses wrong keys with 401, re-reading both stages once and then not within the recheck interval', async () => {
    const before = secretsManager.calls.length;

    const results = [await handler(event('entry-key-2')), await handler(event('entry-key-3'))];

    expect(results.map((result) => result.statusCode)).toEqual([401, 401]);
    expect(secretsManager.calls.slice(before)).toEqual(['GetSecretValue', 'GetSecretValue']);
  });
});
