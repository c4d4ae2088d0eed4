import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';

export type SecretStage = 'AWSCURRENT' | 'AWSPENDING' | 'AWSPREVIOUS';

export interface SecretVersion {
  readonly value: string;
  readonly versionId: string;
  readonly stages: readonly string[];
}

/** Which version to read: a staging label (default AWSCURRENT) or a version id. */
export type SecretVersionRef = { readonly stage: SecretStage } | { readonly versionId: string };

/**
 * The port to Secrets Manager, named for what the project does with secrets. Values never leave
 * through logs or errors: messages name the secret, not its content.
 */
export interface SecretStore {
  /** The version asked for, or undefined when the secret has no such stage or version. */
  getSecret(secretId: string, ref?: SecretVersionRef): Promise<SecretVersion | undefined>;
  /** Stores `value` as the new current version (AWSCURRENT; the one before becomes AWSPREVIOUS). */
  putCurrentSecret(secretId: string, value: string): Promise<void>;
  /** Stores `value` as version `versionId` labelled AWSPENDING (idempotent for the same id and value). */
  putPendingSecret(secretId: string, versionId: string, value: string): Promise<void>;
  /** Version ids and their staging labels. */
  describeVersions(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, string[]> }>;
  /** Moves AWSCURRENT to `versionId` from `fromVersionId` (which becomes AWSPREVIOUS). */
  promoteVersion(secretId: string, versionId: string, fromVersionId: string): Promise<void>;
}

/** What the hook needs of the store: reading a version. */
export type SecretReader = Pick<SecretStore, 'getSecret'>;

/** SecretStore over the AWS SDK; the endpoint comes from the environment (`AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
export class SecretsManagerStore implements SecretStore {
  constructor(private readonly client: SecretsManagerClient = new SecretsManagerClient({})) {}

  async getSecret(secretId: string, ref: SecretVersionRef = { stage: 'AWSCURRENT' }): Promise<SecretVersion | undefined> {
    try {
      const answer = await this.client.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          ...('stage' in ref ? { VersionStage: ref.stage } : { VersionId: ref.versionId }),
        }),
      );
      if (answer.SecretString === undefined || answer.VersionId === undefined) {
        throw new Error(`secret ${secretId} has no string value: store the value as a string (SecretString)`);
      }
      return { value: answer.SecretString, versionId: answer.VersionId, stages: answer.VersionStages ?? [] };
    } catch (error) {
      // Only AWSCURRENT always exists; a missing AWSPENDING (no rotation running) is an answer, not a failure.
      const current = 'stage' in ref && ref.stage === 'AWSCURRENT';
      if (error instanceof ResourceNotFoundException && !current) return undefined;
      throw error;
    }
  }

  async putCurrentSecret(secretId: string, value: string): Promise<void> {
    await this.client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
  }

  async putPendingSecret(secretId: string, versionId: string, value: string): Promise<void> {
    await this.client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        ClientRequestToken: versionId,
        SecretString: value,
        VersionStages: ['AWSPENDING'],
      }),
    );
  }

  async describeVersions(secretId: string): Promise<{ rotationEnabled: boolean; versions: Record<string, string[]> }> {
    const answer = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }));
    return { rotationEnabled: answer.RotationEnabled ?? false, versions: answer.VersionIdsToStages ?? {} };
  }

  async promoteVersion(secretId: string, versionId: string, fromVersionId: string): Promise<void> {
    await this.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: versionId,
        RemoveFromVersionId: fromVersionId,
      }),
    );
  }
}
