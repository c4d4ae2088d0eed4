import { Duration, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROTATION_ENV } from '../../lambda/shared/contract.js';
import { functionAssetDir } from './package-assets.js';
import { ProjectFunction } from './project-function.js';

export const DEFAULT_ROTATION_SCHEDULE = Duration.days(30);
/** setSecret waits ~6 s, testSecret may try `/execute` for 30 s; Okta calls stop 5 s before this. */
export const DEFAULT_ROTATION_TIMEOUT = Duration.minutes(2);
export const DEFAULT_ROTATION_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** What the rotation constructs share: the hook, Okta's credentials and how the function runs. */
export interface RotationFunctionProps {
  readonly credentialsSecret: secretsmanager.ISecret;
  readonly hookName: string;
  readonly timeout?: Duration;
  readonly logRetention?: logs.RetentionDays;
}

/** The rotation function (one asset for every method); `authMethod` unset means the API key. Its grants are the caller's. */
export function createRotationFunction(
  scope: Construct,
  props: RotationFunctionProps,
  what: string,
  authMethod?: 'client_secret_post' | 'private_key_jwt',
): ProjectFunction {
  return new ProjectFunction(scope, 'Function', {
    code: lambda.Code.fromAsset(functionAssetDir('rotation')),
    handler: 'handler',
    description: `Rotates the ${what} of the Okta token hook ${props.hookName}`,
    timeout: props.timeout ?? DEFAULT_ROTATION_TIMEOUT,
    logRetention: props.logRetention ?? DEFAULT_ROTATION_LOG_RETENTION,
    environment: {
      [ROTATION_ENV.credentialsSecretArn]: props.credentialsSecret.secretArn,
      [ROTATION_ENV.hookName]: props.hookName,
      ...(authMethod ? { [ROTATION_ENV.authMethod]: authMethod } : {}),
    },
  });
}

/** What is wrong with a rotation's hook name and schedule, each naming the fix. */
export function rotationPropsProblems(hookName: string, schedule: Duration): string[] {
  const problems: string[] = [];
  if (!Token.isUnresolved(schedule.toMinutes())) {
    const minutes = schedule.toMinutes();
    if (minutes % (24 * 60) !== 0 || minutes < 24 * 60 || minutes > 1000 * 24 * 60) {
      problems.push(`schedule must be whole days from 1 to 1000, got ${schedule.toHumanString()}: use Duration.days(30)`);
    }
  }
  if (hookName.length < 1 || hookName.length > 255) {
    problems.push(`hookName must be 1 to 255 characters, got ${hookName.length}`);
  }
  return problems;
}
