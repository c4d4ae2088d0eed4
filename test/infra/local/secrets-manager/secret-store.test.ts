import { randomUUID } from 'node:crypto';
import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../../infra/local/secrets-manager/index.js';
import { SecretsManagerStore } from '../../../../lambda/shared/secret-store.js';

let sm: LocalSecretsManager;
let store: SecretsManagerStore;

beforeAll(async () => {
  sm = await startLocalSecretsManager();
  store = new SecretsManagerStore(sm.client());
});
afterAll(async () => {
  await sm.close();
});

const name = (): string => `store-${randomUUID().slice(0, 8)}`;

describe('SecretsManagerStore against the local endpoint', () => {
  it('reaches the endpoint through AWS_ENDPOINT_URL_SECRETS_MANAGER with the default client', async () => {
    const arn = sm.createSecret(name(), 'from-env');
    for (const [key, value] of Object.entries(sm.env)) vi.stubEnv(key, value);

    const fromEnv = new SecretsManagerStore();
    const secret = await fromEnv.getSecret(arn);
    vi.unstubAllEnvs();

    expect(secret?.value).toBe('from-env');
  });

  it('reads the current version with its id and stages', async () => {
    const arn = sm.createSecret(name(), 'k1');

    const secret = await store.getSecret(arn);

    expect(secret).toEqual({ value: 'k1', versionId: expect.any(String), stages: ['AWSCURRENT'] });
  });

  it('answers undefined for an absent AWSPENDING and throws for an absent secret', async () => {
    const arn = sm.createSecret(name(), 'k1');

    const pending = await store.getSecret(arn, { stage: 'AWSPENDING' });
    const missing = store.getSecret(`${arn}-gone`);

    expect(pending).toBeUndefined();
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('puts a pending version idempotently and reads it by stage and by version id', async () => {
    const arn = sm.createSecret(name(), 'k1');
    const versionId = randomUUID();

    await store.putPendingSecret(arn, versionId, 'k2');
    await store.putPendingSecret(arn, versionId, 'k2');

    expect(await store.getSecret(arn, { stage: 'AWSPENDING' })).toEqual({ value: 'k2', versionId, stages: ['AWSPENDING'] });
    expect((await store.getSecret(arn, { versionId }))?.value).toBe('k2');
  });

  it('promotes a pending version and reports the stages and the rotation flag', async () => {
    const arn = sm.createSecret(name(), 'k1');
    const old = (await store.getSecret(arn))!.versionId;
    const versionId = randomUUID();
    await store.putPendingSecret(arn, versionId, 'k2');

    await store.promoteVersion(arn, versionId, old);

    expect(await store.describeVersions(arn)).toEqual({
      rotationEnabled: false,
      versions: { [old]: ['AWSPREVIOUS'], [versionId]: ['AWSPENDING', 'AWSCURRENT'] },
    });
    expect((await store.getSecret(arn))?.value).toBe('k2');
  });

  it('rides over a transient 500 with the SDK retry', async () => {
    const arn = sm.createSecret(name(), 'k1');
    sm.injectFault('GetSecretValue', 1);

    const secret = await store.getSecret(arn);

    expect(secret?.value).toBe('k1');
  });
});
