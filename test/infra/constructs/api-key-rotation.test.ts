import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { loadEnvironment } from '../../../infra/config.js';
import { ApiKeyRotation, ApiKeyRotationPropsError, type ApiKeyRotationProps } from '../../../infra/constructs/api-key-rotation.js';
import { OktaTokenHook } from '../../../infra/constructs/okta-token-hook.js';
import { ROTATION_ENV } from '../../../lambda/shared/contract.js';
import { appWithoutBundling } from '../cdk-app.js';

const CREDENTIALS_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/credentials-AbC123';

function build(overrides: Partial<ApiKeyRotationProps> = {}): { stack: Stack; rotation: ApiKeyRotation; template: Template; secretId: string } {
  const stack = new Stack(appWithoutBundling(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const apiKeySecret = new secretsmanager.Secret(stack, 'ApiKey', { generateSecretString: { passwordLength: 64, excludePunctuation: true } });
  const rotation = new ApiKeyRotation(stack, 'Rotation', {
    apiKeySecret,
    credentialsSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credentials', CREDENTIALS_ARN),
    hookName: 'okta-token-hook-test',
    ...overrides,
  });
  return { stack, rotation, template: Template.fromStack(stack), secretId: stack.getLogicalId(apiKeySecret.node.defaultChild as secretsmanager.CfnSecret) };
}

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

function statements(template: Template): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}

describe('ApiKeyRotation', () => {
  it('schedules the rotation every 30 days by default, not at deploy time', () => {
    const { template, secretId } = build();

    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: { Ref: secretId },
      RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RotationFunction'), 'Arn'] },
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
      RotateImmediatelyOnUpdate: false,
    });
  });

  it('takes the schedule from its props', () => {
    const { template } = build({ schedule: Duration.days(7) });

    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  });

  it('runs the rotation function on Node.js 24 with the hook name and credentials secret in its environment', () => {
    const { template } = build();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 120,
      Environment: { Variables: { [ROTATION_ENV.hookName]: 'okta-token-hook-test', [ROTATION_ENV.credentialsSecretArn]: CREDENTIALS_ARN } },
    });
  });

  it('lets only this secret rotation in this account invoke the function', () => {
    const { template, secretId } = build();

    const permissions = template.findResources('AWS::Lambda::Permission');
    expect(Object.values(permissions)).toHaveLength(1);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'secretsmanager.amazonaws.com',
      SourceAccount: '123456789012',
      SourceArn: { Ref: secretId },
    });
  });

  it('grants the four rotation calls on the key secret, reading the credentials, and nothing else', () => {
    const { template, secretId } = build();

    const granted = statements(template).filter((statement) => JSON.stringify(statement.Action).includes('secretsmanager'));
    expect(granted).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Allow',
          Action: [
            'secretsmanager:DescribeSecret',
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: { Ref: secretId },
        }),
        expect.objectContaining({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: CREDENTIALS_ARN }),
      ]),
    );
    expect(granted).toHaveLength(2);
    expect(JSON.stringify(statements(template))).not.toMatch(/GetRandomPassword|"Resource":"\*"/);
  });

  it("tells the function it rotates Okta's client secret when the secret holds one (client_secret_post), and says so in its description", () => {
    const { template } = build({ authMethod: 'client_secret_post' });

    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Rotates the OAuth client secret of the Okta token hook okta-token-hook-test',
      Environment: { Variables: Match.objectLike({ [ROTATION_ENV.authMethod]: 'client_secret_post' }) },
    });
  });

  it('clears the AwsSolutions rotation finding on the secret without new findings', () => {
    const { stack } = build();

    const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack);

    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
  });

  it('refuses a schedule that is not whole days from 1 to 1000, and an empty hook name, all at once', () => {
    const attempt = () => build({ schedule: Duration.hours(12), hookName: '' });

    expect(attempt).toThrow(ApiKeyRotationPropsError);
    expect(attempt).toThrow(/schedule must be whole days from 1 to 1000, got 12 hours[\s\S]*hookName must be 1 to 255 characters/);
    expect(() => build({ schedule: Duration.days(1001) })).toThrow(/schedule must be whole days/);
  });
});

describe('OktaTokenHook with key rotation', () => {
  function hookStack(rotation?: { enabled?: boolean; schedule?: Duration }): { hook: OktaTokenHook; template: Template } {
    const stack = new Stack(appWithoutBundling(), 'Hook', { env: { account: '123456789012', region: 'eu-west-1' } });
    const hook = new OktaTokenHook(stack, 'Hook', {
      orgUrl: 'https://acme.okta.com',
      credentialsSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credentials', CREDENTIALS_ARN),
      target: { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
      hookName: 'okta-token-hook-test',
      hookConfig: { failureMode: 'open', deadlineMs: 1500 },
      ...(rotation ? { rotation } : {}),
    });
    return { hook, template: Template.fromStack(stack) };
  }

  it('rotates the API key by default, once the hook is registered in Okta', () => {
    const { hook, template } = hookStack();

    const schedules = template.findResources('AWS::SecretsManager::RotationSchedule');
    expect(Object.values(schedules)).toHaveLength(1);
    const schedule = Object.values(schedules)[0]!;
    expect(schedule['Properties'].SecretId).toEqual({ Ref: Stack.of(hook).getLogicalId(hook.apiKeySecret!.node.defaultChild as secretsmanager.CfnSecret) });
    expect(schedule['DependsOn']).toContain(Stack.of(hook).getLogicalId(hook.registration.resource.node.defaultChild as CfnElement));
    expect(hook.rotation).toBeDefined();
  });

  it('builds no rotation when it is turned off, and says why the secret is not rotated', () => {
    const { hook, template } = hookStack({ enabled: false });

    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    expect(hook.rotation).toBeUndefined();
    const report = new AwsSolutionsChecks(Stack.of(hook).node.root).validateScope(Stack.of(hook));
    expect(report.violations.filter((violation) => violation.ruleName === 'AwsSolutions-SMG4')).toEqual([]);
  });

  it('reads rotation from the environment, every 30 days unless told otherwise', () => {
    const base = {
      orgUrl: 'https://acme.okta.com',
      credentialsSecret: 'okta/credentials',
      target: { authorizationServer: 'default', policy: 'p', rule: 'r' },
      hook: { failureMode: 'open' },
    };
    const load = (rotation?: unknown) => loadEnvironment({ environments: { e: { ...base, ...(rotation === undefined ? {} : { rotation }) } } }, 'e').rotation;

    expect(load()).toEqual({ enabled: true, scheduleDays: 30 });
    expect(load({ scheduleDays: 7 })).toEqual({ enabled: true, scheduleDays: 7 });
    expect(load({ enabled: false })).toEqual({ enabled: false, scheduleDays: 30 });
    expect(() => load({ scheduleDays: 0 })).toThrow(/rotation\.scheduleDays: .*1 to 1000/);
    expect(() => load({ every: 3 })).toThrow(/rotation: unknown key 'every'/);
  });
});
