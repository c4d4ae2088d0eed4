import { randomBytes, randomUUID } from 'node:crypto';
import { SecretsManagerServiceError } from './errors.js';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

export interface SecretValue {
  readonly secretString?: string;
  /** Base64, as the JSON protocol carries blobs. */
  readonly secretBinary?: string;
}

interface StoredVersion {
  readonly versionId: string;
  readonly createdDate: Date;
  readonly stages: Set<string>;
  /** Absent while RotateSecret's new version waits for createSecret to put its value. */
  value?: SecretValue;
}

export interface RotationSettings {
  readonly lambdaArn?: string;
  readonly rules?: Record<string, unknown>;
}

interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly description?: string;
  readonly createdDate: Date;
  lastChangedDate: Date;
  lastRotatedDate?: Date;
  rotationEnabled: boolean;
  rotation: RotationSettings;
  readonly versions: Map<string, StoredVersion>;
}

export interface VaultOptions {
  readonly region?: string;
  readonly account?: string;
  readonly now?: () => Date;
}

const NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Epoch seconds with milliseconds: the JSON protocol's timestamp format. */
const epoch = (date: Date): number => date.getTime() / 1000;

/**
 * Secrets, versions and staging labels as Secrets Manager keeps them: a label sits on at most one
 * version, moving AWSCURRENT leaves AWSPREVIOUS on the version it left, versions without labels are
 * deprecated (kept, but not listed). Synchronous and in memory; the HTTP layer only adapts.
 */
export class SecretVault {
  private readonly secrets = new Map<string, StoredSecret>();
  private readonly region: string;
  private readonly account: string;
  private readonly now: () => Date;

  constructor(options: VaultOptions = {}) {
    this.region = options.region ?? 'us-east-1';
    this.account = options.account ?? '123456789012';
    this.now = options.now ?? (() => new Date());
  }

  createSecret(input: {
    name: string;
    value?: SecretValue;
    clientRequestToken?: string;
    description?: string;
  }): { ARN: string; Name: string; VersionId?: string } {
    if (!NAME.test(input.name)) {
      throw new SecretsManagerServiceError(
        'InvalidParameterException',
        `invalid name ${JSON.stringify(input.name)}: use 1-512 letters, digits and /_+=.@-`,
      );
    }
    const hasValue = input.value !== undefined && hasContent(input.value);
    const versionId = hasValue ? checkToken(input.clientRequestToken ?? randomUUID()) : undefined;
    const existing = this.secrets.get(input.name);
    if (existing) {
      // CreateSecret is idempotent on ClientRequestToken: the same call again returns the same secret.
      const same = versionId !== undefined ? existing.versions.get(versionId) : undefined;
      if (same?.value && sameValue(same.value, input.value ?? {})) {
        return { ARN: existing.arn, Name: existing.name, VersionId: versionId };
      }
      throw new SecretsManagerServiceError(
        'ResourceExistsException',
        `the operation failed because the secret ${input.name} already exists`,
      );
    }
    const now = this.now();
    const secret: StoredSecret = {
      arn: `arn:aws:secretsmanager:${this.region}:${this.account}:secret:${input.name}-${suffix()}`,
      name: input.name,
      ...(input.description === undefined ? {} : { description: input.description }),
      createdDate: now,
      lastChangedDate: now,
      rotationEnabled: false,
      rotation: {},
      versions: new Map(),
    };
    this.secrets.set(input.name, secret);
    if (versionId !== undefined && input.value) {
      secret.versions.set(versionId, { value: input.value, versionId, createdDate: now, stages: new Set([AWSCURRENT]) });
    }
    return { ARN: secret.arn, Name: secret.name, ...(versionId === undefined ? {} : { VersionId: versionId }) };
  }

  getSecretValue(input: { secretId: string; versionId?: string; versionStage?: string }): Record<string, unknown> {
    const secret = this.find(input.secretId);
    const version = this.findVersion(secret, input.versionId, input.versionStage);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...(version.value?.secretString === undefined ? {} : { SecretString: version.value.secretString }),
      ...(version.value?.secretBinary === undefined ? {} : { SecretBinary: version.value.secretBinary }),
      VersionStages: [...version.stages],
      CreatedDate: epoch(version.createdDate),
    };
  }

  putSecretValue(input: {
    secretId: string;
    clientRequestToken: string;
    value: SecretValue;
    versionStages?: readonly string[];
  }): { ARN: string; Name: string; VersionId: string; VersionStages: string[] } {
    const secret = this.find(input.secretId);
    if (!hasContent(input.value)) {
      throw new SecretsManagerServiceError(
        'InvalidParameterException',
        'you must provide either SecretString or SecretBinary',
      );
    }
    const versionId = checkToken(input.clientRequestToken);
    const existing = secret.versions.get(versionId);
    if (existing && !existing.value) {
      // RotateSecret's version: createSecret fills it in.
      existing.value = input.value;
      for (const stage of input.versionStages ?? []) this.attach(secret, stage, existing);
      secret.lastChangedDate = this.now();
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...existing.stages] };
    }
    if (existing) {
      // Idempotent on the token: a retry with the same value is ignored, a different value refused.
      if (!sameValue(existing.value ?? {}, input.value)) {
        throw new SecretsManagerServiceError(
          'ResourceExistsException',
          `version ${versionId} already exists with a different value: versions cannot change, put a new version with a new ClientRequestToken`,
        );
      }
      return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...existing.stages] };
    }
    const stages = input.versionStages ?? [AWSCURRENT];
    const now = this.now();
    const version: StoredVersion = { value: input.value, versionId, createdDate: now, stages: new Set() };
    const first = secret.versions.size === 0;
    secret.versions.set(versionId, version);
    for (const stage of first ? new Set([AWSCURRENT, ...stages]) : stages) this.attach(secret, stage, version);
    secret.lastChangedDate = now;
    return { ARN: secret.arn, Name: secret.name, VersionId: versionId, VersionStages: [...version.stages] };
  }

  describeSecret(secretId: string): Record<string, unknown> {
    const secret = this.find(secretId);
    const versionIdsToStages: Record<string, string[]> = {};
    for (const version of secret.versions.values()) {
      if (version.stages.size > 0) versionIdsToStages[version.versionId] = [...version.stages];
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description === undefined ? {} : { Description: secret.description }),
      RotationEnabled: secret.rotationEnabled,
      ...(secret.rotation.lambdaArn === undefined ? {} : { RotationLambdaARN: secret.rotation.lambdaArn }),
      ...(secret.rotation.rules === undefined ? {} : { RotationRules: secret.rotation.rules }),
      ...(secret.lastRotatedDate === undefined ? {} : { LastRotatedDate: epoch(secret.lastRotatedDate) }),
      LastChangedDate: epoch(secret.lastChangedDate),
      CreatedDate: epoch(secret.createdDate),
      VersionIdsToStages: versionIdsToStages,
    };
  }

  updateSecretVersionStage(input: {
    secretId: string;
    versionStage: string;
    moveToVersionId?: string;
    removeFromVersionId?: string;
  }): { ARN: string; Name: string } {
    const secret = this.find(input.secretId);
    const { versionStage: stage, moveToVersionId: moveTo, removeFromVersionId: removeFrom } = input;
    const holder = this.holderOf(secret, stage);
    if (removeFrom !== undefined && holder?.versionId !== removeFrom) {
      throw new SecretsManagerServiceError(
        'InvalidParameterException',
        `the staging label ${stage} is not attached to version ${removeFrom}: pass the version that holds it as RemoveFromVersionId`,
      );
    }
    if (moveTo === undefined) {
      if (removeFrom === undefined || !holder) {
        throw new SecretsManagerServiceError(
          'InvalidParameterException',
          'pass MoveToVersionId, RemoveFromVersionId, or both',
        );
      }
      if (stage === AWSCURRENT) {
        throw new SecretsManagerServiceError(
          'InvalidParameterException',
          'AWSCURRENT cannot be removed, only moved: pass MoveToVersionId',
        );
      }
      holder.stages.delete(stage);
    } else {
      const target = secret.versions.get(moveTo);
      if (!target) {
        throw new SecretsManagerServiceError('ResourceNotFoundException', `secrets manager can't find version ${moveTo}`);
      }
      if (holder && holder !== target && removeFrom === undefined) {
        throw new SecretsManagerServiceError(
          'InvalidParameterException',
          `the staging label ${stage} is currently attached to version ${holder.versionId}: pass it as RemoveFromVersionId to move the label`,
        );
      }
      this.attach(secret, stage, target);
    }
    secret.lastChangedDate = this.now();
    return { ARN: secret.arn, Name: secret.name };
  }

  /** Records what RotateSecret configures; the rotation itself is driven by the HTTP layer. */
  enableRotation(secretId: string, settings: RotationSettings): void {
    const secret = this.find(secretId);
    secret.rotationEnabled = true;
    secret.rotation = {
      lambdaArn: settings.lambdaArn ?? secret.rotation.lambdaArn,
      rules: settings.rules ?? secret.rotation.rules,
    };
  }

  /**
   * What RotateSecret does before calling createSecret: a version `token` without a value, labelled
   * AWSPENDING. An unfinished rotation (AWSPENDING on a version that is not AWSCURRENT) is reattempted
   * with its own version instead; returns the version the rotation runs for.
   */
  startRotation(secretId: string, token: string): string {
    const secret = this.find(secretId);
    const pending = this.holderOf(secret, AWSPENDING);
    if (pending && !pending.stages.has(AWSCURRENT)) return pending.versionId;
    const existing = secret.versions.get(checkToken(token));
    if (existing) {
      throw new SecretsManagerServiceError('InvalidRequestException', `version ${token} already exists: use a new ClientRequestToken`);
    }
    const version: StoredVersion = { versionId: token, createdDate: this.now(), stages: new Set() };
    secret.versions.set(token, version);
    this.attach(secret, AWSPENDING, version);
    return token;
  }

  /** What Secrets Manager does after a successful finishSecret: AWSPENDING goes, the date is kept. */
  completeRotation(secretId: string, versionId: string): void {
    const secret = this.find(secretId);
    secret.versions.get(versionId)?.stages.delete(AWSPENDING);
    secret.lastRotatedDate = this.now();
  }

  /** Resolves a name, a full ARN, or a partial ARN (without the random suffix). */
  find(secretId: string): StoredSecret {
    const byName = this.secrets.get(secretId);
    if (byName) return byName;
    for (const secret of this.secrets.values()) {
      if (secret.arn === secretId || secret.arn.slice(0, -7) === secretId) return secret;
    }
    throw new SecretsManagerServiceError('ResourceNotFoundException', "secrets manager can't find the specified secret");
  }

  private findVersion(secret: StoredSecret, versionId?: string, versionStage?: string): StoredVersion {
    const stage = versionId === undefined ? (versionStage ?? AWSCURRENT) : versionStage;
    const version = versionId === undefined ? this.holderOf(secret, stage ?? AWSCURRENT) : secret.versions.get(versionId);
    if (!version?.value || (stage !== undefined && !version.stages.has(stage))) {
      const what = [versionId === undefined ? '' : `VersionId: ${versionId}`, stage === undefined ? '' : `staging label: ${stage}`]
        .filter(Boolean)
        .join(', ');
      throw new SecretsManagerServiceError(
        'ResourceNotFoundException',
        `secrets manager can't find the specified secret value for ${what}`,
      );
    }
    return version;
  }

  private holderOf(secret: StoredSecret, stage: string): StoredVersion | undefined {
    for (const version of secret.versions.values()) if (version.stages.has(stage)) return version;
    return undefined;
  }

  /** Puts `stage` on `target` alone; moving AWSCURRENT leaves AWSPREVIOUS where it was. */
  private attach(secret: StoredSecret, stage: string, target: StoredVersion): void {
    const holder = this.holderOf(secret, stage);
    if (holder === target) return;
    holder?.stages.delete(stage);
    target.stages.add(stage);
    if (stage === AWSCURRENT && holder) {
      this.holderOf(secret, AWSPREVIOUS)?.stages.delete(AWSPREVIOUS);
      holder.stages.add(AWSPREVIOUS);
    }
  }
}

function hasContent(value: SecretValue): boolean {
  return value.secretString !== undefined || value.secretBinary !== undefined;
}

function sameValue(a: SecretValue, b: SecretValue): boolean {
  return a.secretString === b.secretString && a.secretBinary === b.secretBinary;
}

function checkToken(token: string): string {
  if (token.length < 32 || token.length > 64) {
    throw new SecretsManagerServiceError(
      'InvalidParameterException',
      'ClientRequestToken must be 32 to 64 characters long (a UUID works)',
    );
  }
  return token;
}

function suffix(): string {
  return [...randomBytes(6)].map((byte) => SUFFIX_CHARS[byte % SUFFIX_CHARS.length]).join('');
}
