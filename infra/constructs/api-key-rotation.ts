import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { ProjectFunction } from './project-function.js';
import { createRotationFunction, DEFAULT_ROTATION_SCHEDULE, rotationPropsProblems } from './rotation-function.js';
import { grantGetSecretValue } from './secret-access.js';

const SECRETS_MANAGER = 'secretsmanager.amazonaws.com';

export interface ApiKeyRotationProps {
  /** The secret holding the key Okta sends to the hook (or, with `authMethod` client_secret_post, Okta's client secret). */
  readonly apiKeySecret: secretsmanager.ISecret;
  /**
   * What the secret holds: the hook's API key, or the client secret Okta gets the hook's OAuth 2.0
   * token with (a second secret on the OAuth client, the channel PUT, `/execute`, the old one retired).
   * @default 'apiKey'
   */
  readonly authMethod?: 'apiKey' | 'client_secret_post';
  /** The Okta management credentials (read only). */
  readonly credentialsSecret: secretsmanager.ISecret;
  /** The inline hook's name in Okta, whose key the rotation replaces. */
  readonly hookName: string;
  /** Days between rotations, 1 to 1000. @default Duration.days(30) */
  readonly schedule?: Duration;
  /** @default Duration.minutes(2) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Invalid props; the message lists every problem. */
export class ApiKeyRotationPropsError extends Error {
  override readonly name = 'ApiKeyRotationPropsError';
}

/**
 * Rotates the hook's API key on a schedule without a rejected request: a rotation function (new key
 * under AWSPENDING, PUT to Okta, `/execute`, promote) and the secret's rotation schedule. Permissions
 * are written out rather than left to `addRotationSchedule`, which would also grant
 * `secretsmanager:GetRandomPassword` on `*` (keys come from `node:crypto` here) and let any secret's
 * rotation in any account invoke the function.
 *
 * @example
 * new ApiKeyRotation(this, 'Rotation', {
 *   apiKeySecret: hook.apiKeySecret,
 *   credentialsSecret: hook.credentialsSecret,
 *   hookName: 'okta-token-hook-prod',
 *   schedule: Duration.days(30),
 * });
 */
export class ApiKeyRotation extends Construct {
  readonly rotationFunction: ProjectFunction;
  readonly schedule: secretsmanager.RotationSchedule;

  constructor(scope: Construct, id: string, props: ApiKeyRotationProps) {
    super(scope, id);
    const schedule = props.schedule ?? DEFAULT_ROTATION_SCHEDULE;
    validate(props, schedule);

    const clientSecret = props.authMethod === 'client_secret_post';
    this.rotationFunction = createRotationFunction(this, props, clientSecret ? 'OAuth client secret' : 'API key', clientSecret ? 'client_secret_post' : undefined);
    const fn = this.rotationFunction.function;

    // The four calls a rotation makes on its own secret, and nothing on any other.
    this.rotationFunction.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
          'secretsmanager:PutSecretValue',
          'secretsmanager:UpdateSecretVersionStage',
        ],
        resources: [props.apiKeySecret.secretFullArn ?? `${props.apiKeySecret.secretArn}-??????`],
      }),
    );
    grantGetSecretValue(this.rotationFunction.role, props.credentialsSecret);
    // A customer-managed key must let the function use it through Secrets Manager only.
    props.apiKeySecret.encryptionKey?.grantEncryptDecrypt(
      new iam.PrincipalWithConditions(this.rotationFunction.role, {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` },
      }),
    );

    // Only this secret's rotation, in this account, may invoke the function.
    const invoke = new lambda.CfnPermission(this, 'SecretsManagerInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: fn.functionArn,
      principal: SECRETS_MANAGER,
      sourceAccount: Stack.of(this).account,
      sourceArn: props.apiKeySecret.secretArn,
    });

    // Handed over as a reference: for a function it did not create, addRotationSchedule adds no grants
    // of its own (its grants are the broad ones above).
    const rotationLambda = lambda.Function.fromFunctionAttributes(this, 'Target', {
      functionArn: fn.functionArn,
      sameEnvironment: true,
    });
    this.schedule = props.apiKeySecret.addRotationSchedule('Rotation', {
      rotationLambda,
      automaticallyAfter: schedule,
      // The first rotation waits for its schedule: at deploy time the hook may not be registered yet.
      rotateImmediatelyOnUpdate: false,
    });
    this.schedule.node.addDependency(invoke, fn);
  }
}

function validate(props: ApiKeyRotationProps, schedule: Duration): void {
  const problems = rotationPropsProblems(props.hookName, schedule);
  if (problems.length) throw new ApiKeyRotationPropsError(`invalid ApiKeyRotation props:\n  - ${problems.join('\n  - ')}`);
}
