import { randomUUID } from 'node:crypto';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  InternalServiceError,
  InvalidParameterException,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  RotateSecretCommand,
  type SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../../infra/local/secrets-manager/index.js';

let sm: LocalSecretsManager;
let client: SecretsManagerClient;

beforeAll(async () => {
  sm = await startLocalSecretsManager();
  client = sm.client();
});
afterAll(async () => {
  client.destroy();
  await sm.close();
});

const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

async function stagesOf(secretId: string): Promise<Record<string, string[]>> {
  return (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
}

describe('local secrets manager through the real SDK', () => {
  it('creates a secret whose ARN has the AWS format and reads it by name, ARN and partial ARN', async () => {
    const name = unique('app/key');

    const created = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));

    expect(created.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:\\d{12}:secret:${name}-[A-Za-z0-9]{6}$`));
    for (const id of [name, created.ARN!, created.ARN!.slice(0, -7)]) {
      const read = await client.send(new GetSecretValueCommand({ SecretId: id }));
      expect(read).toMatchObject({ SecretString: 'v1', VersionId: created.VersionId, VersionStages: ['AWSCURRENT'] });
      expect(read.CreatedDate).toBeInstanceOf(Date);
    }
  });

  it('throws ResourceExistsException when the name is taken', async () => {
    const name = unique('taken');
    sm.createSecret(name, 'v1');

    const attempt = client.send(new CreateSecretCommand({ Name: name, SecretString: 'v2' }));

    await expect(attempt).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('throws ResourceNotFoundException for an unknown secret and an absent AWSPENDING', async () => {
    const arn = sm.createSecret(unique('no-pending'), 'v1');

    const unknown = client.send(new GetSecretValueCommand({ SecretId: 'does-not-exist' }));
    const pending = client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPENDING' }));

    await expect(unknown).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(pending).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('puts a pending version idempotently on the token and refuses a different value for it', async () => {
    const arn = sm.createSecret(unique('put'), 'v1');
    const token = randomUUID();
    const put = (value: string) =>
      client.send(
        new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: value, VersionStages: ['AWSPENDING'] }),
      );

    const first = await put('v2');
    const again = await put('v2');
    const different = put('v3');

    expect(first).toMatchObject({ VersionId: token, VersionStages: ['AWSPENDING'] });
    expect(again).toMatchObject({ VersionId: token, VersionStages: ['AWSPENDING'] });
    await expect(different).rejects.toBeInstanceOf(ResourceExistsException);
    const pending = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPENDING' }));
    expect(pending.SecretString).toBe('v2');
    const byBoth = await client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: token, VersionStage: 'AWSPENDING' }));
    expect(byBoth.SecretString).toBe('v2');
  });

  it('refuses a version id with a stage it does not carry', async () => {
    const arn = sm.createSecret(unique('mismatch'), 'v1');
    const current = await client.send(new GetSecretValueCommand({ SecretId: arn }));

    const attempt = client.send(new GetSecretValueCommand({ SecretId: arn, VersionId: current.VersionId, VersionStage: 'AWSPENDING' }));

    await expect(attempt).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('moves AWSCURRENT and leaves AWSPREVIOUS on the version it left', async () => {
    const arn = sm.createSecret(unique('promote'), 'v1');
    const old = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).VersionId!;
    const token = randomUUID();
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: 'v2', VersionStages: ['AWSPENDING'] }));

    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: old }),
    );

    expect(await stagesOf(arn)).toEqual({ [old]: ['AWSPREVIOUS'], [token]: ['AWSPENDING', 'AWSCURRENT'] });
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe('v2');
    expect((await client.send(new GetSecretValueCommand({ SecretId: arn, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v1');
  });

  it('refuses to move a label without naming the version that holds it', async () => {
    const arn = sm.createSecret(unique('guard'), 'v1');
    const token = randomUUID();
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: 'v2', VersionStages: ['AWSPENDING'] }));

    const withoutRemove = client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token }));
    const wrongRemove = client.send(
      new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: token }),
    );

    await expect(withoutRemove).rejects.toBeInstanceOf(InvalidParameterException);
    await expect(wrongRemove).rejects.toBeInstanceOf(InvalidParameterException);
    expect(Object.values(await stagesOf(arn)).flat().filter((stage) => stage === 'AWSCURRENT')).toHaveLength(1);
  });

  it('puts a new current version by default, moving AWSPENDING away from another version', async () => {
    const arn = sm.createSecret(unique('default-current'), 'v1');
    const pendingToken = randomUUID();
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: pendingToken, SecretString: 'v2', VersionStages: ['AWSPENDING'] }));
    const otherPending = randomUUID();

    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: otherPending, SecretString: 'v3', VersionStages: ['AWSPENDING'] }));
    const current = await client.send(new PutSecretValueCommand({ SecretId: arn, SecretString: 'v4' }));

    const stages = await stagesOf(arn);
    expect(stages[otherPending]).toEqual(['AWSPENDING']);
    expect(stages[pendingToken]).toBeUndefined();
    expect(stages[current.VersionId!]).toEqual(['AWSCURRENT']);
  });

  it('removes a label from a version when no target is given', async () => {
    const arn = sm.createSecret(unique('remove'), 'v1');
    const token = randomUUID();
    await client.send(new PutSecretValueCommand({ SecretId: arn, ClientRequestToken: token, SecretString: 'v2', VersionStages: ['AWSPENDING'] }));

    await client.send(new UpdateSecretVersionStageCommand({ SecretId: arn, VersionStage: 'AWSPENDING', RemoveFromVersionId: token }));

    expect(Object.keys(await stagesOf(arn))).not.toContain(token);
  });

  it('reports RotationEnabled false until rotation is configured', async () => {
    const arn = sm.createSecret(unique('rotation-flag'), 'v1');

    const before = await client.send(new DescribeSecretCommand({ SecretId: arn }));
    await client.send(new RotateSecretCommand({ SecretId: arn, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 30 } }));
    const after = await client.send(new DescribeSecretCommand({ SecretId: arn }));

    expect(before.RotationEnabled).toBe(false);
    expect(after).toMatchObject({ RotationEnabled: true, RotationRules: { AutomaticallyAfterDays: 30 } });
  });

  it('generates random passwords with the requested length and character classes', async () => {
    const answer = await client.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true }));

    expect(answer.RandomPassword).toMatch(/^[A-Za-z0-9]{40}$/);
  });

  it('fails injected calls with 500 and records operation names only', async () => {
    const arn = sm.createSecret(unique('fault'), 'very-secret-value');
    const noRetry = sm.client({ maxAttempts: 1 });
    sm.injectFault('GetSecretValue', 1);

    const failed = noRetry.send(new GetSecretValueCommand({ SecretId: arn }));

    await expect(failed).rejects.toBeInstanceOf(InternalServiceError);
    expect((await noRetry.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString).toBe('very-secret-value');
    expect(sm.calls).toContain('GetSecretValue');
    expect(JSON.stringify(sm.calls)).not.toContain('very-secret-value');
    noRetry.destroy();
  });

  it('runs the rotation function through the four steps on RotateSecret and reattempts an unfinished one', async () => {
    const arn = sm.createSecret(unique('rotate'), 'v1');
    const steps: string[] = [];
    let failSet = true;
    sm.setRotationFunction(async ({ Step, ClientRequestToken, SecretId }) => {
      steps.push(`${Step}:${ClientRequestToken}`);
      if (Step === 'createSecret') {
        await client
          .send(new PutSecretValueCommand({ SecretId, ClientRequestToken, SecretString: 'v2', VersionStages: ['AWSPENDING'] }))
          .catch(() => undefined);
      }
      if (Step === 'setSecret' && failSet) throw new Error('okta is down');
      if (Step === 'finishSecret') {
        const current = Object.entries(await stagesOf(SecretId)).find(([, stages]) => stages.includes('AWSCURRENT'))![0];
        await client.send(
          new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: ClientRequestToken, RemoveFromVersionId: current }),
        );
      }
    });

    const failed = client.send(new RotateSecretCommand({ SecretId: arn }));
    await expect(failed).rejects.toBeInstanceOf(InvalidRequestException);
    failSet = false;
    const retried = await client.send(new RotateSecretCommand({ SecretId: arn, ClientRequestToken: randomUUID() }));
    sm.setRotationFunction(undefined);

    const token = steps[0]!.split(':')[1]!;
    expect(retried.VersionId).toBe(token);
    expect(steps.map((step) => step.split(':')[0])).toEqual(['createSecret', 'setSecret', 'createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect((await stagesOf(arn))[token]).toEqual(['AWSCURRENT']);
    expect((await client.send(new DescribeSecretCommand({ SecretId: arn }))).LastRotatedDate).toBeInstanceOf(Date);
  });

  it('gives createSecret a pending version without a value, as the service does', async () => {
    const arn = sm.createSecret(unique('rotate-empty'), 'v1');
    const seen: { stages?: string[]; read?: unknown } = {};
    sm.setRotationFunction(async ({ Step, ClientRequestToken, SecretId }) => {
      if (Step !== 'createSecret') throw new Error('stop after createSecret');
      seen.stages = (await stagesOf(SecretId))[ClientRequestToken];
      seen.read = await client
        .send(new GetSecretValueCommand({ SecretId, VersionId: ClientRequestToken, VersionStage: 'AWSPENDING' }))
        .catch((error: unknown) => error);
    });

    await client.send(new RotateSecretCommand({ SecretId: arn })).catch(() => undefined);
    sm.setRotationFunction(undefined);

    expect(seen.stages).toEqual(['AWSPENDING']);
    expect(seen.read).toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers an unsigned request with an AWS error body', async () => {
    const response = await fetch(sm.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'secretsmanager.DescribeSecret', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"SecretId":"x"}',
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });
});
