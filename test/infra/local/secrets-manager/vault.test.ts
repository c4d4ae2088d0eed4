import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretsManagerServiceError } from '../../../../infra/local/secrets-manager/errors.js';
import { randomPassword } from '../../../../infra/local/secrets-manager/random-password.js';
import { SecretVault } from '../../../../infra/local/secrets-manager/vault.js';

function stages(vault: SecretVault, id: string): Record<string, string[]> {
  return vault.describeSecret(id).VersionIdsToStages as Record<string, string[]>;
}

function typeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretsManagerServiceError) return error.type;
    throw error;
  }
  return undefined;
}

describe('SecretVault', () => {
  it('rolls back by moving AWSCURRENT to the previous version, which swaps the labels', () => {
    const vault = new SecretVault();
    const first = vault.createSecret({ name: 's', value: { secretString: 'v1' } }).VersionId!;
    const second = vault.putSecretValue({ secretId: 's', clientRequestToken: randomUUID(), value: { secretString: 'v2' } }).VersionId;

    vault.updateSecretVersionStage({ secretId: 's', versionStage: 'AWSCURRENT', moveToVersionId: first, removeFromVersionId: second });

    expect(stages(vault, 's')).toEqual({ [first]: ['AWSCURRENT'], [second]: ['AWSPREVIOUS'] });
  });

  it('keeps a version whose labels are all gone, readable by id but no longer listed', () => {
    const vault = new SecretVault();
    vault.createSecret({ name: 's', value: { secretString: 'v1' } });
    const versions = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of versions.entries()) vault.putSecretValue({ secretId: 's', clientRequestToken: id, value: { secretString: `v${i + 2}` } });

    const listed = Object.keys(stages(vault, 's'));

    expect(listed).toEqual([versions[1], versions[2]]);
    expect(vault.getSecretValue({ secretId: 's', versionId: versions[0] })).toMatchObject({ SecretString: 'v2', VersionStages: [] });
  });

  it('makes the first version of an empty secret AWSCURRENT whatever labels were asked for', () => {
    const vault = new SecretVault();
    vault.createSecret({ name: 's' });
    const token = randomUUID();

    vault.putSecretValue({ secretId: 's', clientRequestToken: token, value: { secretString: 'v1' }, versionStages: ['AWSPENDING'] });

    expect(stages(vault, 's')[token]?.sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
  });

  it('refuses what AWS refuses, with the exception AWS names', () => {
    const vault = new SecretVault();
    vault.createSecret({ name: 's', value: { secretString: 'v1' } });
    const current = vault.getSecretValue({ secretId: 's' }).VersionId as string;

    expect(typeOf(() => vault.createSecret({ name: 'bad name!' }))).toBe('InvalidParameterException');
    expect(typeOf(() => vault.putSecretValue({ secretId: 's', clientRequestToken: 'short', value: { secretString: 'x' } }))).toBe('InvalidParameterException');
    expect(typeOf(() => vault.putSecretValue({ secretId: 's', clientRequestToken: randomUUID(), value: {} }))).toBe('InvalidParameterException');
    expect(typeOf(() => vault.updateSecretVersionStage({ secretId: 's', versionStage: 'AWSCURRENT', removeFromVersionId: current }))).toBe(
      'InvalidParameterException',
    );
    expect(typeOf(() => vault.updateSecretVersionStage({ secretId: 's', versionStage: 'AWSCURRENT', moveToVersionId: randomUUID(), removeFromVersionId: current }))).toBe(
      'ResourceNotFoundException',
    );
    expect(typeOf(() => vault.describeSecret('missing'))).toBe('ResourceNotFoundException');
  });
});

describe('randomPassword', () => {
  it('includes every character class by default', () => {
    const password = randomPassword({ length: 8 });

    expect(password).toHaveLength(8);
    for (const pattern of [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(password).toMatch(pattern);
  });

  it('leaves out excluded characters and refuses options nothing satisfies', () => {
    const password = randomPassword({ length: 200, excludeCharacters: 'abcABC012', excludePunctuation: true });

    expect(password).toMatch(/^[^abcABC012\W_]{200}$/);
    expect(() => randomPassword({ excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true })).toThrow(
      SecretsManagerServiceError,
    );
  });
});
