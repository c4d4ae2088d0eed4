import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { HookOutcomeMetrics } from './hook-outcomes.js';

/** Okta gives up on a token hook after 3 s and issues the token without it. */
export const OKTA_HOOK_BUDGET = Duration.seconds(3);
/** p99 above half of Okta's budget leaves too little room for the network and a cold start. */
export const DEFAULT_P99_DURATION_THRESHOLD = Duration.millis(OKTA_HOOK_BUDGET.toMilliseconds() / 2);

/**
 * One refused call can be a stray probe of the public URL; three in five minutes are a pattern: Okta
 * holds a key the hook does not (a broken rotation, a manual edit), and every token request it makes
 * is issued without the claims.
 */
export const DEFAULT_UNAUTHORIZED_THRESHOLD = 3;
/**
 * A cold start or a slow Secrets Manager read can fail a call now and then; one call in twenty failing
 * is a fault in the claim logic (a transform that throws, or passes its deadline, for some users).
 */
export const DEFAULT_FAILURE_RATE_PERCENT = 5;

/** Thresholds of the outcome alarms; each may also be set per environment in cdk.json (`monitoring`). */
export interface HookMonitoringOptions {
  /**
   * `unauthorized` answers in 5 minutes that raise the alarm: Okta and the hook disagree on the key.
   * @default 3 (DEFAULT_UNAUTHORIZED_THRESHOLD: one refusal can be a probe, three are a pattern)
   */
  readonly unauthorizedThreshold?: number;
  /**
   * Share of calls (percent, over 5 minutes) that fail, open or closed as the failure mode says, before
   * the alarm is raised. @default 5 (DEFAULT_FAILURE_RATE_PERCENT: occasional failures are noise, one in
   * twenty is a fault)
   */
  readonly failureRatePercent?: number;
  /**
   * `denied` answers in 5 minutes that raise an alarm. Denials are the claim logic's own decision, so
   * only an environment that expects none asks for this. @default - no alarm on denials
   */
  readonly deniedThreshold?: number;
  /** p99 duration that raises the duration alarm; must stay below Okta's 3 s. @default 1.5 s */
  readonly p99DurationThreshold?: Duration;
}

/** Invalid props. */
export class HookAlarmsPropsError extends Error {
  override readonly name = 'HookAlarmsPropsError';
}

export interface HookAlarmsProps extends HookMonitoringOptions {
  /** The hook function whose metrics are watched (all versions and aliases). */
  readonly function: lambda.IFunction;
  /** Where alarms and their recovery are sent. @default - alarms without actions */
  readonly topic?: sns.ITopic;
  /** The hook's outcome counts, for the outcome alarms. @default - no outcome alarms */
  readonly outcomes?: HookOutcomeMetrics;
  /** Which failure outcome the failure-rate alarm counts. @default 'open' */
  readonly failureMode?: 'open' | 'closed';
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
  /** Any burst of `unauthorized` answers; undefined without `outcomes`. */
  readonly unauthorized: cloudwatch.Alarm | undefined;
  /** The share of failed calls (`failed-open` or `failed-closed`, per the failure mode); undefined without `outcomes`. */
  readonly failureRate: cloudwatch.Alarm | undefined;
  /** `denied` answers; only when `deniedThreshold` is set. */
  readonly denied: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: HookAlarmsProps) {
    const threshold = props.p99DurationThreshold ?? DEFAULT_P99_DURATION_THRESHOLD;
    const problems = monitoringProblems(props);
    if (problems.length) throw new HookAlarmsPropsError(problems.join('; '));
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
      alarmDescription:
        'Calls to the token hook were throttled at its reserved concurrency (the ceiling): a flood of calls to its public URL, or more token traffic than the ceiling was sized for. Okta issues throttled tokens without the claims; raise reservedConcurrency if the traffic is real.',
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

    const outcomes = props.outcomes;
    const countAlarm = (alarmId: string, metric: cloudwatch.IMetric, count: number, description: string) =>
      new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold: count,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    if (outcomes) {
      const unauthorized = props.unauthorizedThreshold ?? DEFAULT_UNAUTHORIZED_THRESHOLD;
      this.unauthorized = countAlarm(
        'Unauthorized',
        outcomes.metric('unauthorized', fiveMinutes),
        unauthorized,
        `The token hook refused ${unauthorized} or more calls in 5 minutes with 401: Okta holds a key the hook does not, and issues tokens without the claims. Run npx okta-token-hook status; re-send the key with a rotation or a deploy with a new apiKeyVersion.`,
      );
      const failure = props.failureMode === 'closed' ? 'failed-closed' : 'failed-open';
      const percent = props.failureRatePercent ?? DEFAULT_FAILURE_RATE_PERCENT;
      this.failureRate = new cloudwatch.Alarm(this, 'FailureRate', {
        alarmDescription:
          `More than ${percent}% of token hook calls in 5 minutes were ${failure}: ` +
          (failure === 'failed-open' ? 'Okta issued those tokens without the claims.' : 'Okta issued no token for them.') +
          " The hook's log lines name the error class; npx okta-token-hook status shows Okta's side.",
        metric: new cloudwatch.MathExpression({
          expression: 'IF(total > 0, 100 * failed / total, 0)',
          usingMetrics: { failed: outcomes.metric(failure, fiveMinutes), total: outcomes.total(fiveMinutes) },
          label: `${failure} %`,
          period: fiveMinutes,
        }),
        threshold: percent,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.denied =
        props.deniedThreshold === undefined
          ? undefined
          : countAlarm(
              'Denied',
              outcomes.metric('denied', fiveMinutes),
              props.deniedThreshold,
              `The token hook denied ${props.deniedThreshold} or more token requests in 5 minutes: its claim logic refused them and Okta issued no token.`,
            );
    } else {
      this.unauthorized = undefined;
      this.failureRate = undefined;
      this.denied = undefined;
    }

    if (props.topic) {
      const action = new SnsAction(props.topic);
      for (const alarm of this.all()) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }

  /** Every alarm built, for an alarm status widget or more actions. */
  all(): cloudwatch.Alarm[] {
    return [this.errors, this.throttles, this.p99Duration, this.unauthorized, this.failureRate, this.denied].filter(
      (alarm): alarm is cloudwatch.Alarm => alarm !== undefined,
    );
  }
}

/** Every problem with the thresholds, each naming the fix. */
export function monitoringProblems(options: HookMonitoringOptions): string[] {
  const problems: string[] = [];
  const threshold = options.p99DurationThreshold ?? DEFAULT_P99_DURATION_THRESHOLD;
  if (threshold.toMilliseconds() >= OKTA_HOOK_BUDGET.toMilliseconds()) {
    problems.push(
      `p99DurationThreshold must be below Okta's ${OKTA_HOOK_BUDGET.toMilliseconds()} ms, got ${threshold.toMilliseconds()} ms: by then tokens are already issued without the hook`,
    );
  }
  for (const key of ['unauthorizedThreshold', 'deniedThreshold'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) problems.push(`${key} must be a whole number of calls, at least 1, got ${value}`);
  }
  const percent = options.failureRatePercent;
  if (percent !== undefined && !(percent > 0 && percent <= 100)) problems.push(`failureRatePercent must be above 0 and at most 100, got ${percent}`);
  return problems;
}
