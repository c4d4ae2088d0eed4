import { afterEach, describe, expect, it } from 'vitest';
import { KeyChangeError } from '../../../lambda/rotation/errors.js';
import { rejectionOf } from '../../support/rejection.js';
import { startOAuthHarness, tokenStatus, type OAuthHarness } from './oauth-rotation-harness.js';
import { startLoad } from './rotation-harness.js';

let harness: OAuthHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function currentSecret(h: OAuthHarness): Promise<string> {
  return (await h.store.getSecret(h.clientSecretArn!))!.value;
}

describe('client secret rotation (client_secret_post)', () => {
  it('rotates under load with no rejected hook call: Okta sends the new secret, the client keeps only it, the old one gets no token', async () => {
    harness = await startOAuthHarness('client_secret_post');
    const h = harness;
    const initial = await currentSecret(h);
    const load = startLoad(h.okta);
    await sleep(50);

    await h.rotate();
    await sleep(50);
    const { total, statuses } = await load.stop();

    expect(statuses).toEqual({ 'applied:200': total });
    expect(total).toBeGreaterThan(10);
    const current = await currentSecret(h);
    expect(current).not.toBe(initial);
    expect(h.stored().clientSecret).toBe(current);
    expect((await h.api.listClientSecrets(h.clientId)).map((secret) => secret.status)).toEqual(['ACTIVE']);
    expect(await tokenStatus(h, current)).toBe(200);
    expect(await tokenStatus(h, initial)).toBe(401);
    expect(h.hookLines.every((line) => line.status === 200)).toBe(true);
    expect(JSON.stringify(h.events)).not.toContain(current);
  });

  it('does the same work once when Secrets Manager runs every step twice', async () => {
    harness = await startOAuthHarness('client_secret_post');
    const h = harness;
    h.sm.setRotationFunction(async (event) => {
      await h.rotationHandler(event);
      await h.rotationHandler(event);
    });

    await h.rotate();

    const current = await currentSecret(h);
    expect(h.stored().clientSecret).toBe(current);
    expect(await h.api.listClientSecrets(h.clientId)).toHaveLength(1);
    expect(h.events.filter((event) => event.event === 'client-secret-added')).toHaveLength(1);
    expect(h.events.filter((event) => event.event === 'client-secret-present')).toHaveLength(1);
  });

  it('keeps a working pair when /execute fails in testSecret: Okta is back on the old secret, and a retried rotation completes', async () => {
    harness = await startOAuthHarness('client_secret_post');
    const h = harness;
    const initial = await currentSecret(h);
    h.okta.injectFault({ operationId: 'executeInlineHook', kind: 'status-500', count: 2 });
    const load = startLoad(h.okta);

    const failed = h.rotate();

    await expect(failed).rejects.toThrow(/testSecret/);
    expect(h.stored().clientSecret).toBe(initial);
    expect(await h.api.listClientSecrets(h.clientId)).toHaveLength(2);
    expect(await tokenStatus(h, initial)).toBe(200);
    await h.rotate();
    const { total, statuses } = await load.stop();
    expect(statuses).toEqual({ 'applied:200': total });
    const current = await currentSecret(h);
    expect(current).not.toBe(initial);
    expect(h.stored().clientSecret).toBe(current);
    expect(await h.api.listClientSecrets(h.clientId)).toHaveLength(1);
  });

  it('keeps Okta on the old secret when the PUT fails, the new one added to the client, and the retry does not add it twice', async () => {
    harness = await startOAuthHarness('client_secret_post');
    const h = harness;
    const initial = await currentSecret(h);
    h.okta.injectFault({ operationId: 'replaceInlineHook', kind: 'status-500', count: 2 });

    await expect(h.rotate()).rejects.toThrow(/setSecret/);
    expect(h.stored().clientSecret).toBe(initial);
    await h.rotate();

    expect(h.stored().clientSecret).toBe(await currentSecret(h));
    expect(h.events.filter((event) => event.event === 'client-secret-added')).toHaveLength(1);
    expect(await h.api.listClientSecrets(h.clientId)).toHaveLength(1);
  });

  it('leaves the old secret active on the client when its retirement fails, and the next rotation takes it away first, with no rejected call', async () => {
    harness = await startOAuthHarness('client_secret_post');
    const h = harness;
    const initial = await currentSecret(h);
    h.okta.injectFault({ operationId: 'deactivateOAuth2ClientSecret', kind: 'status-500', count: 2 });
    const load = startLoad(h.okta);

    await expect(h.rotate()).rejects.toThrow(/finishSecret/);
    const second = await currentSecret(h);
    const leftBehind = await h.api.listClientSecrets(h.clientId);
    const oldBetween = await tokenStatus(h, initial);
    await h.rotate();
    const { total, statuses } = await load.stop();

    expect(second).not.toBe(initial);
    expect(leftBehind.map((secret) => secret.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(oldBetween).toBe(200);
    expect(statuses).toEqual({ 'applied:200': total });
    const third = await currentSecret(h);
    expect(h.stored().clientSecret).toBe(third);
    expect(await h.api.listClientSecrets(h.clientId)).toHaveLength(1);
    expect(await tokenStatus(h, third)).toBe(200);
    expect(await tokenStatus(h, second)).toBe(401);
    expect(await tokenStatus(h, initial)).toBe(401);
  });

  it('refuses to make room by guessing when the second secret holds a value it does not know, and changes nothing', async () => {
    harness = await startOAuthHarness('client_secret_post');
    const h = harness;
    const initial = await currentSecret(h);
    await h.api.createClientSecret(h.clientId, 'someone-elses-secret-0123456789abcdef');

    await expect(h.rotate()).rejects.toThrow(/setSecret/);

    expect(h.events.map((event) => event.reason ?? '').join()).not.toContain('someone-elses');
    expect((await h.api.listClientSecrets(h.clientId)).map((secret) => secret.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect(h.stored().clientSecret).toBe(initial);
    expect(await tokenStatus(h, initial)).toBe(200);
  });
});

describe('hook key rotation (private_key_jwt)', () => {
  it('rotates under load with no rejected hook call: Okta signs with a new key, the old one leaves the client and is deleted', async () => {
    harness = await startOAuthHarness('private_key_jwt');
    const h = harness;
    const old = h.stored().channel.config.hookKeyId as string;
    const [oldKey] = await h.api.listHookKeys();
    const load = startLoad(h.okta);
    await sleep(50);

    await h.rotate();
    await sleep(50);
    const { total, statuses } = await load.stop();

    expect(statuses).toEqual({ 'applied:200': total });
    expect(total).toBeGreaterThan(10);
    const now = h.stored().channel.config.hookKeyId as string;
    expect(now).not.toBe(old);
    const keys = await h.api.listHookKeys();
    expect(keys.map((key) => key.id)).toEqual([now]);
    expect((await h.api.listClientJwks(h.clientId)).map((key) => key.kid)).toEqual([keys[0]!.keyId]);
    expect(keys[0]!.keyId).not.toBe(oldKey!.keyId);
    expect(h.hookLines.every((line) => line.status === 200)).toBe(true);
  });

  it('puts the old key back when /execute fails, keeps both on the client, and the next run takes up the new key', async () => {
    harness = await startOAuthHarness('private_key_jwt');
    const h = harness;
    const old = h.stored().channel.config.hookKeyId as string;
    h.okta.injectFault({ operationId: 'executeInlineHook', kind: 'status-500', count: 2 });

    const error = await rejectionOf(h.rotate(), KeyChangeError);

    expect(error.message).toContain(`signs with ${old} again`);
    expect(h.stored().channel.config.hookKeyId).toBe(old);
    expect(await h.api.listClientJwks(h.clientId)).toHaveLength(2);
    const made = (await h.api.listHookKeys()).find((key) => key.id !== old)!;
    const meanwhile = startLoad(h.okta, 1);
    await sleep(50);
    const { total, statuses } = await meanwhile.stop();
    await h.rotate();
    expect(h.stored().channel.config.hookKeyId).toBe(made.id);
    expect((await h.api.listHookKeys()).map((key) => key.id)).toEqual([made.id]);
    expect(h.events.map((event) => event.event)).toContain('hook-key-taken-up');
    expect(statuses).toEqual({ 'applied:200': total });
  });

  it('leaves a working pair when the old key cannot be deleted, and the next run removes it', async () => {
    harness = await startOAuthHarness('private_key_jwt');
    const h = harness;
    const old = h.stored().channel.config.hookKeyId as string;
    h.okta.injectFault({ operationId: 'deleteHookKey', kind: 'status-500', count: 2 });
    const load = startLoad(h.okta);

    const error = await rejectionOf(h.rotate(), KeyChangeError);
    const first = h.stored().channel.config.hookKeyId as string;
    await h.rotate();
    const { total, statuses } = await load.stop();

    expect(error.message).toContain('the next rotation removes it');
    expect(first).not.toBe(old);
    expect(statuses).toEqual({ 'applied:200': total });
    const keys = await h.api.listHookKeys();
    expect(keys.map((key) => key.id)).toEqual([h.stored().channel.config.hookKeyId]);
    expect(await h.api.listClientJwks(h.clientId)).toHaveLength(1);
  });

  it('refuses a Secrets Manager event: a hook key has no secret to rotate', async () => {
    harness = await startOAuthHarness('private_key_jwt');

    const attempt = harness.rotationHandler({ Step: 'createSecret', SecretId: 'arn:x', ClientRequestToken: 't' });

    await expect(attempt).rejects.toThrow(/invoke the function with \{"rotate":"hook-key"\}/);
  });
});
