import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookConfigFrom, serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../infra/local/secrets-manager/index.js';
import { SecretsManagerStore } from '../../../lambda/shared/secret-store.js';
import type { HookLogLine } from '../../../lambda/token-hook/log.js';
import { loadFixture } from '../../support/fixtures.js';
import { specErrors, specExample } from '../../support/okta-spec.js';

// Okta's side of the wire: a POST of the fixture, as Okta sends it, to the served hook.
let served: ServedHook;
const logs: HookLogLine[] = [];

beforeAll(async () => {
  served = await serveHook({ apiKey: 'serve-key-1', log: (line) => logs.push(line) });
});
afterAll(() => served.close());

function post(body: string, headers: Record<string, string> = {}, url = served.url) {
  return fetch(url, { method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'serve-key-1', ...headers }, body });
}
const fixture = (name: string) => JSON.stringify(loadFixture('token-hook', name));

describe('hook:serve with the example environment', () => {
  it('patches both tokens of an authorization code grant', async () => {
    const response = await post(fixture('authorization-code'));

    const answer = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(specErrors('TokenHookResponse', answer)).toBe('');
    expect(answer.commands).toEqual([
      {
        type: 'com.okta.access.patch',
        value: [
          { op: 'add', path: '/claims/login', value: 'administrator1@clouditude.net' },
          { op: 'add', path: '/claims/tier', value: 'standard' },
          { op: 'replace', path: '/token/lifetime/expiration', value: 900 },
        ],
      },
      { type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/login', value: 'administrator1@clouditude.net' }] },
    ]);
  });

  it("answers Okta's own example request with commands valid against the spec", async () => {
    const response = await post(JSON.stringify(specExample('TokenPayLoadExample')));

    const answer = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(specErrors('TokenHookResponse', answer)).toBe('');
    expect(answer.commands.map((command: { type: string }) => command.type)).toEqual(['com.okta.access.patch', 'com.okta.identity.patch']);
  });

  it('patches only the access token of a client_credentials grant', async () => {
    const response = await post(fixture('client-credentials'));

    const answer = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(answer.commands).toEqual([{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/caller', value: 'service' }] }]);
  });

  it('patches both tokens of a refresh grant', async () => {
    const response = await post(fixture('refresh-token'));

    const answer = (await response.json()) as any;
    expect(response.status).toBe(200);
    expect(answer.commands.map((command: { type: string }) => command.type)).toEqual(['com.okta.access.patch', 'com.okta.identity.patch']);
    expect(logs.at(-1)).toMatchObject({ eventId: 'refresh-1-eventId', outcome: 'patched' });
  });

  it('answers 400 to an invalid body, naming paths only', async () => {
    const response = await post(fixture('invalid'));

    const answer = (await response.json()) as any;
    expect(response.status).toBe(400);
    expect(answer.details.map((detail: { path: string }) => detail.path)).toContain('/eventType');
    expect(JSON.stringify(answer)).not.toContain('pre-registration');
  });

  it('answers 401, 405 and 415 over HTTP', async () => {
    const unauthorized = await post(fixture('authorization-code'), { authorization: 'serve-key-2' });
    const notAllowed = await fetch(served.url);
    const unsupported = await post(fixture('authorization-code'), { 'content-type': 'text/plain' });

    expect([unauthorized.status, notAllowed.status, unsupported.status]).toEqual([401, 405, 415]);
    expect(await unauthorized.text()).toBe('');
    expect(notAllowed.headers.get('allow')).toBe('POST');
  });
});

describe('hook:serve with its own Secrets Manager', () => {
  let secretsManager: LocalSecretsManager;
  let rotating: ServedHook;
  let arn: string;

  beforeAll(async () => {
    secretsManager = await startLocalSecretsManager();
    arn = secretsManager.createSecret('hook/api-key', 'old-key');
    rotating = await serveHook({
      secrets: { store: new SecretsManagerStore(secretsManager.client()), apiKeySecretArn: arn },
      keyRecheckIntervalMs: 0,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await rotating.close();
    await secretsManager.close();
  });

  it('accepts a key staged AWSPENDING by a rotation at once', async () => {
    await secretsManager.client().send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'new-key', ClientRequestToken: 'a'.repeat(32), VersionStages: ['AWSPENDING'] }));

    const response = await post(fixture('authorization-code'), { authorization: 'new-key' }, rotating.url);

    expect(response.status).toBe(200);
  });
});

describe('hookConfigFrom', () => {
  it('reads HOOK_CONFIG as JSON, as a file path, or falls back to the example environment', () => {
    const path = join(tmpdir(), `hook-config-${process.pid}.json`);
    writeFileSync(path, '{"failureMode":"closed"}');

    expect(hookConfigFrom('{"deadlineMs":500}').deadlineMs).toBe(500);
    expect(hookConfigFrom(path).failureMode).toBe('closed');
    expect(hookConfigFrom(undefined).rules.length).toBeGreaterThan(0);
    expect(() => hookConfigFrom('/no/such/file.json')).toThrow(/neither JSON nor an existing file/);
  });
});
