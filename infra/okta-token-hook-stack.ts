import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Fn, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { OktaTokenHook, type EnvironmentConfig, type OktaTokenHookProps } from 'okta-token-hook';

/** This repository's transform: every environment of cdk.json runs it after its claim rules. */
export const DEFAULT_TRANSFORM = fileURLToPath(new URL('../lambda/token-hook/transform.ts', import.meta.url));

/** One stack per environment. */
export function stackNameFor(environment: string): string {
  return `OktaTokenHook-${environment}`;
}

export interface OktaTokenHookStackProps extends StackProps {
  /** The validated environment (`loadEnvironment`). */
  readonly environment: EnvironmentConfig;
  /** The claim logic module, relative to the project root or absolute. @default lambda/token-hook/transform.ts */
  readonly transform?: string;
}

/**
 * Deploys one environment of cdk.json: the hook, its secrets, its registration with Okta, alarms and
 * the outputs an operator needs.
 */
export class OktaTokenHookStack extends Stack {
  readonly hook: OktaTokenHook;

  constructor(scope: Construct, id: string, props: OktaTokenHookStackProps) {
    const { environment, transform, ...stackProps } = props;
    super(scope, id, {
      description: `Okta token inline hook '${environment.hookName}' for ${environment.orgUrl} (environment ${environment.name})`,
      ...stackProps,
      env: stackProps.env ?? { account: environment.account, region: environment.region },
    });
    Tags.of(this).add('okta-token-hook:environment', environment.name);

    this.hook = new OktaTokenHook(this, 'TokenHook', {
      orgUrl: environment.orgUrl,
      credentialsSecret: importSecret(this, 'OktaCredentials', environment.credentialsSecret),
      target: environment.target,
      targets: environment.targets,
      hookName: environment.hookName,
      hookConfig: environment.hook,
      auth: environment.auth,
      memorySize: environment.memorySize,
      timeout: Duration.seconds(environment.timeoutSeconds),
      reservedConcurrency: environment.reservedConcurrency,
      expectedTokensPerSecond: environment.expectedTokensPerSecond,
      monitoring: monitoringOf(environment),
      provisionedConcurrency: environment.provisionedConcurrency,
      logRetention: environment.logRetentionDays as logs.RetentionDays,
      alarmTopic: alarmTopic(this, environment),
      replaceExistingHook: environment.replaceExistingHook,
      retainOnDelete: environment.retainOnDelete,
      verify: environment.verify,
      apiKeyVersion: environment.apiKeyVersion,
      rotation: { enabled: environment.rotation.enabled, schedule: Duration.days(environment.rotation.scheduleDays) },
      transform: transform ?? DEFAULT_TRANSFORM,
    });

    new CfnOutput(this, 'FunctionUrl', { value: this.hook.url, description: 'The URL Okta calls' });
    new CfnOutput(this, 'HookId', { value: this.hook.hookId, description: 'The inline hook id in Okta' });
    new CfnOutput(this, 'HookName', { value: environment.hookName, description: 'The inline hook name in Okta' });
    new CfnOutput(this, 'Rule', {
      value: Fn.join('/', [
        this.hook.registration.authorizationServerId,
        this.hook.registration.policyId,
        this.hook.registration.ruleId,
      ]),
      description: 'authorizationServerId/policyId/ruleId the hook is attached to',
    });
    if (this.hook.apiKeySecret) {
      new CfnOutput(this, 'ApiKeySecretArn', {
        value: this.hook.apiKeySecret.secretArn,
        description: 'The secret holding the key Okta sends',
      });
    }
    new CfnOutput(this, 'HookLogGroup', {
      value: this.hook.hookFunction.logGroup.logGroupName,
      description: 'The hook function logs: aws logs tail <name> --follow',
    });
  }
}

function monitoringOf(environment: EnvironmentConfig): OktaTokenHookProps['monitoring'] {
  const { p99DurationMs, ...rest } = environment.monitoring ?? {};
  return { ...rest, ...(p99DurationMs !== undefined ? { p99DurationThreshold: Duration.millis(p99DurationMs) } : {}) };
}

/** A full ARN (with Secrets Manager's 6-character suffix), a partial ARN, or a name. */
function importSecret(scope: Construct, id: string, nameOrArn: string): secretsmanager.ISecret {
  if (!nameOrArn.startsWith('arn:')) return secretsmanager.Secret.fromSecretNameV2(scope, id, nameOrArn);
  const name = nameOrArn.split(':secret:')[1] ?? '';
  return /-[A-Za-z0-9]{6}$/.test(name)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, nameOrArn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, nameOrArn);
}

function alarmTopic(scope: Construct, environment: EnvironmentConfig): sns.ITopic | undefined {
  const alarms = environment.alarms;
  if (alarms?.topicArn) return sns.Topic.fromTopicArn(scope, 'AlarmTopic', alarms.topicArn);
  if (!alarms?.email) return undefined;
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: `Okta token hook alarms (${environment.name})`,
    enforceSSL: true,
  });
  topic.addSubscription(new EmailSubscription(alarms.email));
  Validations.of(topic).acknowledge({
    id: 'AwsSolutions-SNS2',
    reason:
      'CloudWatch alarms cannot publish to a topic encrypted with the AWS managed SNS key, and alarm messages carry no secret: only alarm names and states.',
  });
  return topic;
}
