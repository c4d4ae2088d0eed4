import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import {
  CUSTOM_RESOURCE_TYPE,
  REGISTRAR_ATTRIBUTES,
  type RegistrarPropertiesInput,
} from '../../lambda/shared/contract.js';
import { functionAssetDir } from './package-assets.js';
import type { PolicyRulesTargetProps } from '../targets.js';
import { targetProperties } from '../targets.js';
import type { OktaHookAuthProps } from '../hook-auth.js';
import { ProjectFunction } from './project-function.js';
import { grantGetSecretValue } from './secret-access.js';

/** Okta calls are retried on 429 and 5xx with backoff; a registration may wait out a rate-limit window. */
export const REGISTRAR_TIMEOUT = Duration.minutes(10);

export interface HookTargetProps {
  /** Authorization server id, or its exact name (`default` for the default server). */
  readonly authorizationServer: string;
  /** Access policy id or exact name. */
  readonly policy: string;
  /** Policy rule id or exact name. */
  readonly rule: string;
}

/** One entry of `targets`: a rule, or every rule of a policy (`allRules: true`) but those in `except`. */
export type HookTargetsEntry = HookTargetProps | PolicyRulesTargetProps;

export interface HookRegistrationProps {
  readonly orgUrl: string;
  /** The secret holding the Okta management credentials (SSWS token or service app). */
  readonly credentialsSecret: secretsmanager.ISecret;
  /** The secret holding the key Okta sends to the hook; none when Okta authenticates with OAuth 2.0. */
  readonly apiKeySecret?: secretsmanager.ISecret;
  /** client_secret_post: the secret the registrar stores Okta's client secret in. */
  readonly clientSecret?: secretsmanager.ISecret;
  /** How Okta authenticates to the hook; with OAuth 2.0 the registrar provisions the client, scope, policy and hook key. */
  readonly auth: OktaHookAuthProps;
  readonly hookName: string;
  readonly hookUrl: string;
  /** The header Okta puts the key in; the hook must read the same one. */
  readonly authHeader: string;
  /** One rule (exactly one of `target` and `targets`). */
  readonly target?: HookTargetProps;
  /** Several rules, attached all or nothing. */
  readonly targets?: readonly HookTargetsEntry[];
  readonly replaceExistingHook: boolean;
  readonly verify: boolean;
  readonly retainOnDelete: boolean;
  /** Non-secret marker of the key; a change re-sends the current key to Okta. */
  readonly apiKeyVersion: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The `Custom::OktaTokenHook` resource: the registrar function behind a CDK `Provider` registers the
 * hook with Okta, verifies it and attaches it to every target rule (all or nothing), and undoes that on delete. Its properties
 * carry secret ARNs, never secret values.
 */
export class HookRegistration extends Construct {
  readonly registrar: ProjectFunction;
  readonly resource: CustomResource;
  /** The inline hook's id in Okta. */
  readonly hookId: string;
  /** The ids of the first target rule (of the only one, with `target`). */
  readonly authorizationServerId: string;
  readonly policyId: string;
  readonly ruleId: string;

  constructor(scope: Construct, id: string, props: HookRegistrationProps) {
    super(scope, id);
    this.registrar = new ProjectFunction(this, 'Registrar', {
      code: lambda.Code.fromAsset(functionAssetDir('registrar')),
      handler: 'onEvent',
      description: `Registers the Okta token hook ${props.hookName} and attaches it to its rule`,
      timeout: REGISTRAR_TIMEOUT,
      logRetention: props.logRetention,
    });
    grantGetSecretValue(this.registrar.role, props.credentialsSecret);
    if (props.apiKeySecret) grantGetSecretValue(this.registrar.role, props.apiKeySecret);
    if (props.clientSecret) {
      grantGetSecretValue(this.registrar.role, props.clientSecret);
      // Okta shows a new client's secret once: the registrar puts it here.
      iam.Grant.addToPrincipal({
        grantee: this.registrar.role,
        actions: ['secretsmanager:PutSecretValue'],
        resourceArns: [props.clientSecret.secretFullArn ?? `${props.clientSecret.secretArn}-??????`],
      });
    }

    const frameworkLogs = new logs.LogGroup(this, 'ProviderLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const frameworkRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Custom resource provider framework for the Okta token hook (execution role)',
    });
    frameworkRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [frameworkLogs.logGroupArn],
      }),
    );
    const provider = new Provider(this, 'Provider', {
      onEventHandler: this.registrar.function,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogs,
    });

    const registrarLogicalId = Stack.of(this).getLogicalId(this.registrar.function.node.defaultChild as lambda.CfnFunction);
    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${registrarLogicalId}.Arn>:*]`,
      reason:
        'The provider framework may invoke the registrar function and its versions (`:*`, added by CDK grantInvoke); no other function.',
    });

    const properties: RegistrarPropertiesInput = {
      OrgUrl: props.orgUrl,
      CredentialsSecretArn: props.credentialsSecret.secretArn,
      ...(props.apiKeySecret ? { ApiKeySecretArn: props.apiKeySecret.secretArn } : {}),
      ApiKeyVersion: props.apiKeyVersion,
      ...(props.auth.type === 'oauth2'
        ? {
            Auth: {
              Type: 'oauth2',
              Method: props.auth.method,
              AuthorizationServer: props.auth.authorizationServer,
              Scope: props.auth.scope,
              Audience: props.auth.audience,
              ...(props.clientSecret ? { ClientSecretArn: props.clientSecret.secretArn } : {}),
            },
          }
        : {}),
      HookName: props.hookName,
      HookUrl: props.hookUrl,
      AuthHeader: props.authHeader,
      ...targetProperties(props),
      ReplaceExistingHook: props.replaceExistingHook,
      Verify: props.verify,
      RetainOnDelete: props.retainOnDelete,
    };
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: CUSTOM_RESOURCE_TYPE,
      properties,
    });
    this.hookId = this.resource.getAttString(REGISTRAR_ATTRIBUTES.hookId);
    this.authorizationServerId = this.resource.getAttString(REGISTRAR_ATTRIBUTES.authorizationServerId);
    this.policyId = this.resource.getAttString(REGISTRAR_ATTRIBUTES.policyId);
    this.ruleId = this.resource.getAttString(REGISTRAR_ATTRIBUTES.ruleId);
  }
}
