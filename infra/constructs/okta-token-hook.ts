import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Duration, RemovalPolicy, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { describeIssue } from '../../lambda/shared/config-issues.js';
import { HOOK_ENV } from '../../lambda/shared/contract.js';
import { hookSettingsEnvironment } from '../../lambda/shared/hook-settings.js';
import {
  deadlineFor,
  deadlineProblem,
  HookConfigSchema,
  type HookConfig,
  type HookConfigInput,
} from '../../lambda/shared/hook-config.js';
import { ApiKeyRotation } from './api-key-rotation.js';
import { HookKeyRotation } from './hook-key-rotation.js';
import { DEFAULT_P99_DURATION_THRESHOLD, HookAlarms, monitoringProblems, OKTA_HOOK_BUDGET, type HookMonitoringOptions } from './hook-alarms.js';
import { defaultReservedConcurrency } from './hook-ceiling.js';
import { dashboardNameFor, HookDashboard } from './hook-dashboard.js';
import { HookOutcomeMetrics, outcomeNamespace } from './hook-outcomes.js';
import { acceptsApiKeyProps, API_KEY_AUTH_PROPS, hookAuthProblems, runtimeHookAuth, type OktaHookAuthProps } from '../hook-auth.js';
import { targetList, targetProblems } from '../targets.js';
import { HookRegistration, type HookTargetProps, type HookTargetsEntry } from './hook-registration.js';
import { DEFAULT_FUNCTION_MEMORY_MB, ProjectFunction } from './project-function.js';
import { grantGetSecretValue } from './secret-access.js';
import { tokenHookCode } from './transform-code.js';

export const DEFAULT_HOOK_TIMEOUT = Duration.seconds(2);
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;
/** Long enough for a header-safe key to resist guessing; letters and digits only. */
export const API_KEY_LENGTH = 64;
/** Lambda refuses a function whose environment variables (names and values) exceed 4 KB. */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;
/** Room for the API key secret's ARN, unknown until deploy. */
const SECRET_ARN_ALLOWANCE_BYTES = 200;
/** `HOOK_SETTINGS_SHA256` holds a hex SHA-256. */
const SHA256_HEX_LENGTH = 64;
/** The alias Okta calls: provisioned concurrency and the Function URL live on it. */
export const LIVE_ALIAS = 'live';

export interface OktaTokenHookProps {
  /** The Okta org, e.g. `https://example.okta.com`. */
  readonly orgUrl: string;
  /**
   * The secret holding the Okta management credentials (an SSWS token or a service app), created by
   * you before the first deploy. Only the registrar reads it.
   */
  readonly credentialsSecret: secretsmanager.ISecret;
  /**
   * The access-policy rule the hook is attached to, each part an id or an exact name. Give this or
   * `targets`.
   * @default - none: `targets` names the rules
   */
  readonly target?: HookTargetProps;
  /**
   * Several rules, across policies and authorization servers, attached all or nothing: each a rule
   * (`{ authorizationServer, policy, rule }`), or every rule of a policy but some
   * (`{ authorizationServer, policy, allRules: true, except: ['Rule name'] }`; a rule added to the
   * policy later shows as drift in `status` and is attached on the next deploy). Give this or `target`.
   * @default - none: `target` names the rule
   */
  readonly targets?: readonly HookTargetsEntry[];
  /** The inline hook's name in Okta; names are unique per org. */
  readonly hookName: string;
  /**
   * The hook's runtime config (claim rules, failure mode, deadline, auth header), validated by the same
   * schema as an environment's `hook` in cdk.json. An unset `deadlineMs` follows the timeout (timeout
   * less 500 ms); a set one may be at most that.
   */
  readonly hookConfig: HookConfigInput;
  /**
   * Your claim logic: the path of a module exporting `transform` (type `Transform`), absolute or relative
   * to where cdk runs. It is bundled with esbuild at synth (install `esbuild` in your app), next to the
   * prebuilt hook, so each hook (each Stage, each environment) can have its own.
   * @default - the claim rules of `hookConfig` only (prebuilt code, nothing bundled at synth)
   */
  readonly transform?: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** Whole seconds below Okta's 3 s budget: 1 or 2 s. @default Duration.seconds(2) */
  readonly timeout?: Duration;
  /**
   * The hook's concurrency ceiling, so a flood of calls to its public URL cannot take the account's
   * Lambda concurrency; calls above it are throttled (and alarmed). `'unreserved'` sets none.
   * @default - `expectedTokensPerSecond` × timeout, at most 75 (Okta's org concurrency limit: Okta
   * never has more calls in flight), see hook-ceiling.ts
   */
  readonly reservedConcurrency?: number | 'unreserved';
  /** The org's peak token requests per second, to size the default ceiling. @default - Okta's limit sizes it: 75 */
  readonly expectedTokensPerSecond?: number;
  /** Thresholds of the outcome alarms, and the dashboard. @default - the defaults of HookMonitoringOptions, a dashboard */
  readonly monitoring?: HookMonitoringOptions & {
    /** A CloudWatch dashboard for the hook. @default true */
    readonly dashboard?: boolean;
  };
  /** Warm instances on the `live` alias, so Okta never waits for a cold start. @default - none */
  readonly provisionedConcurrency?: number;
  /** Retention of the hook's and registrar's log groups. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Receives the alarms and their recovery. @default - alarms without actions */
  readonly alarmTopic?: sns.ITopic;
  /** Take over a rule that already carries another hook (restored on delete). @default false */
  readonly replaceExistingHook?: boolean;
  /** Leave the hook registered in Okta when the stack is deleted. @default false */
  readonly retainOnDelete?: boolean;
  /** Call the deployed hook through Okta's `/execute` before attaching it. @default true */
  readonly verify?: boolean;
  /**
   * A non-secret marker of the API key: changing it makes the next deploy send the current key to Okta
   * again (rotation does that by itself). @default '1'
   */
  readonly apiKeyVersion?: string;
  /**
   * How Okta authenticates to the hook: the API key, or OAuth 2.0 bearer tokens from a custom
   * authorization server other than the target's (see OktaHookAuthProps).
   * @default { type: 'apiKey' }
   */
  readonly auth?: OktaHookAuthProps;
  /**
   * Rotation of what Okta authenticates with: the API key (ApiKeyRotation), or with OAuth 2.0 the Hook
   * Key (private_key_jwt, HookKeyRotation) or the client secret (client_secret_post).
   * @default { enabled: true, schedule: Duration.days(30) }
   */
  readonly rotation?: { readonly enabled?: boolean; readonly schedule?: Duration };
}

/** Invalid props; the message lists every problem. */
export class OktaTokenHookPropsError extends Error {
  override readonly name = 'OktaTokenHookPropsError';
}

/**
 * An Okta token inline hook on AWS Lambda, registered with Okta: the hook function behind a public
 * Function URL (Okta cannot sign requests; the hook checks the API key itself), the API key secret,
 * the registrar custom resource that registers, verifies and attaches the hook, and alarms.
 *
 * The hook is grantable: `table.grantReadData(hook)` lets your transform read a table, and
 * `hook.function.addEnvironment(...)` tells it where.
 *
 * @example
 * const hook = new OktaTokenHook(this, 'Hook', {
 *   orgUrl: 'https://example.okta.com',
 *   credentialsSecret: secretsmanager.Secret.fromSecretNameV2(this, 'Credentials', 'okta-token-hook/credentials'),
 *   target: { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' },
 *   hookName: 'okta-token-hook-prod',
 *   hookConfig: { failureMode: 'open', rules: [] },
 *   transform: 'lib/transform.ts',
 * });
 * new CfnOutput(this, 'FunctionUrl', { value: hook.url });
 */
export class OktaTokenHook extends Construct implements iam.IGrantable {
  /** The validated hook config the function receives as `HOOK_CONFIG`, its deadline resolved. */
  readonly hookConfig: HookConfig;
  readonly hookFunction: ProjectFunction;
  /** The hook's Lambda function: add environment variables for your transform here. */
  readonly function: lambda.Function;
  /** The hook function's role: grant it what your transform reads (`table.grantReadData(hook)`). */
  readonly grantPrincipal: iam.IPrincipal;
  /** The `live` alias Okta calls. */
  readonly alias: lambda.Alias;
  readonly functionUrl: lambda.FunctionUrl;
  /** The hook's URL as registered with Okta. */
  readonly url: string;
  /**
   * The key Okta sends in `hookConfig.authHeader`; rotation hangs off this secret. Undefined with OAuth
   * 2.0 unless `auth.acceptApiKey` keeps the key during a migration: no shared secret exists then.
   */
  readonly apiKeySecret: secretsmanager.Secret | undefined;
  /**
   * OAuth 2.0 with client_secret_post: the secret the registrar keeps Okta's client secret in (Okta
   * generates it; it is never a property, an output or an environment variable). Undefined otherwise.
   */
  readonly clientSecret: secretsmanager.Secret | undefined;
  readonly credentialsSecret: secretsmanager.ISecret;
  readonly registration: HookRegistration;
  readonly alarms: HookAlarms;
  /** The outcome counts from the hook's log line. */
  readonly outcomes: HookOutcomeMetrics;
  /** Undefined when `monitoring.dashboard` is false. */
  readonly dashboard: HookDashboard | undefined;
  /** The hook's reserved concurrency; undefined when unreserved. */
  readonly reservedConcurrency: number | undefined;
  /** Rotates the API key, or the Hook Key (private_key_jwt); undefined when rotation is turned off. */
  readonly rotation: ApiKeyRotation | HookKeyRotation | undefined;
  /** The inline hook's id in Okta. */
  readonly hookId: string;

  constructor(scope: Construct, id: string, props: OktaTokenHookProps) {
    const timeout = props.timeout ?? DEFAULT_HOOK_TIMEOUT;
    // Before super: invalid props leave nothing half-built in the tree.
    const { hookConfig, reservedConcurrency } = validate(props, timeout);
    super(scope, id);
    const auth = props.auth ?? API_KEY_AUTH_PROPS;
    const hookAuth = runtimeHookAuth(props.orgUrl, auth);
    this.hookConfig = hookConfig;
    this.reservedConcurrency = reservedConcurrency;
    const logRetention = props.logRetention ?? DEFAULT_LOG_RETENTION;

    this.apiKeySecret = acceptsApiKeyProps(auth)
      ? new secretsmanager.Secret(this, 'ApiKey', {
          description: `Key Okta sends to the token hook ${props.hookName}`,
          generateSecretString: { passwordLength: API_KEY_LENGTH, excludePunctuation: true, includeSpace: false },
          removalPolicy: RemovalPolicy.DESTROY,
        })
      : undefined;
    this.clientSecret =
      auth.type === 'oauth2' && auth.method === 'client_secret_post'
        ? new secretsmanager.Secret(this, 'ClientSecret', {
            description: `Okta's client secret for the OAuth client of the token hook ${props.hookName} (the registrar stores it)`,
            removalPolicy: RemovalPolicy.DESTROY,
          })
        : undefined;
    this.credentialsSecret = props.credentialsSecret;

    this.hookFunction = new ProjectFunction(this, 'Hook', {
      code: tokenHookCode(props.transform),
      handler: 'handler',
      description: `Okta token inline hook ${props.hookName}`,
      timeout,
      memorySize: props.memorySize ?? DEFAULT_FUNCTION_MEMORY_MB,
      reservedConcurrentExecutions: reservedConcurrency,
      logRetention,
      environment: {
        ...(this.apiKeySecret ? { [HOOK_ENV.apiKeySecretArn]: this.apiKeySecret.secretArn } : {}),
        // Validated here, so the hook can take them as they are (with their digest) and skip zod at cold start.
        ...hookSettingsEnvironment(this.hookConfig, hookAuth),
      },
    });
    if (this.apiKeySecret) grantGetSecretValue(this.hookFunction.role, this.apiKeySecret);
    this.function = this.hookFunction.function;
    this.grantPrincipal = this.hookFunction.role;

    this.alias = new lambda.Alias(this, 'Live', {
      aliasName: LIVE_ALIAS,
      version: this.hookFunction.function.currentVersion,
      provisionedConcurrentExecutions: props.provisionedConcurrency,
    });
    this.functionUrl = this.alias.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    this.url = this.functionUrl.url;
    const publicUrlReason =
      'Okta cannot sign requests (no SigV4), so the Function URL has auth type NONE; the hook answers 401 to every call without the API key (constant-time compare) or a valid OAuth 2.0 access token before parsing the body.';
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      Validations.of(this.alias).acknowledge({ id: `${pack}-LambdaFunctionPublicAccessProhibited`, reason: publicUrlReason });
    }

    this.registration = new HookRegistration(this, 'Registration', {
      orgUrl: props.orgUrl,
      credentialsSecret: props.credentialsSecret,
      ...(this.apiKeySecret ? { apiKeySecret: this.apiKeySecret } : {}),
      ...(this.clientSecret ? { clientSecret: this.clientSecret } : {}),
      auth,
      hookName: props.hookName,
      hookUrl: this.url,
      authHeader: this.hookConfig.authHeader,
      ...(props.target ? { target: props.target } : {}),
      ...(props.targets ? { targets: props.targets } : {}),
      replaceExistingHook: props.replaceExistingHook ?? false,
      verify: props.verify ?? true,
      retainOnDelete: props.retainOnDelete ?? false,
      apiKeyVersion: props.apiKeyVersion ?? '1',
      logRetention,
    });
    // Okta's /execute reaches the hook during registration: the URL's permissions and the alias's
    // warm instances must exist first.
    this.registration.resource.node.addDependency(this.alias);
    this.hookId = this.registration.hookId;

    const { dashboard: withDashboard = true, ...thresholds } = props.monitoring ?? {};
    this.outcomes = new HookOutcomeMetrics(this, 'Outcomes', {
      logGroup: this.hookFunction.logGroup,
      namespace: outcomeNamespace(props.hookName),
    });
    this.alarms = new HookAlarms(this, 'Alarms', {
      ...thresholds,
      function: this.hookFunction.function,
      topic: props.alarmTopic,
      outcomes: this.outcomes,
      failureMode: this.hookConfig.failureMode,
    });
    this.dashboard = withDashboard
      ? new HookDashboard(this, 'Dashboard', {
          dashboardName: dashboardNameFor(props.hookName),
          function: this.hookFunction.function,
          outcomes: this.outcomes,
          p99DurationThreshold: thresholds.p99DurationThreshold ?? DEFAULT_P99_DURATION_THRESHOLD,
          ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}),
          alarms: this.alarms.all(),
        })
      : undefined;

    const rotationEnabled = props.rotation?.enabled ?? true;
    // What Okta authenticates with: the API key, or the client secret (client_secret_post).
    const rotated = auth.type === 'apiKey' ? this.apiKeySecret : this.clientSecret;
    if (rotationEnabled && rotated) {
      const rotation = new ApiKeyRotation(this, 'Rotation', {
        apiKeySecret: rotated,
        ...(rotated === this.clientSecret ? { authMethod: 'client_secret_post' as const } : {}),
        credentialsSecret: props.credentialsSecret,
        hookName: props.hookName,
        schedule: props.rotation?.schedule,
        logRetention,
      });
      // A rotation PUTs the registered hook: the schedule starts once the hook is in Okta.
      rotation.schedule.node.addDependency(this.registration);
      this.rotation = rotation;
    } else if (rotationEnabled && auth.type === 'oauth2' && auth.method === 'private_key_jwt') {
      const rotation = new HookKeyRotation(this, 'Rotation', {
        credentialsSecret: props.credentialsSecret,
        hookName: props.hookName,
        schedule: props.rotation?.schedule,
        logRetention,
      });
      rotation.rule.node.addDependency(this.registration);
      this.rotation = rotation;
    } else {
      this.rotation = undefined;
    }
    const unrotated = !rotationEnabled
      ? 'Rotation is turned off for this environment (rotation.enabled false): the value changes only when the secret is replaced.'
      : 'Okta authenticates with OAuth 2.0: the API key is kept only while the hook also accepts it (acceptApiKey, during a migration), and is not rotated.';
    for (const secret of [this.apiKeySecret, this.clientSecret]) {
      if (secret && !(this.rotation instanceof ApiKeyRotation && secret === rotated)) {
        Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: unrotated });
      }
    }
  }

  /** Lets `grantee` read the API key (e.g. a rotation function); nothing else. Throws when Okta authenticates with OAuth 2.0 only (no key). */
  grantReadApiKey(grantee: iam.IGrantable): iam.Grant {
    if (!this.apiKeySecret) throw new OktaTokenHookPropsError('this hook has no API key: Okta authenticates with OAuth 2.0 (auth.type oauth2 without acceptApiKey)');
    return grantGetSecretValue(grantee, this.apiKeySecret);
  }
}

function validate(props: OktaTokenHookProps, timeout: Duration): { hookConfig: HookConfig; reservedConcurrency: number | undefined } {
  const problems: string[] = [];
  const parsed = HookConfigSchema.safeParse(props.hookConfig);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => describeIssue(issue, { schema: HookConfigSchema, input: props.hookConfig, prefix: 'hookConfig' })));
  const auth = props.auth ?? API_KEY_AUTH_PROPS;
  if (parsed.success) problems.push(...hookAuthProblems(auth, targetList(props).map((t) => t.authorizationServer), parsed.data.authHeader));
  if (parsed.success) {
    const runtime = runtimeHookAuth(props.orgUrl, auth);
    const authBytes = runtime ? Buffer.byteLength(HOOK_ENV.hookAuth + JSON.stringify(runtime)) : 0;
    const bytes =
      Buffer.byteLength(HOOK_ENV.hookConfig + JSON.stringify(parsed.data)) +
      authBytes +
      HOOK_ENV.apiKeySecretArn.length +
      SECRET_ARN_ALLOWANCE_BYTES +
      HOOK_ENV.settingsDigest.length +
      SHA256_HEX_LENGTH;
    if (bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES) {
      problems.push(
        `hookConfig takes about ${bytes} bytes of environment variables and Lambda allows ${LAMBDA_ENVIRONMENT_LIMIT_BYTES}: use fewer or shorter rules, or move the logic into the transform`,
      );
    }
  }

  let deadlineMs = parsed.success ? parsed.data.deadlineMs : undefined;
  if (!Token.isUnresolved(timeout.toMilliseconds())) {
    const ms = timeout.toMilliseconds();
    const given = props.hookConfig.deadlineMs;
    if (ms >= OKTA_HOOK_BUDGET.toMilliseconds() || ms % 1000 !== 0 || ms < 1000) {
      problems.push(`timeout must be whole seconds below Okta's 3 s budget, got ${ms} ms: use Duration.seconds(1) or Duration.seconds(2)`);
    } else if (given === undefined) {
      deadlineMs = deadlineFor(ms);
    } else if (typeof given === 'number') {
      const problem = deadlineProblem(given, ms);
      if (problem) problems.push(`hookConfig.deadlineMs: ${problem}`);
    }
  }
  if (props.transform !== undefined && !existsSync(resolve(props.transform))) {
    problems.push(`transform: no file at ${resolve(props.transform)}: give the path of your module that exports 'transform'`);
  }
  const memory = props.memorySize;
  if (memory !== undefined && (!Number.isInteger(memory) || memory < 128 || memory > 10240)) {
    problems.push(`memorySize must be a whole number of MB from 128 to 10240, got ${memory}`);
  }
  const { provisionedConcurrency: provisioned, expectedTokensPerSecond: rate } = props;
  const given = props.reservedConcurrency === 'unreserved' ? undefined : props.reservedConcurrency;
  for (const [name, value] of [['reservedConcurrency', given], ['provisionedConcurrency', provisioned]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) problems.push(`${name} must be a whole number of at least 1, got ${value}`);
  }
  if (given !== undefined && provisioned !== undefined && provisioned > given) {
    problems.push(`provisionedConcurrency (${provisioned}) exceeds reservedConcurrency (${given}): lower it or raise reservedConcurrency`);
  }
  if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) problems.push(`expectedTokensPerSecond must be a positive number, got ${rate}`);
  problems.push(...monitoringProblems(props.monitoring ?? {}));
  // A timeout only known at deploy time counts as the longest Okta allows.
  const timeoutMs = timeout.toMilliseconds();
  const timeoutSeconds = Token.isUnresolved(timeoutMs) ? OKTA_HOOK_BUDGET.toSeconds() - 1 : Math.ceil(timeoutMs / 1000);
  const reservedConcurrency =
    props.reservedConcurrency === 'unreserved'
      ? undefined
      : (given ?? defaultReservedConcurrency({ timeoutSeconds, ...(rate !== undefined ? { expectedTokensPerSecond: rate } : {}), ...(provisioned !== undefined ? { provisionedConcurrency: provisioned } : {}) }));
  problems.push(...targetProblems(props));
  if (props.hookName.length < 1 || props.hookName.length > 255) {
    problems.push(`hookName must be 1 to 255 characters, got ${props.hookName.length}`);
  }
  if (!Token.isUnresolved(props.orgUrl) && !/^https:\/\/[^/\s]+\/?$/.test(props.orgUrl)) {
    problems.push(`orgUrl must be the org's https origin, e.g. https://example.okta.com, got ${props.orgUrl}`);
  }
  if (problems.length) throw new OktaTokenHookPropsError(`invalid OktaTokenHook props:\n  - ${problems.join('\n  - ')}`);
  return { hookConfig: { ...(parsed as { data: HookConfig }).data, deadlineMs: deadlineMs as number }, reservedConcurrency };
}
