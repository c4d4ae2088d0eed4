import { type CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { OktaTokenHook, OktaTokenHookPropsError, type OktaTokenHookProps } from '../../../infra/constructs/okta-token-hook.js';
import { CUSTOM_RESOURCE_TYPE, HOOK_ENV, HOOK_KEY_ROTATION_EVENT, RegistrarPropertiesSchema, ROTATION_ENV } from '../../../lambda/shared/contract.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { settingsDigest } from '../../../lambda/shared/hook-settings.js';
import { appWithoutBundling } from '../cdk-app.js';

const CREDENTIALS_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:okta/credentials-AbC123';
const hookConfig = {
  failureMode: 'closed' as const,
  deadlineMs: 1200,
  authHeader: 'X-Okta-Hook-Key',
  rules: [{ name: 'tier', set: [{ claim: 'tier', token: 'access' as const, value: 'gold' }] }],
};

function build(
  overrides: Partial<OktaTokenHookProps> = {},
  extend?: (hook: OktaTokenHook, stack: Stack) => void,
): { stack: Stack; hook: OktaTokenHook; template: Template } {
  const stack = new Stack(appWithoutBundling(), 'Test', { env: { account: '123456789012', region: 'eu-west-1' } });
  const hook = new OktaTokenHook(stack, 'Hook', {
    orgUrl: 'https://acme.okta.com',
    credentialsSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Credentials', CREDENTIALS_ARN),
    target: { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
    hookName: 'okta-token-hook-test',
    hookConfig,
    ...overrides,
  });
  extend?.(hook, stack);
  return { stack, hook, template: Template.fromStack(stack) };
}

let defaultBuild: ReturnType<typeof build> | undefined;
/** The construct with the default props, built once: synthesis dominates these tests' time. */
function built(): ReturnType<typeof build> {
  defaultBuild ??= build();
  return defaultBuild;
}

/** The statements of every inline policy attached to the role whose logical id starts with `rolePrefix`. */
function statementsOfRole(template: Template, rolePrefix: string): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) =>
      (policy['Properties'].Roles as { Ref: string }[]).some((role) => role.Ref.startsWith(rolePrefix)),
    )
    .flatMap((policy) => policy['Properties'].PolicyDocument.Statement as unknown[]);
}

function logicalIdOf(template: Template, type: string, pathFragment: RegExp): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => pathFragment.test(id));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

describe('OktaTokenHook', () => {
  it('exposes the hook on a Function URL with auth type NONE on the live alias', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      Qualifier: 'live',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::Lambda::Function', /^HookFunction/), 'Arn'] },
    });
  });

  it('grants both invoke permissions AWS requires for a public Function URL, and no other', () => {
    const { template } = built();
    const alias = { Ref: logicalIdOf(template, 'AWS::Lambda::Alias', /^HookLive/) };

    // The other permission is the key rotation's, for Secrets Manager only (api-key-rotation.test.ts).
    template.resourcePropertiesCountIs('AWS::Lambda::Permission', { Principal: '*' }, 2);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
      FunctionName: alias,
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      InvokedViaFunctionUrl: true,
      FunctionName: alias,
    });
  });

  it('runs the hook on Node.js 24, arm64, JSON logs, below Okta\'s 3 s', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 2,
      MemorySize: 256,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logicalIdOf(template, 'AWS::Logs::LogGroup', /^HookLogs/) } },
    });
  });

  it('gives the hook its secret ARN and the validated config with its digest, never a secret value', () => {
    const { template } = built();
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', /^HookApiKey/);

    const hook = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    const variables = Object.values(hook)[0]!['Properties'].Environment.Variables;

    expect(Object.keys(variables).sort()).toEqual([HOOK_ENV.apiKeySecretArn, HOOK_ENV.hookConfig, HOOK_ENV.settingsDigest].sort());
    expect(variables[HOOK_ENV.apiKeySecretArn]).toEqual({ Ref: secret });
    expect(JSON.parse(variables[HOOK_ENV.hookConfig])).toEqual(parseHookConfig(hookConfig));
    // The hook trusts what matches the digest: the construct stamps only what it validated.
    expect(variables[HOOK_ENV.settingsDigest]).toBe(settingsDigest(variables[HOOK_ENV.hookConfig], undefined));
    expect(JSON.stringify(template.toJSON())).not.toMatch(/resolve:secretsmanager|"SecretString"/);
  });

  it('gives the hook its OAuth 2.0 issuer, audience and scope in HOOK_AUTH, the issuer derived from the org and the server id', () => {
    const { template } = build({
      hookConfig: { ...hookConfig, authHeader: 'Authorization' },
      auth: { type: 'oauth2', method: 'private_key_jwt', authorizationServer: 'ausHookIssuer0000g3', scope: 'okta-token-hook:invoke', audience: 'api://okta-token-hook', acceptApiKey: true },
    });

    const hook = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    const variables = Object.values(hook)[0]!['Properties'].Environment.Variables;

    expect(JSON.parse(variables[HOOK_ENV.hookAuth])).toEqual({
      type: 'oauth2',
      issuer: 'https://acme.okta.com/oauth2/ausHookIssuer0000g3',
      audience: 'api://okta-token-hook',
      scope: 'okta-token-hook:invoke',
      acceptApiKey: true,
    });
    expect(variables[HOOK_ENV.settingsDigest]).toBe(settingsDigest(variables[HOOK_ENV.hookConfig], variables[HOOK_ENV.hookAuth]));
  });

  it('rotates the Hook Key on a schedule for private_key_jwt, with the rotation function told the method, and no rotation of the API key', () => {
    const { template, stack, hook } = build({
      hookConfig: { ...hookConfig, authHeader: 'Authorization' },
      auth: { type: 'oauth2', method: 'private_key_jwt', authorizationServer: 'ausHookIssuer0000g3', scope: 'okta-token-hook:invoke', audience: 'api://okta-token-hook', acceptApiKey: true },
      rotation: { schedule: Duration.days(14) },
    });

    const rotation = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [ROTATION_ENV.authMethod]: 'private_key_jwt' } } } });
    expect(Object.keys(rotation)).toHaveLength(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(14 days)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Object.keys(rotation)[0], 'Arn'] }, Input: JSON.stringify(HOOK_KEY_ROTATION_EVENT) })],
    });
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
    const rule = template.findResources('AWS::Events::Rule');
    expect(Object.values(rule)[0]!['DependsOn']).toEqual(expect.arrayContaining([stack.getLogicalId(hook.registration.resource.node.defaultChild as CfnResource)]));
  });

  it('gives the hook both the API key and the issuer while moving back to the key (acceptOAuth2), and rotates the key', () => {
    const { template } = build({
      hookConfig: { ...hookConfig, authHeader: 'Authorization' },
      auth: { type: 'apiKey', acceptOAuth2: { authorizationServer: 'ausHookIssuer0000g3', scope: 'okta-token-hook:invoke', audience: 'api://okta-token-hook' } },
    });

    const hook = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
    const variables = Object.values(hook)[0]!['Properties'].Environment.Variables;
    expect(JSON.parse(variables[HOOK_ENV.hookAuth])).toEqual({
      type: 'oauth2',
      issuer: 'https://acme.okta.com/oauth2/ausHookIssuer0000g3',
      audience: 'api://okta-token-hook',
      scope: 'okta-token-hook:invoke',
      acceptApiKey: true,
    });
    expect(variables[HOOK_ENV.apiKeySecretArn]).toBeDefined();
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 1);
    const registration = Object.values(template.findResources(CUSTOM_RESOURCE_TYPE))[0]!['Properties'];
    expect(registration.Auth).toBeUndefined();
  });

  describe('with OAuth 2.0 and no API key', () => {
    const oauth = { type: 'oauth2' as const, authorizationServer: 'ausHookIssuer0000g3', scope: 'okta-token-hook:invoke', audience: 'api://okta-token-hook' };
    /** The registrar's properties with references resolved to strings, as CloudFormation hands them over. */
    const registrarProperties = (template: Template) => {
      const { ServiceToken: _, ...properties } = Object.values(template.findResources(CUSTOM_RESOURCE_TYPE))[0]!['Properties'];
      return JSON.parse(JSON.stringify(properties, (_key, value) => (value && typeof value === 'object' && ('Ref' in value || 'Fn::GetAtt' in value) ? 'https://resolved.example/' : value)));
    };

    it('private_key_jwt: no secret Okta and the hook share exists, and the registrar is told to provision the client', () => {
      const { template, hook } = build({ hookConfig: { ...hookConfig, authHeader: 'Authorization' }, auth: { ...oauth, method: 'private_key_jwt' } });

      const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
      const variables = Object.values(functions)[0]!['Properties'].Environment.Variables;
      const properties = registrarProperties(template);
      expect(template.findResources('AWS::SecretsManager::Secret')).toEqual({});
      expect(template.findResources('AWS::SecretsManager::RotationSchedule')).toEqual({});
      expect(Object.keys(variables)).not.toContain(HOOK_ENV.apiKeySecretArn);
      expect(JSON.parse(variables[HOOK_ENV.hookAuth])).toMatchObject({ type: 'oauth2', acceptApiKey: false });
      expect(hook.apiKeySecret).toBeUndefined();
      expect(properties.ApiKeySecretArn).toBeUndefined();
      expect(properties.Auth).toEqual({ Type: 'oauth2', Method: 'private_key_jwt', AuthorizationServer: oauth.authorizationServer, Scope: oauth.scope, Audience: oauth.audience });
      expect(RegistrarPropertiesSchema.safeParse(properties).success).toBe(true);
    });

    it('client_secret_post: a secret for the client secret that only the registrar reads and writes, named to it by ARN', () => {
      const { template, stack, hook } = build({ hookConfig: { ...hookConfig, authHeader: 'Authorization' }, auth: { ...oauth, method: 'client_secret_post' } });

      const secret = stack.getLogicalId(hook.clientSecret!.node.defaultChild as secretsmanager.CfnSecret);
      const properties = Object.values(template.findResources(CUSTOM_RESOURCE_TYPE))[0]!['Properties'];
      const functions = template.findResources('AWS::Lambda::Function', { Properties: { Handler: 'index.handler' } });
      expect(Object.keys(template.findResources('AWS::SecretsManager::Secret'))).toEqual([secret]);
      expect(properties.Auth.ClientSecretArn).toEqual({ Ref: secret });
      expect(JSON.stringify(Object.values(functions)[0]!['Properties'].Environment)).not.toContain(secret);
      expect(statementsOfRole(template, 'HookRegistrationRegistrar')).toEqual(
        expect.arrayContaining([expect.objectContaining({ Action: 'secretsmanager:PutSecretValue', Resource: { Ref: secret } })]),
      );
      expect(RegistrarPropertiesSchema.safeParse(registrarProperties(template)).success).toBe(true);
    });
  });

  it("refuses OAuth 2.0 tokens issued by the target's own server, explaining the loop, with every other problem", () => {
    const build_ = () =>
      build({ auth: { type: 'oauth2', method: 'client_secret_post', authorizationServer: 'default', scope: 'openid', audience: 'api://other', acceptApiKey: true } });

    expect(build_).toThrow(OktaTokenHookPropsError);
    expect(build_).toThrow("auth.authorizationServer: 'default' is also the server whose rule calls the hook");
    expect(build_).toThrow('issuing that token calls the hook again');
    expect(build_).toThrow("auth.scope: 'openid' is reserved");
    expect(build_).toThrow("auth.audience: the default authorization server's tokens are for api://default");
    expect(build_).toThrow("hook.authHeader is 'x-okta-hook-key'");
  });

  it('generates the API key with characters safe in an HTTP header', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    template.hasResource('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  it('lets the hook read only its API key secret, and write only its log group', () => {
    const { template } = built();
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', /^HookApiKey/);
    const logGroup = logicalIdOf(template, 'AWS::Logs::LogGroup', /^HookLogs/);

    expect(statementsOfRole(template, 'HookRole')).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secret } },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^Okta token inline hook'),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('lets the registrar read only the credentials and API key secrets', () => {
    const { template } = built();
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', /^HookApiKey/);
    const logGroup = logicalIdOf(template, 'AWS::Logs::LogGroup', /^HookRegistrationRegistrarLogs/);

    expect(statementsOfRole(template, 'HookRegistrationRegistrarRole')).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] } },
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: [CREDENTIALS_ARN, { Ref: secret }] },
    ]);
  });

  it('lets the provider framework invoke only the registrar', () => {
    const { template } = built();
    const registrar = logicalIdOf(template, 'AWS::Lambda::Function', /^HookRegistrationRegistrarFunction/);

    const invoke = statementsOfRole(template, 'HookRegistrationProviderRole').filter(
      (statement) => (statement as { Action: string }).Action === 'lambda:InvokeFunction',
    );

    expect(invoke).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        Effect: 'Allow',
        Resource: [{ 'Fn::GetAtt': [registrar, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [registrar, 'Arn'] }, ':*']] }],
      },
    ]);
  });

  it('gives the registrar time for Okta retries', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.onEvent',
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Timeout: 600,
    });
  });

  it('registers the hook through the custom resource with ARNs and names only', () => {
    const { template } = build({ replaceExistingHook: true, retainOnDelete: true, verify: false, apiKeyVersion: '2' });
    const secret = logicalIdOf(template, 'AWS::SecretsManager::Secret', /^HookApiKey/);
    const url = logicalIdOf(template, 'AWS::Lambda::Url', /^HookLive/);

    const resources = template.findResources(CUSTOM_RESOURCE_TYPE);
    const { ServiceToken: _, ...properties } = Object.values(resources)[0]!['Properties'];

    expect(properties).toEqual({
      OrgUrl: 'https://acme.okta.com',
      CredentialsSecretArn: CREDENTIALS_ARN,
      ApiKeySecretArn: { Ref: secret },
      ApiKeyVersion: '2',
      HookName: 'okta-token-hook-test',
      HookUrl: { 'Fn::GetAtt': [url, 'FunctionUrl'] },
      AuthHeader: 'x-okta-hook-key',
      Target: { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' },
      ReplaceExistingHook: true,
      Verify: false,
      RetainOnDelete: true,
    });
  });

  it('writes a list of targets as Targets, booleans and all, and no single Target', () => {
    const { template } = build({
      target: undefined,
      targets: [
        { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
        { authorizationServer: 'Partner API', policy: 'Web Apps Policy', allRules: true, except: ['Admins'] },
      ],
    });

    const properties = Object.values(template.findResources(CUSTOM_RESOURCE_TYPE))[0]!['Properties'];

    expect(properties['Target']).toBeUndefined();
    expect(properties['Targets']).toEqual([
      { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' },
      { AuthorizationServer: 'Partner API', Policy: 'Web Apps Policy', AllRules: true, Except: ['Admins'] },
    ]);
  });

  it('refuses both target and targets, and the same rule named twice', () => {
    const target = { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' };

    expect(() => build({ targets: [target] })).toThrow(/give exactly one of target \(one rule\) and targets/);
    expect(() => build({ target: undefined, targets: [target, target] })).toThrow(/targets\[0\] and targets\[1\] both name rule 'Default Policy Rule'/);
  });

  it('writes properties the registrar accepts', () => {
    const { template } = built();
    const resources = template.findResources(CUSTOM_RESOURCE_TYPE);
    const { ServiceToken: _, ...properties } = Object.values(resources)[0]!['Properties'];
    // CloudFormation resolves references to strings before the registrar sees them.
    const resolved = JSON.parse(
      JSON.stringify(properties, (_key, value) =>
        value && typeof value === 'object' && ('Ref' in value || 'Fn::GetAtt' in value) ? 'https://resolved.example/' : value,
      ),
    );

    expect(RegistrarPropertiesSchema.safeParse(resolved).success).toBe(true);
  });

  it('registers only once the Function URL and its permissions exist', () => {
    const { template } = built();
    const dependsOn = Object.values(template.findResources(CUSTOM_RESOURCE_TYPE))[0]!['DependsOn'];

    expect(dependsOn).toEqual(
      expect.arrayContaining([
        logicalIdOf(template, 'AWS::Lambda::Url', /^HookLive/),
        ...Object.keys(template.findResources('AWS::Lambda::Permission', { Properties: { Principal: '*' } })),
      ]),
    );
  });

  it('keeps logs for the configured retention and deletes them with the stack', () => {
    const { template } = build({ logRetention: logs.RetentionDays.ONE_WEEK });

    const groups = template.findResources('AWS::Logs::LogGroup');

    // Hook, registrar, its provider, key rotation.
    expect(Object.keys(groups)).toHaveLength(4);
    for (const group of Object.values(groups)) {
      expect(group['Properties'].RetentionInDays).toBe(7);
      expect(group['DeletionPolicy']).toBe('Delete');
    }
  });

  it('alarms on errors, throttles, p99 duration, unauthorized bursts and the failure rate, notifying the topic', () => {
    const topicStack = new Stack(appWithoutBundling(), 'Topics');
    const { template } = build({ alarmTopic: sns.Topic.fromTopicArn(topicStack, 'Ops', 'arn:aws:sns:eu-west-1:123456789012:ops') });
    const fn = { Ref: logicalIdOf(template, 'AWS::Lambda::Function', /^HookFunction/) };
    const actions = ['arn:aws:sns:eu-west-1:123456789012:ops'];

    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Namespace: 'AWS/Lambda',
        Dimensions: [{ Name: 'FunctionName', Value: fn }],
        Statistic: 'Sum',
        Threshold: 1,
        AlarmActions: actions,
        OKActions: actions,
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Duration',
      ExtendedStatistic: 'p99',
      Threshold: 1500,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: actions,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'unauthorized',
      Namespace: 'OktaTokenHook/okta-token-hook-test',
      Threshold: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: actions,
    });
  });

  it('alarms on the share of calls failing the way the failure mode says', () => {
    const { template } = build({ hookConfig: { ...hookConfig, failureMode: 'open' }, monitoring: { failureRatePercent: 2 } });

    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 2,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(total > 0, 100 * failed / total, 0)', ReturnData: true }),
        Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'failed-open' }) }) }),
      ]),
    });
  });

  it('alarms on denials only when the environment asks for it', () => {
    const { template: without } = built();
    const { template: withDenied } = build({ monitoring: { deniedThreshold: 10, unauthorizedThreshold: 1 } });

    without.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { MetricName: 'denied' }, 0);
    withDenied.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'denied', Threshold: 10 });
    withDenied.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'unauthorized', Threshold: 1 });
  });

  it('counts every outcome of the hook log group with a metric filter', () => {
    const { template } = built();
    const logGroup = { Ref: logicalIdOf(template, 'AWS::Logs::LogGroup', /^HookLogs/) };

    for (const outcome of ['patched', 'unchanged', 'denied', 'rejected', 'unauthorized', 'failed-open', 'failed-closed']) {
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: logGroup,
        FilterPattern: Match.stringLikeRegexp(`\\$\\.message\\.outcome = "${outcome}"`),
        MetricTransformations: [Match.objectLike({ MetricName: outcome, MetricNamespace: 'OktaTokenHook/okta-token-hook-test' })],
      });
    }
  });

  it('builds a dashboard of outcomes, duration against Okta\'s 3 s, cold starts and throttles', () => {
    const { template } = built();

    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'okta-token-hook-test' });
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const text of ['Outcomes', 'failed-open', 'unauthorized', 'p50', 'p99', '3000', 'Cold starts', 'init-duration', 'Throttles', 'ConcurrentExecutions']) {
      expect(body).toContain(text);
    }
  });

  it('leaves the dashboard out when asked', () => {
    const { template } = build({ monitoring: { dashboard: false } });

    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  it('reserves 75 executions by default: as many calls as Okta can have in flight', () => {
    const { template, hook } = built();

    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: 75 });
    expect(hook.reservedConcurrency).toBe(75);
  });

  it('sizes the default ceiling from the expected token rate and the timeout', () => {
    const { template } = build({ expectedTokensPerSecond: 4.5, timeout: Duration.seconds(2) });

    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: 9 });
  });

  it('reserves nothing when the environment says unreserved', () => {
    const { template } = build({ reservedConcurrency: 'unreserved' });

    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: Match.absent() });
  });

  it('creates alarms without actions when no topic is given', () => {
    const { template } = built();

    template.resourceCountIs('AWS::CloudWatch::Alarm', 5);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', AlarmActions: Match.absent() });
  });

  it('reserves concurrency on the function and provisions it on the live alias', () => {
    const { template } = build({ reservedConcurrency: 20, provisionedConcurrency: 2, memorySize: 512 });

    template.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.handler', ReservedConcurrentExecutions: 20, MemorySize: 512 });
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 },
    });
  });

  it('grants reading the API key, and nothing else, to another principal', () => {
    const { template } = build({}, (hook, stack) => {
      hook.grantReadApiKey(new iam.Role(stack, 'Rotation', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
    });

    expect(statementsOfRole(template, 'Rotation')).toEqual([
      {
        Action: 'secretsmanager:GetSecretValue',
        Effect: 'Allow',
        Resource: { Ref: logicalIdOf(template, 'AWS::SecretsManager::Secret', /^HookApiKey/) },
      },
    ]);
  });

  it('refuses a timeout that Okta would not wait for', () => {
    expect(() => build({ timeout: Duration.seconds(3) })).toThrow(OktaTokenHookPropsError);
    expect(() => build({ timeout: Duration.millis(1500) })).toThrow(/timeout must be whole seconds below Okta's 3 s budget/);
  });

  it('refuses a hook deadline the Lambda timeout would cut short, by the rule cdk.json follows', () => {
    expect(() => build({ timeout: Duration.seconds(1), hookConfig: { ...hookConfig, deadlineMs: 600 } })).toThrow(
      'hookConfig.deadlineMs: 600 ms leaves the hook less than 500 ms before the 1 s Lambda timeout: set it to at most 500, or leave it out to follow the timeout',
    );
  });

  it('gives an unset deadline the timeout less 500 ms, so the defaults agree', () => {
    const { deadlineMs: _, ...withoutDeadline } = hookConfig;

    const standard = build({ hookConfig: withoutDeadline }).hook;
    const short = build({ hookConfig: withoutDeadline, timeout: Duration.seconds(1) }).hook;

    expect(standard.hookConfig.deadlineMs).toBe(1500);
    expect(short.hookConfig.deadlineMs).toBe(500);
    Template.fromStack(Stack.of(short)).hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { [HOOK_ENV.hookConfig]: Match.stringLikeRegexp('"deadlineMs":500') } },
    });
  });

  it("lets the hook read the user's own resources through grants on the construct", () => {
    const { template } = build({}, (hook, stack) => {
      const table = new dynamodb.TableV2(stack, 'Roles', { partitionKey: { name: 'login', type: dynamodb.AttributeType.STRING } });
      table.grantReadData(hook);
      hook.function.addEnvironment('ROLES_TABLE', table.tableName);
    });
    const tableArn = { 'Fn::GetAtt': [logicalIdOf(template, 'AWS::DynamoDB::GlobalTable', /^Roles/), 'Arn'] };

    expect(statementsOfRole(template, 'HookRole')).toContainEqual(
      expect.objectContaining({ Action: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']), Resource: tableArn }),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Environment: { Variables: Match.objectLike({ ROLES_TABLE: Match.anyValue() }) },
    });
  });

  it('refuses a transform path where there is no file', () => {
    expect(() => build({ transform: 'no/such/transform.ts' })).toThrow(/transform: no file at .*no\/such\/transform\.ts: give the path of your module/);
  });

  it('refuses a hook config larger than Lambda lets environment variables be', () => {
    const rules = Array.from({ length: 60 }, (_, index) => ({
      name: `rule-${index}`,
      set: [{ claim: `claim_${index}`, token: 'access' as const, value: 'x'.repeat(20) }],
    }));

    expect(() => build({ hookConfig: { ...hookConfig, rules } })).toThrow(/Lambda allows 4096: use fewer or shorter rules/);
  });

  it('checks hookConfig as cdk.json is checked: rules by name, the key meant', () => {
    const rules = [{ name: 'tier', when: { clientId: ['app'] }, set: [{ claim: 'tier', token: 'access' as const, value: 'gold' }] }];

    expect(() => build({ hookConfig: { rules } as never })).toThrow("hookConfig.rules['tier'].when: unknown key 'clientId': did you mean 'clientIds'?");
  });

  it('reports every invalid prop at once', () => {
    const build_ = () =>
      build({
        orgUrl: 'http://acme.okta.com',
        hookName: '',
        memorySize: 64,
        reservedConcurrency: 1,
        provisionedConcurrency: 2,
        hookConfig: { failureMode: 'ajar' as never },
        monitoring: { failureRatePercent: 0 },
      });

    expect(build_).toThrow(OktaTokenHookPropsError);
    try {
      build_();
    } catch (error) {
      const lines = (error as Error).message.split('\n').slice(1);
      expect(lines).toHaveLength(6);
      expect(lines.join('\n')).toMatch(/hookConfig\.failureMode: invalid option: .*: set open or closed/);
    }
  });
});
