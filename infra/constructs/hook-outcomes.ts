import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HOOK_LOG_MESSAGE, HOOK_OUTCOMES, type HookOutcome } from '../../lambda/token-hook/log.js';

/**
 * The filter pattern that counts one outcome of the hook's log line. Lambda's JSON log format wraps the
 * line as `{timestamp, level, requestId, message: <line>}`, so the fields sit under `$.message`.
 */
export function outcomeFilterPattern(outcome: HookOutcome): string {
  return `{ ($.message.message = "${HOOK_LOG_MESSAGE}") && ($.message.outcome = "${outcome}") }`;
}

/**
 * The platform's report line of an invocation that started a new execution environment: only those carry
 * `initDurationMs` (provisioned instances initialise ahead of calls and report none).
 */
export const COLD_START_FILTER_PATTERN = '{ ($.type = "platform.report") && ($.record.metrics.initDurationMs > 0) }';

/** A CloudWatch namespace from a hook name: namespaces allow letters, digits and `.-_/#: `. */
export function outcomeNamespace(hookName: string): string {
  return `OktaTokenHook/${hookName.replace(/[^A-Za-z0-9.\-_/#: ]/g, '-')}`.slice(0, 255);
}

export interface HookOutcomeMetricsProps {
  /** The hook function's log group (JSON log format). */
  readonly logGroup: logs.ILogGroup;
  /** Where the counts are published, e.g. `outcomeNamespace(hookName)`. */
  readonly namespace: string;
}

/**
 * Counts every outcome of the hook from its log line, at no cost to the hook: one metric filter per
 * outcome, plus cold starts from the platform's report line. The hook's `failed-open` and
 * `unauthorized` answers are otherwise invisible: Okta issues the token anyway, without the claims.
 *
 * @example
 * const outcomes = new HookOutcomeMetrics(this, 'Outcomes', { logGroup, namespace: outcomeNamespace('okta-token-hook-prod') });
 * outcomes.metric('failed-open');
 */
export class HookOutcomeMetrics extends Construct {
  readonly namespace: string;
  readonly filters: Readonly<Record<HookOutcome, logs.MetricFilter>>;
  readonly coldStartFilter: logs.MetricFilter;

  constructor(scope: Construct, id: string, props: HookOutcomeMetricsProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const filters = {} as Record<HookOutcome, logs.MetricFilter>;
    for (const outcome of HOOK_OUTCOMES) {
      filters[outcome] = new logs.MetricFilter(this, outcome, {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.literal(outcomeFilterPattern(outcome)),
        metricNamespace: this.namespace,
        metricName: outcome,
        metricValue: '1',
        // 0 while the hook logs other outcomes: rates and alarms see a value, not missing data.
        defaultValue: 0,
        unit: cloudwatch.Unit.COUNT,
      });
    }
    this.filters = filters;
    this.coldStartFilter = new logs.MetricFilter(this, 'ColdStarts', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.literal(COLD_START_FILTER_PATTERN),
      metricNamespace: this.namespace,
      metricName: 'init-duration',
      metricValue: '$.record.metrics.initDurationMs',
      unit: cloudwatch.Unit.MILLISECONDS,
    });
  }

  /** Calls with this outcome, summed per `period` (no label: an alarm on it stays a plain metric alarm). */
  metric(outcome: HookOutcome, period: Duration = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: outcome,
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  /** Every call the hook logged, whatever its outcome. */
  total(period: Duration = Duration.minutes(5)): cloudwatch.MathExpression {
    const usingMetrics = Object.fromEntries(HOOK_OUTCOMES.map((outcome, i) => [`o${i}`, this.metric(outcome, period)]));
    return new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics).join(' + '),
      usingMetrics,
      label: 'calls',
      period,
    });
  }

  /** New execution environments: one `init-duration` sample per cold start. */
  coldStarts(period: Duration = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: 'init-duration',
      statistic: cloudwatch.Stats.SAMPLE_COUNT,
      period,
      label: 'cold starts',
    });
  }

  /** How long a cold start's init took (import, key read). */
  initDuration(period: Duration = Duration.minutes(5)): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: this.namespace,
      metricName: 'init-duration',
      statistic: cloudwatch.Stats.p(99),
      period,
      label: 'init p99',
    });
  }
}
