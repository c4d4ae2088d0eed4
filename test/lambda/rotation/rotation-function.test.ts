import { afterEach, describe, expect, it } from 'vitest';
import { RECHECK_INTERVAL_MS, startHarness, startLoad, type Harness } from './rotation-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('key rotation through Okta and Secrets Manager', () => {
  it('rotates the key under load with no rejected token hook call, and only the new key works afterwards', async () => {
    harness = await startHarness({ instances: 2 });
    const h = harness;
    // An instance that read the key long ago: its clock says the last read is an hour old.
    let offset = 0;
    await h.addInstance({ now: () => performance.now() + offset });
    offset = 3_600_000;
    // Instances that cold-start at each point of the rotation (Lambda scales out at any moment).
    h.afterStep = async (event) => {
      await h.addInstance();
      await sleep(RECHECK_INTERVAL_MS / 3);
      expect(event.Step).toBeTypeOf('string');
    };
    h.beforeOktaCall = async (method) => {
      if (method === 'PUT') await h.addInstance();
    };
    const load = startLoad(h.okta);
    await sleep(50);

    const rotated = (await h.rotate()) as { VersionId: string };
    await sleep(RECHECK_INTERVAL_MS * 2);
    const { total, statuses } = await load.stop();

    expect(statuses).toEqual({ 'applied:200': total });
    expect(total).toBeGreaterThan(20);
    const current = await h.store.getSecret(h.apiKeyArn);
    expect(current?.versionId).toBe(rotated.VersionId);
    expect(current?.value).not.toBe(h.initialKey);
    expect(h.oktaKey()).toBe(current?.value);
    expect(await h.store.describeVersions(h.apiKeyArn)).toMatchObject({ rotationEnabled: true });
    await sleep(RECHECK_INTERVAL_MS * 2);
    expect(new Set(await h.hookStatuses(current!.value))).toEqual(new Set([200]));
    expect(new Set(await h.hookStatuses(h.initialKey))).toEqual(new Set([401]));
  });
});
