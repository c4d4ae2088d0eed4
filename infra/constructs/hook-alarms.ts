import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Okta gives up on a token hook after 3 s and issues the token without it. */
export const OKTA_HOOK_BUDGET = Duration.seconds(3);
/** p99 above half of Okta's budget leaves too little room for the network and a cold start. */
export const DEFAULT_P99_DURATION_THRESHOLD = Duration.millis(OKTA_HOOK_BUDGET.toMilliseconds() / 2);

/** Invalid props. */
export class HookAlarmsPropsError extends Error {
  override readonly name = 'HookAlarmsPropsError';
}

export interface HookAlarmsProps {
  /** The hook function whose metrics are watched (all versions and aliases). */
  readonly function: lambda.IFunction;
  /** Where alarms and their recovery are sent. @default - alarms without actions */
  readonly topic?: sns.ITopic;
  /** p99 duration that raises the duration alarm; must stay below Okta's 3 s. @default 1.5 s */
  readonly p99DurationThreshold?: Duration;
}

/**
 * The alarms that tell an operator tokens are being issued without the hook: errors and throttles
 * (Okta falls back to the unchanged token or no token), and p99 duration near Okta's 3 s budget.
 *
 * @example
 * new HookAlarms(this, 'Alarms', { function: hookFunction, topic: alarmTopic });
 */
export class HookAlarms extends Construct {
  readonly errors: cloudwatch.Alarm;
  readonly throttles: cloudwatch.Alarm;
  readonly p99Duration: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: HookAlarmsProps) {
    const threshold = props.p99DurationThreshold ?? DEFAULT_P99_DURATION_THRESHOLD;
    if (threshold.toMilliseconds() >= OKTA_HOOK_BUDGET.toMilliseconds()) {
      throw new HookAlarmsPropsError(
        `p99DurationThreshold must be below Okta's ${OKTA_HOOK_BUDGET.toMilliseconds()} ms, got ${threshold.toMilliseconds()} ms: by then tokens are already issued without the hook`,
      );
    }
    super(scope, id);
    const fn = props.function;
    const fiveMinutes = Duration.minutes(5);

    this.errors = new cloudwatch.Alarm(this, 'Errors', {
      alarmDescription: 'The token hook failed (crash or timeout): Okta issues tokens without its claims.',
      metric: fn.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.throttles = new cloudwatch.Alarm(this, 'Throttles', {
      alarmDescription: 'Okta calls to the token hook were throttled: raise reserved concurrency.',
      metric: fn.metricThrottles({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.p99Duration = new cloudwatch.Alarm(this, 'P99Duration', {
      alarmDescription: `Token hook p99 duration is above ${threshold.toMilliseconds()} ms; Okta gives up at ${OKTA_HOOK_BUDGET.toMilliseconds()} ms.`,
      metric: fn.metricDuration({ period: Duration.minutes(1), statistic: cloudwatch.Stats.p(99) }),
      threshold: threshold.toMilliseconds(),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    if (props.topic) {
      const action = new SnsAction(props.topic);
      for (const alarm of [this.errors, this.throttles, this.p99Duration]) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
}
