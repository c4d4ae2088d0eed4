import { describe, expect, it } from 'vitest';
import { parseHookConfig, type HookConfigInput } from '../../../lambda/shared/hook-config.js';
import { createApiKeyVerifier } from '../../../lambda/token-hook/auth.js';
import { CLOSED_FAILURE_SUMMARY } from '../../../lambda/token-hook/errors.js';
import type { Transform } from '../../../lambda/token-hook/evaluate.js';
import type { FunctionUrlEvent } from '../../../lambda/token-hook/function-url.js';
import type { HookLogLine } from '../../../lambda/token-hook/log.js';
import { createTokenHook, createTokenHookFromStore } from '../../../lambda/token-hook/token-hook.js';
import { verificationEventId } from '../../../lambda/token-hook/verification.js';
import { loadFixture } from '../../support/fixtures.js';
import { MemorySecretStore } from './memory-secret-store.js';

const KEY = 'test-api-key-0123456789';

async function hookWith(config: HookConfigInput = {}, transform?: Transform) {
  const logs: HookLogLine[] = [];
  const hook = await createTokenHookFromStore({
    config: parseHookConfig(config),
    secretStore: new MemorySecretStore({ AWSCURRENT: KEY }),
    apiKeySecretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:hook-key',
    log: (line) => logs.push(line),
    ...(transform ? { transform } : {}),
  });
  return { hook, logs };
}

function event(body: unknown, overrides: Partial<FunctionUrlEvent> = {}): FunctionUrlEvent {
  return {
    version: '2.0',
    rawPath: '/',
    headers: { 'content-type': 'application/json', authorization: KEY },
    requestContext: { requestId: 'req-1', http: { method: 'POST', path: '/' } },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    ...overrides,
  };
}

const authCode = () => loadFixture<Record<string, unknown>>('token-hook', 'authorization-code');
const setTeam = { rules: [{ name: 'team', set: [{ claim: 'team', token: 'both' as const, value: 'blue' }] }] };

describe('the token hook', () => {
  it('answers 200 with commands for both tokens and logs claim names, not values', async () => {
    const { hook, logs } = await hookWith(setTeam);

    const result = await hook(event(authCode()));

    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(result.body!).commands.map((c: { type: string }) => c.type)).toEqual(['com.okta.access.patch', 'com.okta.identity.patch']);
    expect(logs).toEqual([
      expect.objectContaining({ eventId: 'authcode-1-eventId', requestId: 'req-1', outcome: 'patched', status: 200, changedClaims: { access: ['team'], identity: ['team'] } }),
    ]);
    expect(JSON.stringify(logs)).not.toContain('blue');
  });

  it('answers 204 when nothing changes', async () => {
    const { hook, logs } = await hookWith();

    const result = await hook(event(authCode()));

    expect(result).toEqual({ statusCode: 204 });
    expect(logs[0]?.outcome).toBe('unchanged');
  });

  it('accepts a base64-encoded body and a charset in the content type', async () => {
    const { hook } = await hookWith(setTeam);
    const body = Buffer.from(JSON.stringify(authCode())).toString('base64');

    const result = await hook(event(body, { isBase64Encoded: true, headers: { 'content-type': 'application/json; charset=UTF-8', authorization: KEY } }));

    expect(result.statusCode).toBe(200);
  });

  it('reads the API key from the configured header', async () => {
    const { hook } = await hookWith({ authHeader: 'X-Hook-Key' });

    const wrongHeader = await hook(event(authCode()));
    const rightHeader = await hook(event(authCode(), { headers: { 'content-type': 'application/json', 'x-hook-key': KEY } }));

    expect(wrongHeader.statusCode).toBe(401);
    expect(rightHeader.statusCode).toBe(204);
  });

  it('returns 401 without a body when the key is wrong', async () => {
    const { hook, logs } = await hookWith();

    const result = await hook(event(authCode(), { headers: { 'content-type': 'application/json', authorization: 'nope' } }));

    expect(result.statusCode).toBe(401);
    expect(result.body).toBeUndefined();
    expect(logs[0]).toMatchObject({ outcome: 'unauthorized', status: 401 });
    expect(JSON.stringify(logs)).not.toContain('nope');
  });

  it.each([
    ['GET', {}, 405],
    ['POST', { headers: { 'content-type': 'text/plain', authorization: KEY } }, 415],
    ['POST', { headers: { authorization: KEY } }, 415],
  ] as const)('refuses method %s / %j with %i', async (method, overrides, status) => {
    const { hook } = await hookWith();

    const result = await hook(event(authCode(), { requestContext: { http: { method } }, ...overrides }));

    expect(result.statusCode).toBe(status);
    if (status === 405) expect(result.headers?.['allow']).toBe('POST');
  });

  it('refuses a body over the cap with 413', async () => {
    const { hook } = await hookWith({ maxBodyBytes: 2_048 });

    const result = await hook(event({ ...authCode(), padding: 'x'.repeat(4_096) }));

    expect(result.statusCode).toBe(413);
  });

  it('counts the cap in bytes, not characters: a euro sign is 3 bytes', async () => {
    const { hook } = await hookWith({ maxBodyBytes: 4_096 });
    const body = JSON.stringify({ ...authCode(), padding: '€'.repeat(600) });

    const result = await hook(event(JSON.parse(body)));

    expect(body.length).toBeLessThan(4_096);

    expect(result.statusCode).toBe(413);
  });

  it('answers 400 with the failing paths and never the values', async () => {
    const { hook, logs } = await hookWith();

    const result = await hook(event(loadFixture('token-hook', 'invalid')));

    expect(result.statusCode).toBe(400);
    const body = JSON.parse(result.body!);
    expect(body.details.map((d: { path: string }) => d.path).sort()).toEqual(['/data/access/claims', '/eventId', '/eventType']);
    expect(result.body).not.toContain('not-an-object');
    expect(result.body).not.toContain('pre-registration');
    expect(logs[0]).toMatchObject({ outcome: 'rejected', status: 400 });
  });

  it("logs Okta's eventId of an authenticated request whose body is invalid", async () => {
    const { hook, logs } = await hookWith();

    await hook(event({ eventId: 'evt-broken-1', eventType: 'com.okta.oauth2.tokens.transform' }));

    expect(logs[0]).toMatchObject({ eventId: 'evt-broken-1', outcome: 'rejected', status: 400 });
  });

  it('answers 400 to a body that is not JSON', async () => {
    const { hook } = await hookWith();

    const result = await hook(event('{"eventId": '));

    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body!).message).toBe('the body is not valid JSON');
  });

  it("runs the transform after the rules and encodes both into one change set", async () => {
    const transform: Transform = async (request, edit) => {
      edit.access.set('user_id', request.data.context.user?.id ?? 'none').remove('team');
    };
    const { hook } = await hookWith(setTeam, transform);

    const result = await hook(event(authCode()));

    const [access, identity] = JSON.parse(result.body!).commands;
    expect(access.value).toEqual([{ op: 'add', path: '/claims/user_id', value: '00uq8tMo3zV0OfJON0g3' }]);
    expect(identity.value).toEqual([{ op: 'add', path: '/claims/team', value: 'blue' }]);
  });

  it('answers 200 with an error when the transform denies the token', async () => {
    const { hook, logs } = await hookWith({}, (_, edit) => edit.deny('contractors may not use this app'));

    const result = await hook(event(authCode()));

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!)).toEqual({ error: { errorSummary: 'contractors may not use this app' } });
    expect(logs[0]?.outcome).toBe('denied');
  });

  describe('failure mode', () => {
    const failing: Transform = () => {
      throw new Error('database at db.internal:5432 refused password hunter2');
    };

    it('fails open with no commands, the error class in debugContext for Okta\'s System Log, and logs the class only', async () => {
      const { hook, logs } = await hookWith({ failureMode: 'open' }, failing);

      const result = await hook(event(authCode()));

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body!)).toEqual({ debugContext: { failedOpen: 'Error' } });
      expect(result.body).not.toContain('hunter2');
      expect(logs[0]).toMatchObject({ outcome: 'failed-open', error: 'Error' });
      expect(JSON.stringify(logs)).not.toContain('hunter2');
    });

    it('fails closed with 200 and a generic error summary', async () => {
      const { hook } = await hookWith({ failureMode: 'closed' }, failing);

      const result = await hook(event(authCode()));

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body!)).toEqual({ error: { errorSummary: CLOSED_FAILURE_SUMMARY } });
      expect(result.body).not.toContain('hunter2');
    });

    it('treats a transform slower than the deadline as a failure', async () => {
      const slow: Transform = (_, edit) =>
        new Promise((resolve) =>
          setTimeout(() => {
            edit.access.set('late', 1);
            resolve();
          }, 200),
        );
      const { hook, logs } = await hookWith({ failureMode: 'closed', deadlineMs: 20 }, slow);

      const result = await hook(event(authCode()));

      expect(JSON.parse(result.body!).error.errorSummary).toBe(CLOSED_FAILURE_SUMMARY);
      expect(logs[0]?.error).toMatch(/^DeadlineExceededError/);
    });

    it('treats a reserved claim from the transform as a failure', async () => {
      const { hook, logs } = await hookWith({ failureMode: 'open' }, (_, edit) => {
        edit.identity.set('sub', 'x');
      });

      const result = await hook(event(authCode()));

      expect(JSON.parse(result.body!)).toEqual({ debugContext: { failedOpen: 'ClaimEditError' } });
      expect(logs[0]?.error).toBe("ClaimEditError: cannot set claim: claim 'sub' is reserved in ID tokens");
    });

    it('fails over to the failure mode when the commands would exceed 256 KB', async () => {
      const { hook, logs } = await hookWith({ failureMode: 'open' }, (_, edit) => void edit.access.set('big', 'x'.repeat(300_000)));

      const result = await hook(event(authCode()));

      expect(JSON.parse(result.body!)).toEqual({ debugContext: { failedOpen: 'ResponseTooLargeError' } });
      expect(logs[0]?.error).toMatch(/^ResponseTooLargeError/);
    });

    it('fails over when the API key cannot be read, but still refuses a missing key with 401', async () => {
      const store = new MemorySecretStore({ AWSCURRENT: KEY });
      store.failing = true;
      const keys = createApiKeyVerifier({ secretStore: store, secretId: 'arn', recheckIntervalMs: 60_000 });
      const hook = createTokenHook({ config: parseHookConfig({ failureMode: 'closed' }), keys, log: () => undefined });

      const withKey = await hook(event(authCode()));
      const withoutKey = await hook(event(authCode(), { headers: { 'content-type': 'application/json' } }));

      expect(withKey.statusCode).toBe(200);
      expect(JSON.parse(withKey.body!).error).toBeDefined();
      expect(withoutKey.statusCode).toBe(401);
    });
  });

  describe('a verification request (the registrar\'s, the rotation\'s and verify\'s, through /execute)', () => {
    const verification = () => ({ ...authCode(), eventId: verificationEventId(new Date('2026-11-28T08:00:00Z')) });
    const failing: Transform = () => {
      throw new TypeError('cannot read properties of undefined (reading hunter2)');
    };
    const slow: Transform = () => new Promise((resolve) => setTimeout(resolve, 200));

    it.each(['open', 'closed'] as const)('answers 200 with the reason when the transform throws, failure mode %s', async (failureMode) => {
      const { hook, logs } = await hookWith({ failureMode }, failing);

      const result = await hook(event(verification()));

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body!).error.errorSummary).toBe(
        `the claim logic failed on the verification request (TypeError); real token requests would fail ${failureMode} (${failureMode === 'open' ? 'tokens without the claims' : 'no tokens'})`,
      );
      expect(logs[0]).toMatchObject({ outcome: 'failed-verification', status: 200, error: 'TypeError' });
      expect(result.body).not.toContain('hunter2');
    });

    it('answers 200 with the deadline when the transform is too slow', async () => {
      const { hook } = await hookWith({ failureMode: 'open', deadlineMs: 20 }, slow);

      const result = await hook(event(verification()));

      expect(JSON.parse(result.body!).error.errorSummary).toContain('(DeadlineExceededError: the claim logic took longer than 20 ms)');
    });

    it('keeps the failure mode for a token request with the same failure', async () => {
      const { hook, logs } = await hookWith({ failureMode: 'open', deadlineMs: 20 }, slow);

      const result = await hook(event(authCode()));

      expect([result.statusCode, JSON.parse(result.body!)]).toEqual([200, { debugContext: { failedOpen: 'DeadlineExceededError' } }]);
      expect(logs[0]?.outcome).toBe('failed-open');
    });

    it('answers as usual when the claim logic works on it', async () => {
      const { hook, logs } = await hookWith(setTeam);

      const result = await hook(event(verification()));

      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body!).commands).toHaveLength(2);
      expect(logs[0]?.outcome).toBe('patched');
    });

    it('still answers 401 to a wrong key, before the body is read', async () => {
      const { hook, logs } = await hookWith({}, failing);

      const result = await hook(event(verification(), { headers: { 'content-type': 'application/json', authorization: 'wrong' } }));

      expect([result.statusCode, result.body]).toEqual([401, undefined]);
      expect(logs[0]).toMatchObject({ outcome: 'unauthorized' });
    });
  });
});
