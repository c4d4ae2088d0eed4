import { afterAll, describe, expect, it } from 'vitest';
import { serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import type { Transform } from '../../../lambda/token-hook/evaluate.js';
import { loadFixture } from '../../support/fixtures.js';
import { useSuite, withoutStamp } from './harness.js';

// Design decision 7: a claim logic that fails on the registrar's sample request fails the verification
// with its reason, whatever the failure mode; the create then leaves nothing in Okta.
const throws: Transform = () => {
  throw new RangeError('tier table is empty');
};
const tooSlow: Transform = () => new Promise((resolve) => setTimeout(resolve, 400));

describe('create with a claim logic that fails on the sample request', () => {
  const suite = useSuite();
  const hooks: ServedHook[] = [];

  afterAll(async () => {
    for (const hook of hooks) await hook.close();
  });

  async function brokenHook(failureMode: 'open' | 'closed', transform: Transform): Promise<ServedHook> {
    const hook = await serveHook({
      config: parseHookConfig({ failureMode, deadlineMs: 100 }),
      transform,
      log: () => undefined,
      secrets: { store: suite.store, apiKeySecretArn: suite.apiKeyArn },
    });
    hooks.push(hook);
    return hook;
  }

  it.each([
    ['throws', 'open', throws, '(RangeError)'],
    ['throws', 'closed', throws, '(RangeError)'],
    ['passes its deadline', 'open', tooSlow, '(DeadlineExceededError: the claim logic took longer than 100 ms)'],
  ] as const)('fails when the transform %s (failure mode %s), with the reason, and leaves nothing in Okta', async (_, failureMode, transform, reason) => {
    const hook = await brokenHook(failureMode, transform);
    const org = await suite.org();
    const ruleBefore = withoutStamp(org.rule());

    const failure = await org.create(org.properties({ HookUrl: hook.url })).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toContain(`answered okta's /execute with an error ("the claim logic failed on the verification request ${reason}`);
    expect((failure as Error).message).toContain(`real token requests would fail ${failureMode}`);
    expect((failure as Error).message).not.toContain('tier table is empty');
    expect(org.hookIds()).toEqual([]);
    expect(withoutStamp(org.rule())).toEqual(ruleBefore);
    await org.close();
  });

  it('keeps the failure mode for real token requests on the same hook: open issues the token unchanged', async () => {
    const hook = await brokenHook('open', throws);

    const response = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'test-api-key-do-not-log-0123456789' },
      body: JSON.stringify(loadFixture('token-hook', 'authorization-code')),
    });

    expect([response.status, await response.json()]).toEqual([200, { debugContext: { failedOpen: 'RangeError' } }]);
  });
});
