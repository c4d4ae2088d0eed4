import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { HookKeyRotation, HookKeyRotationPropsError, type HookKeyRotationProps } from '../../../infra/constructs/hook-key-rotation.js';
import { HOOK_KEY_ROTATION_EVENT, ROTATION_ENV } from '../../../lambda/shared/contract.js';
import { appWithoutBundling } from '../cdk-app.js';

const CREDENTIALS_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/credentials-AbC123';

function build(overrides: Partial<HookKeyRotationProps> = {}): { stack: Stack; template: Template } {
  const stack = new Stack(appWithoutBundling(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  new HookKeyRotation(stack, 'Rotation', {
    credentialsSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credentials', CREDENTIALS_ARN),
    hookName: 'okta-token-hook-test',
    ...overrides,
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('HookKeyRotation', () => {
  it('invokes the rotation function every 30 days with the hook key event, the method in its environment, and reads only the credentials', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Timeout: 120,
      Environment: { Variables: { [ROTATION_ENV.hookName]: 'okta-token-hook-test', [ROTATION_ENV.credentialsSecretArn]: CREDENTIALS_ARN, [ROTATION_ENV.authMethod]: 'private_key_jwt' } },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(30 days)',
      Targets: [Match.objectLike({ Input: JSON.stringify(HOOK_KEY_ROTATION_EVENT), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'events.amazonaws.com', Action: 'lambda:InvokeFunction' });
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy['Properties'].PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((statement) => statement.Action),
    );
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue']);
  });

  it('passes the AwsSolutions checks', () => {
    const { stack } = build();

    const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('refuses a schedule that is not whole days from 1 to 1000, and an empty hook name, all at once', () => {
    const attempt = () => build({ schedule: Duration.hours(12), hookName: '' });

    expect(attempt).toThrow(HookKeyRotationPropsError);
    expect(attempt).toThrow(/schedule must be whole days from 1 to 1000, got 12 hours[\s\S]*hookName must be 1 to 255 characters/);
  });
});
