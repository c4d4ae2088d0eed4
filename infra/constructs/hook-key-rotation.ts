import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { HOOK_KEY_ROTATION_EVENT } from '../../lambda/shared/contract.js';
import type { ProjectFunction } from './project-function.js';
import { createRotationFunction, DEFAULT_ROTATION_SCHEDULE, rotationPropsProblems } from './rotation-function.js';
import { grantGetSecretValue } from './secret-access.js';

export interface HookKeyRotationProps {
  /** The Okta management credentials (read only). */
  readonly credentialsSecret: secretsmanager.ISecret;
  /** The inline hook's name in Okta, whose Hook Key the rotation replaces. */
  readonly hookName: string;
  /** Days between rotations, 1 to 1000. @default Duration.days(30) */
  readonly schedule?: Duration;
  /** @default Duration.minutes(2) */
  readonly timeout?: Duration;
  /** @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
}

/** Invalid props; the message lists every problem. */
export class HookKeyRotationPropsError extends Error {
  override readonly name = 'HookKeyRotationPropsError';
}

/**
 * Rotates the Hook Key Okta signs with when the hook's channel is OAuth 2.0 with private_key_jwt. There
 * is no secret to hang a Secrets Manager rotation on (Okta keeps the private key; the OAuth client
 * knows the public one), so a schedule invokes the rotation function, the same code as the API key's,
 * with `HOOK_KEY_ROTATION_EVENT`: a new key, its public half on the client, the hook PUT, `/execute`,
 * then the old key removed from the client and deleted. A run that fails leaves a working pair, and
 * the schedule's next run (or an invocation with the same event) completes it.
 *
 * @example
 * new HookKeyRotation(this, 'Rotation', {
 *   credentialsSecret: hook.credentialsSecret,
 *   hookName: 'okta-token-hook-prod',
 *   schedule: Duration.days(30),
 * });
 */
export class HookKeyRotation extends Construct {
  readonly rotationFunction: ProjectFunction;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: HookKeyRotationProps) {
    super(scope, id);
    const schedule = props.schedule ?? DEFAULT_ROTATION_SCHEDULE;
    validate(props, schedule);

    this.rotationFunction = createRotationFunction(this, props, 'Hook Key', 'private_key_jwt');
    grantGetSecretValue(this.rotationFunction.role, props.credentialsSecret);

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Rotates the Hook Key of the Okta token hook ${props.hookName}`,
      schedule: events.Schedule.rate(schedule),
    });
    // Every step looks at Okta first, so a retried delivery does no harm.
    this.rule.addTarget(
      new targets.LambdaFunction(this.rotationFunction.function, {
        event: events.RuleTargetInput.fromObject(HOOK_KEY_ROTATION_EVENT),
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    );
  }
}

function validate(props: HookKeyRotationProps, schedule: Duration): void {
  const problems = rotationPropsProblems(props.hookName, schedule);
  if (problems.length) throw new HookKeyRotationPropsError(`invalid HookKeyRotation props:\n  - ${problems.join('\n  - ')}`);
}
