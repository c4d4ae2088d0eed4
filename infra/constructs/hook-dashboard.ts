import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { HOOK_OUTCOMES } from '../../lambda/token-hook/log.js';
import { OKTA_HOOK_BUDGET } from './hook-alarms.js';
import type { HookOutcomeMetrics } from './hook-outcomes.js';

export interface HookDashboardProps {
  /** The dashboard's name: letters, digits, `-` and `_`. */
  readonly dashboardName: string;
  readonly function: lambda.IFunction;
  readonly outcomes: HookOutcomeMetrics;
  /** Drawn on the duration graph. */
  readonly p99DurationThreshold: Duration;
  /** Drawn on the concurrency graph. @default - no line */
  readonly reservedConcurrency?: number;
  /** Shown in an alarm status row. @default - no alarm row */
  readonly alarms?: cloudwatch.IAlarm[];
}

/** A dashboard name from any text: CloudWatch allows letters, digits, `-` and `_`, at most 255. */
export function dashboardNameFor(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
}

/**
 * One CloudWatch dashboard per environment: what the hook answered (every outcome), how long it took
 * against Okta's 3 s, cold starts, and throttles at the concurrency ceiling.
 *
 * @example
 * new HookDashboard(this, 'Dashboard', { dashboardName: 'okta-token-hook-prod', function: fn, outcomes, p99DurationThreshold: Duration.millis(1500) });
 */
export class HookDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: HookDashboardProps) {
    super(scope, id);
    const fn = props.function;
    const { outcomes } = props;
    const minute = Duration.minutes(1);
    const okta = OKTA_HOOK_BUDGET.toMilliseconds();

    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    if (props.alarms?.length) {
      this.dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: props.alarms, width: 24, height: 3 }));
    }
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Outcomes (calls per minute): failed-open and unauthorized are tokens issued without the claims',
        left: HOOK_OUTCOMES.map((outcome) => outcomes.metric(outcome, minute)),
        stacked: true,
        width: 24,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: `Duration (ms) against Okta's ${okta} ms`,
        left: [
          fn.metricDuration({ period: minute, statistic: cloudwatch.Stats.p(50), label: 'p50' }),
          fn.metricDuration({ period: minute, statistic: cloudwatch.Stats.p(99), label: 'p99' }),
        ],
        leftAnnotations: [
          { value: okta, label: 'Okta gives up', color: cloudwatch.Color.RED },
          { value: props.p99DurationThreshold.toMilliseconds(), label: 'p99 alarm', color: cloudwatch.Color.ORANGE },
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Cold starts',
        left: [outcomes.coldStarts(minute)],
        right: [outcomes.initDuration(minute)],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Throttles and concurrency',
        left: [
          fn.metricThrottles({ period: minute, statistic: cloudwatch.Stats.SUM, label: 'throttles' }),
          fn.metric('ConcurrentExecutions', { period: minute, statistic: cloudwatch.Stats.MAXIMUM, label: 'concurrent (max)' }),
        ],
        leftAnnotations:
          props.reservedConcurrency === undefined
            ? []
            : [{ value: props.reservedConcurrency, label: 'reserved concurrency (ceiling)', color: cloudwatch.Color.RED }],
        width: 8,
      }),
    );
  }
}
