import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { SecretsManagerServiceError } from './errors.js';
import { randomPassword } from './random-password.js';
import { AWSCURRENT, type SecretValue, type SecretVault } from './vault.js';

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** The event Secrets Manager sends a rotation Lambda. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: RotationStep;
}

/** Stands in for the rotation Lambda: called once per step, in order; throwing fails the rotation. */
export type RotationFunction = (event: RotationEvent) => Promise<void>;

export const ROTATION_STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

const SecretId = z.string().min(1);
const Value = {
  SecretString: z.string().optional(),
  SecretBinary: z.string().optional(),
};

const schemas = {
  CreateSecret: z.looseObject({
    Name: z.string(),
    ClientRequestToken: z.string().optional(),
    Description: z.string().optional(),
    ...Value,
  }),
  GetSecretValue: z.looseObject({ SecretId, VersionId: z.string().optional(), VersionStage: z.string().optional() }),
  PutSecretValue: z.looseObject({
    SecretId,
    ClientRequestToken: z.string().optional(),
    VersionStages: z.array(z.string().min(1)).min(1).optional(),
    ...Value,
  }),
  DescribeSecret: z.looseObject({ SecretId }),
  UpdateSecretVersionStage: z.looseObject({
    SecretId,
    VersionStage: z.string().min(1),
    MoveToVersionId: z.string().optional(),
    RemoveFromVersionId: z.string().optional(),
  }),
  GetRandomPassword: z.looseObject({
    PasswordLength: z.number().optional(),
    ExcludeCharacters: z.string().optional(),
    ExcludeNumbers: z.boolean().optional(),
    ExcludePunctuation: z.boolean().optional(),
    ExcludeUppercase: z.boolean().optional(),
    ExcludeLowercase: z.boolean().optional(),
    IncludeSpace: z.boolean().optional(),
    RequireEachIncludedType: z.boolean().optional(),
  }),
  RotateSecret: z.looseObject({
    SecretId,
    ClientRequestToken: z.string().optional(),
    RotationLambdaARN: z.string().optional(),
    RotationRules: z.record(z.string(), z.unknown()).optional(),
    RotateImmediately: z.boolean().optional(),
  }),
} as const;

export type OperationName = keyof typeof schemas;

export const OPERATIONS = Object.keys(schemas) as OperationName[];

export function isOperation(name: string): name is OperationName {
  return Object.hasOwn(schemas, name);
}

export interface OperationContext {
  readonly vault: SecretVault;
  readonly rotation: RotationFunction | undefined;
}

/** Runs one operation on the vault; input is the parsed JSON body, output the JSON answer. */
export async function runOperation(operation: OperationName, body: unknown, context: OperationContext): Promise<unknown> {
  const { vault } = context;
  switch (operation) {
    case 'CreateSecret': {
      const input = parse(operation, body);
      return vault.createSecret({
        name: input.Name,
        value: valueOf(input),
        ...(input.ClientRequestToken === undefined ? {} : { clientRequestToken: input.ClientRequestToken }),
        ...(input.Description === undefined ? {} : { description: input.Description }),
      });
    }
    case 'GetSecretValue': {
      const input = parse(operation, body);
      return vault.getSecretValue({
        secretId: input.SecretId,
        ...(input.VersionId === undefined ? {} : { versionId: input.VersionId }),
        ...(input.VersionStage === undefined ? {} : { versionStage: input.VersionStage }),
      });
    }
    case 'PutSecretValue': {
      const input = parse(operation, body);
      return vault.putSecretValue({
        secretId: input.SecretId,
        // The SDK always fills the token in; a raw caller without one gets a fresh version, as on AWS.
        clientRequestToken: input.ClientRequestToken ?? randomUUID(),
        value: valueOf(input),
        ...(input.VersionStages === undefined ? {} : { versionStages: input.VersionStages }),
      });
    }
    case 'DescribeSecret':
      return vault.describeSecret(parse(operation, body).SecretId);
    case 'UpdateSecretVersionStage': {
      const input = parse(operation, body);
      return vault.updateSecretVersionStage({
        secretId: input.SecretId,
        versionStage: input.VersionStage,
        ...(input.MoveToVersionId === undefined ? {} : { moveToVersionId: input.MoveToVersionId }),
        ...(input.RemoveFromVersionId === undefined ? {} : { removeFromVersionId: input.RemoveFromVersionId }),
      });
    }
    case 'GetRandomPassword': {
      const input = parse(operation, body);
      return {
        RandomPassword: randomPassword({
          length: input.PasswordLength,
          excludeCharacters: input.ExcludeCharacters,
          excludeNumbers: input.ExcludeNumbers,
          excludePunctuation: input.ExcludePunctuation,
          excludeUppercase: input.ExcludeUppercase,
          excludeLowercase: input.ExcludeLowercase,
          includeSpace: input.IncludeSpace,
          requireEachIncludedType: input.RequireEachIncludedType,
        }),
      };
    }
    case 'RotateSecret':
      return rotate(parse(operation, body), context);
  }
}

/**
 * RotateSecret runs the four steps before answering (AWS runs them in the background), so a caller
 * knows the outcome when the call returns. As on AWS, an unfinished rotation is reattempted with
 * its own token instead of starting a new one.
 */
async function rotate(input: z.infer<(typeof schemas)['RotateSecret']>, context: OperationContext): Promise<unknown> {
  const { vault, rotation } = context;
  const secret = vault.find(input.SecretId);
  vault.enableRotation(secret.arn, { lambdaArn: input.RotationLambdaARN, rules: input.RotationRules });
  if (input.RotateImmediately === false) return { ARN: secret.arn, Name: secret.name };
  if (!rotation) {
    throw new SecretsManagerServiceError(
      'InvalidRequestException',
      'no rotation function is configured: call setRotationFunction on the local endpoint first',
    );
  }
  const token = vault.startRotation(secret.arn, input.ClientRequestToken ?? randomUUID());
  for (const step of ROTATION_STEPS) {
    try {
      await rotation({ SecretId: secret.arn, ClientRequestToken: token, Step: step });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SecretsManagerServiceError('InvalidRequestException', `rotation failed at ${step}: ${reason}`);
    }
  }
  const versions = vault.describeSecret(secret.arn).VersionIdsToStages as Record<string, string[]>;
  if (!versions[token]?.includes(AWSCURRENT)) {
    throw new SecretsManagerServiceError(
      'InvalidRequestException',
      `rotation failed: finishSecret did not make version ${token} AWSCURRENT`,
    );
  }
  vault.completeRotation(secret.arn, token);
  return { ARN: secret.arn, Name: secret.name, VersionId: token };
}

function parse<Name extends OperationName>(operation: Name, body: unknown): z.infer<(typeof schemas)[Name]> {
  const result = schemas[operation].safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new SecretsManagerServiceError(
      'InvalidParameterException',
      `invalid ${operation} request: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data as z.infer<(typeof schemas)[Name]>;
}

function valueOf(input: { SecretString?: string | undefined; SecretBinary?: string | undefined }): SecretValue {
  return {
    ...(input.SecretString === undefined ? {} : { secretString: input.SecretString }),
    ...(input.SecretBinary === undefined ? {} : { secretBinary: input.SecretBinary }),
  };
}
