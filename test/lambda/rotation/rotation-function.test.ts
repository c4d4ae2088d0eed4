import { InvalidRequestException } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { RotationStateError } from '../../../lambda/rotation/errors.js';
import { RECHECK_INTERVAL_MS, startHarness, startLoad, type Harness } from './rotation-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every instance is asked with the key Okta holds right now; the statuses are collected. */
function probeWithOktaKey(h: Harness, statuses: number[]): () => Promise<void> {
  return async () => {
    statuses.push(...(await h.hookStatuses(h.oktaKey()!)));
  };
}

async function stages(h: Harness): Promise<Record<string, string[]>> {
  return (await h.store.describeVersions(h.apiKeyArn)).versions;
}

describe('key rotation through Okta and Secrets Manager', () => {
  it('rotates the key under load with no rejected token hook call, and only the new key works afterwards', async () => {
    harness = await startHarness({ instances: 2 });
    const h = harness;
    // An instance that read the key long ago: its clock says the last read is an hour old.
    let offset = 0;
    await h.addInstance({ now: () => performance.now() + offset });
    offset = 3_600_000;
    const probes: number[] = [];
    const probe = probeWithOktaKey(h, probes);
    // Instances cold-start at every point of the rotation, and each is asked with Okta's key at once.
    h.afterStep = async () => {
      await h.addInstance();
      await probe();
    };
    h.beforeOktaCall = async (method) => {
      if (method === 'PUT') await h.addInstance();
      else await probe();
    };
    const load = startLoad(h.okta);
    await sleep(50);
    // One more cold start just before the rotation starts.
    await h.addInstance();

    const rotated = (await h.rotate()) as { VersionId: string };
    await sleep(RECHECK_INTERVAL_MS * 2);
    const { total, statuses } = await load.stop();

    expect(statuses).toEqual({ 'applied:200': total });
    expect(total).toBeGreaterThan(20);
    expect(probes.length).toBeGreaterThan(20);
    expect(new Set(probes)).toEqual(new Set([200]));
    const current = await h.store.getSecret(h.apiKeyArn);
    expect(current?.versionId).toBe(rotated.VersionId);
    expect(current?.value).not.toBe(h.initialKey);
    expect(h.oktaKey()).toBe(current?.value);
    const labels = await stages(h);
    expect(labels[rotated.VersionId]).toEqual(['AWSCURRENT']);
    expect(Object.values(labels).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
    expect(new Set(await h.hookStatuses(current!.value))).toEqual(new Set([200]));
    expect(new Set(await h.hookStatuses(h.initialKey))).toEqual(new Set([401]));
  });

  /** Statuses of every hook instance asked with Okta's key on each Okta call after the PUT. */
  async function probesAfterPut(settleDelayMs: number): Promise<{ probes: number[]; rotated: boolean }> {
    harness = await startHarness({ recheckIntervalMs: 800, settleDelayMs });
    const h = harness;
    const probes: number[] = [];
    let put = false;
    h.beforeOktaCall = async (method) => {
      if (put) await probeWithOktaKey(h, probes)();
      put ||= method === 'PUT';
    };
    // A wrong key makes every instance re-read the secret now, just before the rotation starts.
    expect(new Set(await h.hookStatuses('not-the-key'))).toEqual(new Set([401]));
    // Without the wait, testSecret sees the rejection too and fails the rotation.
    const rotated = await h.rotate().then(
      () => true,
      () => false,
    );
    return { probes, rotated };
  }

  it('waits before giving Okta the key until a hook that re-read the secret just before the rotation may read it again', async () => {
    const { probes, rotated } = await probesAfterPut(900);

    expect(rotated).toBe(true);
    expect(probes.length).toBeGreaterThan(0);
    expect(new Set(probes)).toEqual(new Set([200]));
  });

  it('would have that hook reject the new key without the wait (what the wait is for)', async () => {
    const { probes, rotated } = await probesAfterPut(0);

    expect(probes).toContain(401);
    expect(rotated).toBe(false);
  });

  it('does the same work once when Secrets Manager runs every step twice', async () => {
    harness = await startHarness();
    const h = harness;
    h.afterStep = async (event) => {
      await h.rotationHandler(event);
    };
    const hookBefore = await h.api.getInlineHook(h.hookId);

    const rotated = (await h.rotate()) as { VersionId: string };

    const { lastUpdated: _before, ...unchangedBefore } = hookBefore;
    const { lastUpdated: _after, ...unchangedAfter } = await h.api.getInlineHook(h.hookId);
    expect(unchangedAfter).toEqual(unchangedBefore);

    const current = await h.store.getSecret(h.apiKeyArn);
    expect(current?.versionId).toBe(rotated.VersionId);
    expect(h.oktaKey()).toBe(current?.value);
    expect(Object.keys(await stages(h))).toHaveLength(2);
    expect(new Set(await h.hookStatuses(current!.value))).toEqual(new Set([200]));
  });

  it('keeps the old key working when Okta fails the PUT of setSecret, and a retried rotation completes', async () => {
    harness = await startHarness({ instances: 2 });
    const h = harness;
    h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'status-500', count: 2 });
    const load = startLoad(h.okta);

    const failed = h.rotate();

    await expect(failed).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(failed).rejects.toThrow(/setSecret/);
    expect(h.oktaKey()).toBe(h.initialKey);
    expect((await h.store.getSecret(h.apiKeyArn))?.value).toBe(h.initialKey);
    expect(new Set(await h.hookStatuses(h.initialKey))).toEqual(new Set([200]));
    const retried = (await h.rotate()) as { VersionId: string };
    const { total, statuses } = await load.stop();
    expect(statuses).toEqual({ 'applied:200': total });
    const current = await h.store.getSecret(h.apiKeyArn);
    expect(current?.versionId).toBe(retried.VersionId);
    expect(h.oktaKey()).toBe(current?.value);
    expect(current?.value).not.toBe(h.initialKey);
  });

  it('puts the old key back when the PUT reached Okta but its answer was lost', async () => {
    harness = await startHarness();
    const h = harness;
    h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'drop', afterApply: true, count: 2 });

    const failed = h.rotate();

    await expect(failed).rejects.toThrow(/setSecret/);
    expect(h.oktaKey()).toBe(h.initialKey);
    expect(h.events.map((event) => event.event)).toContain('rotation-key-restored');
    expect(new Set(await h.hookStatuses(h.initialKey))).toEqual(new Set([200]));
  });

  it('keeps the old key working when /execute fails in testSecret, and a retried rotation completes', async () => {
    harness = await startHarness({ instances: 2 });
    const h = harness;
    // Both verification tries (the client leaves /execute's 5xx to the caller).
    h.okta.injectFault({ operationId: 'executeInlineHook', kind: 'status-500', count: 2 });
    const load = startLoad(h.okta);

    const failed = h.rotate();

    await expect(failed).rejects.toThrow(/testSecret/);
    expect(h.oktaKey()).toBe(h.initialKey);
    const pending = Object.entries(await stages(h)).find(([, labels]) => labels.includes('AWSPENDING'))?.[0];
    expect(pending).toBeDefined();
    expect((await h.store.getSecret(h.apiKeyArn))?.value).toBe(h.initialKey);
    const retried = (await h.rotate()) as { VersionId: string };
    const { total, statuses } = await load.stop();
    expect(statuses).toEqual({ 'applied:200': total });
    expect(retried.VersionId).toBe(pending);
    expect(h.oktaKey()).toBe((await h.store.getSecret(h.apiKeyArn))?.value);
  });

  it('fails testSecret with the reason when the claim logic throws on the sample request, and keeps the old key', async () => {
    harness = await startHarness({
      transform: () => {
        throw new TypeError('no tier');
      },
    });
    const h = harness;

    const failed = h.rotate();

    await expect(failed).rejects.toThrow(/testSecret.*the claim logic failed on the verification request \(TypeError\)/);
    expect(h.oktaKey()).toBe(h.initialKey);
    expect((await h.store.getSecret(h.apiKeyArn))?.value).toBe(h.initialKey);
  });

  it('changes nothing when Secrets Manager fails createSecret, and a retried rotation completes', async () => {
    harness = await startHarness();
    const h = harness;
    h.sm.injectFault('PutSecretValue', 1);

    const failed = h.rotate();

    await expect(failed).rejects.toThrow(/createSecret/);
    expect(h.oktaKey()).toBe(h.initialKey);
    expect((await h.store.getSecret(h.apiKeyArn))?.value).toBe(h.initialKey);
    expect(new Set(await h.hookStatuses(h.initialKey))).toEqual(new Set([200]));
    await h.rotate();
    expect(h.oktaKey()).toBe((await h.store.getSecret(h.apiKeyArn))?.value);
    expect(h.oktaKey()).not.toBe(h.initialKey);
  });

  it('gives Okta the current key back when finishSecret cannot promote, and a retried rotation completes', async () => {
    harness = await startHarness({ instances: 2 });
    const h = harness;
    h.sm.injectFault('UpdateSecretVersionStage', 1);
    const load = startLoad(h.okta);

    const failed = h.rotate();

    await expect(failed).rejects.toThrow(/finishSecret/);
    expect(h.oktaKey()).toBe(h.initialKey);
    expect((await h.store.getSecret(h.apiKeyArn))?.value).toBe(h.initialKey);
    expect(new Set(await h.hookStatuses(h.initialKey))).toEqual(new Set([200]));
    await h.rotate();
    const { total, statuses } = await load.stop();
    expect(statuses).toEqual({ 'applied:200': total });
    expect(h.oktaKey()).toBe((await h.store.getSecret(h.apiKeyArn))?.value);
    expect(h.oktaKey()).not.toBe(h.initialKey);
  });

  it('leaves Okta on the new key when a deploy re-sent the current key in the middle of the rotation', async () => {
    harness = await startHarness({ instances: 2 });
    const h = harness;
    h.afterStep = async (event) => {
      if (event.Step !== 'testSecret') return;
      // What the registrar does on a stack update: the hook PUT again with AWSCURRENT.
      const hook = await h.api.getInlineHook(h.hookId);
      await h.api.replaceInlineHook(h.hookId, { name: hook.name, uri: hook.channel.config.uri, authHeader: 'Authorization', authValue: h.initialKey });
    };
    const load = startLoad(h.okta);

    await h.rotate();
    await sleep(RECHECK_INTERVAL_MS * 2);
    const { total, statuses } = await load.stop();

    expect(statuses).toEqual({ 'applied:200': total });
    const current = await h.store.getSecret(h.apiKeyArn);
    expect(h.oktaKey()).toBe(current?.value);
    expect(new Set(await h.hookStatuses(current!.value))).toEqual(new Set([200]));
  });

  it('refuses a step for a version that is not part of the rotation', async () => {
    harness = await startHarness();
    const h = harness;
    await h.rotate();

    const stray = h.rotationHandler({ Step: 'setSecret', SecretId: h.apiKeyArn, ClientRequestToken: '00000000-0000-4000-8000-000000000000' });

    await expect(stray).rejects.toBeInstanceOf(RotationStateError);
  });

  it('refuses an event that is not a rotation event', async () => {
    harness = await startHarness();

    const attempt = harness.rotationHandler({ Step: 'dance', SecretId: harness.apiKeyArn });

    await expect(attempt).rejects.toThrow(/not a secrets manager rotation event/);
  });
});

describe('a failure at each step, a deadline included', () => {
  // Each step's Lambda context leaves 3 s past the margin: the restore keeps 1.5 s of its own.
  const REMAINING_MS = 5_000 + 3_000;
  const PAST_THE_STEP_MS = 4_000;
  type Arm = (h: Harness) => void;
  const onStep = (h: Harness, step: string, arm: () => void) => {
    h.afterStep = async (event) => {
      if (event.Step === step) arm();
    };
  };
  const cases: [string, Arm][] = [
    ['setSecret PUT fails', (h) => h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'status-500', count: 2 })],
    ['setSecret PUT lands, its answer comes after the deadline', (h) => h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'slow', afterApply: true, delayMs: PAST_THE_STEP_MS })],
    ['testSecret /execute fails', (h) => h.okta.injectFault({ operationId: 'executeInlineHook', kind: 'status-500', count: 2 })],
    ['testSecret /execute runs past the deadline', (h) => h.okta.injectFault({ operationId: 'executeInlineHook', kind: 'slow', delayMs: PAST_THE_STEP_MS })],
    ['finishSecret PUT fails', (h) => onStep(h, 'testSecret', () => h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'status-500', count: 2 }))],
    [
      'finishSecret PUT lands, its answer comes after the deadline',
      (h) => onStep(h, 'testSecret', () => h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'slow', afterApply: true, delayMs: PAST_THE_STEP_MS })),
    ],
    ['finishSecret promotion fails', (h) => h.sm.injectFault('UpdateSecretVersionStage', 1)],
  ];

  it.each(cases)('%s: okta is back on the current key, which the hook accepts', async (_, arm) => {
    harness = await startHarness({ instances: 2, remainingMs: REMAINING_MS });
    const h = harness;
    arm(h);

    const failed = await h.rotate().then(
      () => 'succeeded',
      (error: unknown) => String(error),
    );

    expect(failed).not.toBe('succeeded');
    expect(failed.includes(h.initialKey), 'the error holds the key').toBe(false);
    const current = await h.store.getSecret(h.apiKeyArn);
    expect(h.oktaKey()).toBe(current?.value);
    expect(new Set(await h.hookStatuses(h.oktaKey()!))).toEqual(new Set([200]));
    expect(h.events.map((event) => event.event)).toContain('rotation-key-restored');
  });
});
