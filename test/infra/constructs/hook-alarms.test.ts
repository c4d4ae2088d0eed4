import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { HookAlarms, HookAlarmsPropsError } from '../../../infra/constructs/hook-alarms.js';
import { appWithoutBundling } from '../cdk-app.js';

function hookFunction(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionName(stack, 'Hook', 'okta-token-hook');
}

describe('HookAlarms', () => {
  it('raises the duration alarm at the threshold given', () => {
    const stack = new Stack(appWithoutBundling(), 'Test');

    new HookAlarms(stack, 'Alarms', { function: hookFunction(stack), p99DurationThreshold: Duration.millis(800) });

    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: 800,
    });
  });

  it('refuses a duration threshold at or above Okta\'s 3 s budget', () => {
    const stack = new Stack(appWithoutBundling(), 'Test');

    const fn = hookFunction(stack);

    const build = () => new HookAlarms(stack, 'Alarms', { function: fn, p99DurationThreshold: Duration.seconds(3) });

    expect(build).toThrow(HookAlarmsPropsError);
    expect(build).toThrow("p99DurationThreshold must be below Okta's 3000 ms, got 3000 ms");
  });
});
