import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { loadEnvironment, type EnvironmentInput } from '../../infra/config.js';
import { OktaTokenHookStack, stackNameFor } from '../../infra/okta-token-hook-stack.js';
import { CUSTOM_RESOURCE_TYPE } from '../../lambda/shared/contract.js';
import { appWithoutBundling, cdkContext, maskAssetHashes } from './cdk-app.js';

const base: EnvironmentInput = {
  orgUrl: 'https://acme.okta.com',
  credentialsSecret: 'okta-token-hook/prod/okta-credentials',
  target: { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
  hook: { failureMode: 'closed' },
};

function stackFor(name: string, environment: unknown): OktaTokenHookStack {
  const config = loadEnvironment({ environments: { [name]: environment } }, name);
  return new OktaTokenHookStack(appWithoutBundling(), stackNameFor(name), { environment: config });
}

function exampleStack(): OktaTokenHookStack {
  return new OktaTokenHookStack(appWithoutBundling(), stackNameFor('example'), {
    environment: loadEnvironment(cdkContext, 'example'),
  });
}

function acknowledgements(scope: IConstruct): { path: string; id: string; reason: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      // Recorded as { '<kind>::<rule id>': reason }.
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
      .map(([key, reason]) => ({ path: construct.node.path, id: key.slice(key.indexOf('::') + 2), reason })),
  );
}

describe('OktaTokenHookStack', () => {
  it('is named after the environment and tagged with it', () => {
    const stack = stackFor('prod', base);

    expect(stack.stackName).toBe('OktaTokenHook-prod');
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', {
      Tags: Match.arrayWith([{ Key: 'okta-token-hook:environment', Value: 'prod' }]),
    });
  });

  it('deploys to the account and region of the environment when given', () => {
    const stack = stackFor('prod', { ...base, account: '123456789012', region: 'eu-central-1' });

    expect(stack.account).toBe('123456789012');
    expect(stack.region).toBe('eu-central-1');
  });

  it('outputs the Function URL, hook id and name, rule, API key secret ARN and log group', () => {
    const template = Template.fromStack(stackFor('prod', base));
    const registration = Object.keys(template.findResources(CUSTOM_RESOURCE_TYPE))[0]!;

    template.hasOutput('FunctionUrl', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('FunctionUrl'), 'FunctionUrl'] } });
    template.hasOutput('HookId', { Value: { 'Fn::GetAtt': [registration, 'HookId'] } });
    template.hasOutput('Rule', {
      Value: {
        'Fn::Join': [
          '/',
          [
            { 'Fn::GetAtt': [registration, 'AuthorizationServerId'] },
            { 'Fn::GetAtt': [registration, 'PolicyId'] },
            { 'Fn::GetAtt': [registration, 'RuleId'] },
          ],
        ],
      },
    });
    template.hasOutput('ApiKeySecretArn', { Value: { Ref: Match.stringLikeRegexp('ApiKey') } });
    template.hasOutput('HookName', { Value: 'okta-token-hook-prod' });
    template.hasOutput('HookLogGroup', { Value: { Ref: Match.stringLikeRegexp('^TokenHookLogs') } });
  });

  it('imports the credentials secret by name, matching the suffix Secrets Manager adds', () => {
    const template = Template.fromStack(stackFor('prod', base));

    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'secretsmanager:GetSecretValue',
            Resource: Match.arrayWith([
              { 'Fn::Join': ['', Match.arrayWith([':secret:okta-token-hook/prod/okta-credentials-??????'])] },
            ]),
          }),
        ]),
      },
    });
  });

  it('imports the credentials secret by its full ARN exactly', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/creds-AbC123';
    const template = Template.fromStack(stackFor('prod', { ...base, credentialsSecret: arn }));

    template.hasResourceProperties(CUSTOM_RESOURCE_TYPE, { CredentialsSecretArn: arn });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: Match.arrayWith([arn]) })]),
      },
    });
  });

  it('imports the credentials secret by a partial ARN, matching the suffix Secrets Manager adds', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/creds';
    const template = Template.fromStack(stackFor('prod', { ...base, credentialsSecret: arn }));

    template.hasResourceProperties(CUSTOM_RESOURCE_TYPE, { CredentialsSecretArn: arn });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'secretsmanager:GetSecretValue', Resource: Match.arrayWith([`${arn}-??????`]) }),
        ]),
      },
    });
  });

  it('sends alarms to a new SSL-only topic with an e-mail subscription', () => {
    const template = Template.fromStack(stackFor('prod', { ...base, alarms: { email: 'ops@acme.com' } }));
    const topic = { Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0]! };

    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@acme.com', TopicArn: topic });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })],
      },
    });
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topic], OKActions: [topic] });
  });

  it('sends alarms to an existing topic without creating one', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const template = Template.fromStack(stackFor('prod', { ...base, alarms: { topicArn } }));

    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [topicArn] });
  });

  it('carries the environment settings to the hook and its registration', () => {
    const template = Template.fromStack(
      stackFor('prod', {
        ...base,
        hookName: 'acme-claims',
        memorySize: 1024,
        timeoutSeconds: 1,
        reservedConcurrency: 50,
        provisionedConcurrency: 5,
        logRetentionDays: 90,
        replaceExistingHook: true,
        retainOnDelete: true,
        verify: false,
        hook: { authHeader: 'X-Hook-Key' },
      }),
    );

    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 1,
      ReservedConcurrentExecutions: 50,
      Environment: { Variables: { HOOK_CONFIG: Match.stringLikeRegexp('"authHeader":"x-hook-key"') } },
    });
    template.hasResourceProperties('AWS::Lambda::Alias', { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 5 } });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    template.hasResourceProperties(CUSTOM_RESOURCE_TYPE, {
      HookName: 'acme-claims',
      AuthHeader: 'x-hook-key',
      ReplaceExistingHook: true,
      RetainOnDelete: true,
      Verify: false,
    });
  });

  it('carries the ceiling and the monitoring thresholds of the environment to the hook', () => {
    const template = Template.fromStack(
      stackFor('prod', {
        ...base,
        expectedTokensPerSecond: 10,
        monitoring: { unauthorizedThreshold: 2, failureRatePercent: 1, deniedThreshold: 4, p99DurationMs: 900, dashboard: true },
      }),
    );

    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: 20 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'unauthorized', Threshold: 2 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'denied', Threshold: 4 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Duration', Threshold: 900 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 1, Metrics: Match.arrayWith([Match.objectLike({ Id: 'failed' })]) });
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'okta-token-hook-prod' });
  });

  it('passes the AwsSolutions checks with nothing left unacknowledged', () => {
    for (const stack of [exampleStack(), stackFor('full', { ...base, reservedConcurrency: 5, provisionedConcurrency: 1, alarms: { email: 'ops@acme.com' } })]) {
      const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack);

      expect(report.violations).toEqual([]);
      expect(report.success).toBe(true);
    }
  });

  it('gives every acknowledgement a reason, including the public Function URL', () => {
    const found = acknowledgements(stackFor('full', { ...base, alarms: { email: 'ops@acme.com' } }));

    expect(found.map((ack) => ack.id)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SNS2',
        expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<.*Registrar.*\.Arn>:\*\]$/),
        'NIST.800.53.R5-LambdaFunctionPublicAccessProhibited',
      ]),
    );
    for (const ack of found) expect(ack.reason.length, `${ack.path} ${ack.id}`).toBeGreaterThan(40);
  });

  it('synthesizes an environment as recorded', () => {
    // A fixed environment rather than cdk.json's example, so editing the example's claim rules does not break it.
    const template = Template.fromStack(stackFor('snapshot', { ...base, alarms: { email: 'ops@acme.com' } }));

    expect(maskAssetHashes(template.toJSON())).toMatchSnapshot();
  });
});
