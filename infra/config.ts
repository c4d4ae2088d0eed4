import * as z from 'zod';
import { describeIssue } from '../lambda/shared/config-issues.js';
import { deadlineFor, deadlineProblem, HookConfigSchema, type HookConfig } from '../lambda/shared/hook-config.js';
import { OrgUrlSchema } from '../lambda/okta/credentials.js';
import { hookAuthProblems } from './hook-auth.js';
import { targetList, targetProblems, type TargetListEntry } from './targets.js';

/**
 * One environment of `cdk.json` (`context.environments.<name>`), validated before anything is built.
 * Deliberately free of aws-cdk-lib: the sandbox and the operator CLI load environments without paying
 * for the CDK import.
 */

/** Okta gives a token hook 3 s; a Lambda timeout is whole seconds, so 2 s is the longest that fits. */
export const MAX_TIMEOUT_SECONDS = 2;
export { DEADLINE_MARGIN_MS } from '../lambda/shared/hook-config.js';
export const DEFAULT_MEMORY_MB = 256;
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** Days between rotations of the hook's API key. */
export const DEFAULT_ROTATION_DAYS = 30;

/** The retention periods CloudWatch Logs accepts (finite ones: logs of a hook should expire). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Environment names become part of the stack name (`OktaTokenHook-<name>`) and the default hook name. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

export const TargetSchema = z.strictObject({
  authorizationServer: z.string().min(1),
  policy: z.string().min(1),
  rule: z.string().min(1),
});

/** One entry of `targets`: a rule, or every rule of a policy (`allRules: true`) but those in `except`. */
export const TargetListEntrySchema = z
  .strictObject({
    authorizationServer: z.string().min(1),
    policy: z.string().min(1),
    rule: z.string().min(1).optional(),
    allRules: z.literal(true).optional(),
    except: z.array(z.string().min(1)).min(1).optional(),
  })
  .superRefine((target, ctx) => {
    if ((target.rule === undefined) === (target.allRules === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['rule'], message: 'give either rule or allRules: true' });
    } else if (target.except !== undefined && target.allRules === undefined) {
      ctx.addIssue({ code: 'custom', path: ['except'], message: 'except goes with allRules: true' });
    }
  })
  .transform((target): TargetListEntry => {
    const { authorizationServer, policy } = target;
    if (target.rule !== undefined) return { authorizationServer, policy, rule: target.rule };
    return { authorizationServer, policy, allRules: true, ...(target.except ? { except: target.except } : {}) };
  });

export const AlarmsSchema = z
  .strictObject({
    email: z.email().optional(),
    topicArn: z.string().regex(TOPIC_ARN).optional(),
  })
  .refine((alarms) => (alarms.email === undefined) !== (alarms.topicArn === undefined), {
    message: 'give exactly one of email or topicArn',
  });

/** Thresholds of the outcome alarms (OktaTokenHook `monitoring`; defaults and reasons in hook-alarms.ts). */
export const MonitoringSchema = z.strictObject({
  unauthorizedThreshold: z.int().min(1).optional(),
  failureRatePercent: z.number().gt(0).max(100).optional(),
  deniedThreshold: z.int().min(1).optional(),
  p99DurationMs: z.int().min(1).max(2999).optional(),
  dashboard: z.boolean().optional(),
});

/** How Okta authenticates to the hook (`OktaHookAuthProps`): the API key, or OAuth 2.0. */
export const AuthSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('apiKey'),
    // While moving back from OAuth 2.0: the hook still takes the issuer's tokens, Okta sends the key.
    acceptOAuth2: z
      .strictObject({ authorizationServer: z.string().min(1), scope: z.string().min(1), audience: z.string().min(1) })
      .optional(),
  }),
  z.strictObject({
    type: z.literal('oauth2'),
    method: z.enum(['client_secret_post', 'private_key_jwt']),
    authorizationServer: z.string().min(1),
    scope: z.string().min(1),
    audience: z.string().min(1),
    acceptApiKey: z.boolean().default(false),
  }),
]);

export const EnvironmentSchema = z.strictObject({
  account: z.string().regex(/^\d{12}$/).optional(),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/).optional(),
  orgUrl: OrgUrlSchema,
  credentialsSecret: z
    .string()
    .refine((value) => SECRET_ARN.test(value) || SECRET_NAME.test(value), 'is neither a secret name nor a Secrets Manager secret ARN'),
  target: TargetSchema.optional(),
  targets: z.array(TargetListEntrySchema).min(1).optional(),
  hookName: z.string().min(1).max(255).optional(),
  hook: HookConfigSchema,
  auth: AuthSchema.default({ type: 'apiKey' }),
  memorySize: z.int().min(128).max(10240).default(DEFAULT_MEMORY_MB),
  timeoutSeconds: z.int().min(1).max(MAX_TIMEOUT_SECONDS).default(MAX_TIMEOUT_SECONDS),
  reservedConcurrency: z.union([z.int().min(1), z.literal('unreserved')]).optional(),
  expectedTokensPerSecond: z.number().positive().optional(),
  provisionedConcurrency: z.int().min(1).optional(),
  logRetentionDays: z
    .int()
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), 'is not a retention CloudWatch Logs offers')
    .default(DEFAULT_LOG_RETENTION_DAYS),
  alarms: AlarmsSchema.optional(),
  monitoring: MonitoringSchema.optional(),
  replaceExistingHook: z.boolean().default(false),
  retainOnDelete: z.boolean().default(false),
  verify: z.boolean().default(true),
  apiKeyVersion: z.string().min(1).max(64).default('1'),
  rotation: z
    .strictObject({
      enabled: z.boolean().default(true),
      scheduleDays: z.int().min(1).max(1000).default(DEFAULT_ROTATION_DAYS),
    })
    .prefault({}),
});

export type EnvironmentInput = z.input<typeof EnvironmentSchema>;

/** A validated environment, with every default filled in. */
export interface EnvironmentConfig extends Omit<z.output<typeof EnvironmentSchema>, 'hookName' | 'hook'> {
  /** The key under `environments`. */
  readonly name: string;
  /** The inline hook's name in Okta (unique per org). */
  readonly hookName: string;
  /** The hook's runtime config, passed to the function as `HOOK_CONFIG`. */
  readonly hook: HookConfig;
}

/** How to fix each key, appended to zod's account of what is wrong with it. */
const FIXES: Record<string, string> = {
  account: 'set the 12-digit AWS account id, or remove the key to deploy to the account of your credentials',
  region: 'set an AWS region such as eu-west-1, or remove the key to use the region of your credentials',
  orgUrl: 'set the Okta org origin, e.g. https://example.okta.com',
  credentialsSecret:
    'set the name or full ARN of the Secrets Manager secret that holds the Okta credentials (see "Deploy to AWS" in the README)',
  target: 'set {"authorizationServer", "policy", "rule"}, each an id or an exact name',
  targets:
    'set a list of {"authorizationServer", "policy", "rule"}, or {"authorizationServer", "policy", "allRules": true, "except": ["rule name"]} for every rule of a policy',
  allRules: 'set true for every rule of the policy, or give rule instead',
  except: 'set the names of the rules of the policy to leave alone, e.g. ["Legacy apps"]',
  authorizationServer: 'set the authorization server id, or its name ("default" for the default server)',
  policy: 'set the access policy id or exact name, e.g. "Default Policy"',
  rule: 'set the policy rule id or exact name, e.g. "Default Policy Rule"',
  hookName: 'set 1 to 255 characters, unique in the Okta org, or remove the key for okta-token-hook-<env>',
  memorySize: 'set the hook memory in MB, 128 to 10240',
  timeoutSeconds: `set 1 or ${MAX_TIMEOUT_SECONDS}: Okta waits 3 s for a token hook`,
  reservedConcurrency:
    'set a whole number of at least 1, "unreserved" for no ceiling, or remove the key for the default ceiling (see "Concurrency ceiling" in the README)',
  expectedTokensPerSecond: "set the org's peak token requests per second (a positive number), or remove the key",
  monitoring:
    'set {"unauthorizedThreshold", "failureRatePercent", "deniedThreshold", "p99DurationMs", "dashboard"} (each optional), or remove the key',
  unauthorizedThreshold: 'set the number of 401 answers in 5 minutes that raises the alarm, at least 1',
  failureRatePercent: 'set the percentage of failed calls in 5 minutes that raises the alarm, above 0 and at most 100',
  deniedThreshold: 'set the number of denied token requests in 5 minutes that raises an alarm, or remove the key for no alarm',
  p99DurationMs: "set the p99 duration in ms that raises the alarm, below Okta's 3000",
  dashboard: 'set true or false',
  provisionedConcurrency: 'set a whole number of at least 1, or remove the key',
  logRetentionDays: `set one of ${LOG_RETENTION_DAYS.join(', ')}`,
  alarms: 'set {"email": "you@example.com"} or {"topicArn": "arn:aws:sns:<region>:<account>:<topic>"}, or remove the key',
  email: 'set an e-mail address',
  topicArn: 'set the ARN of an SNS topic, e.g. arn:aws:sns:eu-west-1:123456789012:alarms',
  replaceExistingHook: 'set true or false',
  retainOnDelete: 'set true or false',
  verify: 'set true or false',
  apiKeyVersion: 'set a short label (1 to 64 characters); change it to send the current API key to Okta again',
  rotation: 'set {"enabled": true|false, "scheduleDays": 1..1000}, or remove the key for rotation every 30 days',
  auth: 'set {"type": "apiKey"}, or {"type": "oauth2", "method": "private_key_jwt" or "client_secret_post", "authorizationServer": "aus…", "scope": "…", "audience": "…"}',
  method: 'set private_key_jwt (Okta signs with a Hook Key, no shared secret) or client_secret_post',
  audience: "set the audience of the issuing server's tokens, e.g. api://okta-token-hook",
  scope: 'set a custom scope of the issuing server, e.g. okta-token-hook:invoke',
  acceptApiKey: 'set true for the deploy that moves from apiKey to oauth2 (the hook takes both while Okta switches), then remove it',
  acceptOAuth2: 'set {"authorizationServer", "scope", "audience"} of the oauth2 auth you are leaving, for the deploy that moves back to apiKey, then remove it',
  enabled: 'set true or false',
  scheduleDays: 'set whole days between key rotations, 1 to 1000',
};

/** The environment asked for is missing or unknown. */
export class UnknownEnvironmentError extends Error {
  override readonly name = 'UnknownEnvironmentError';
}

/** The environment exists but its config is invalid; `problems` holds one line per key. */
export class EnvironmentConfigError extends Error {
  override readonly name = 'EnvironmentConfigError';
  constructor(
    readonly environment: string,
    readonly problems: readonly string[],
  ) {
    super(`environment '${environment}' in cdk.json is invalid:\n  - ${problems.join('\n  - ')}`);
  }
}

/** The environment names under `context.environments`, sorted. */
export function environmentNames(context: Readonly<Record<string, unknown>>): string[] {
  const environments = context['environments'];
  if (typeof environments !== 'object' || environments === null || Array.isArray(environments)) return [];
  return Object.keys(environments).sort();
}

/** Checks that need more than one key. */
function crossChecks(config: z.output<typeof EnvironmentSchema>, raw: Record<string, unknown>, prefix: string): string[] {
  const problems: string[] = targetProblems(config).map((problem) => `${prefix}: ${problem}`);
  const { reservedConcurrency, provisionedConcurrency } = config;
  if (typeof reservedConcurrency === 'number' && provisionedConcurrency !== undefined && provisionedConcurrency > reservedConcurrency) {
    problems.push(
      `${prefix}.provisionedConcurrency: ${provisionedConcurrency} exceeds reservedConcurrency ${reservedConcurrency}: lower it or raise reservedConcurrency`,
    );
  }
  const rawHook = (raw['hook'] ?? {}) as Record<string, unknown>;
  const deadline = 'deadlineMs' in rawHook ? deadlineProblem(config.hook.deadlineMs, config.timeoutSeconds * 1000) : undefined;
  if (deadline) problems.push(`${prefix}.hook.deadlineMs: ${deadline}`);
  problems.push(...hookAuthProblems(config.auth, targetList(config).map((t) => t.authorizationServer), config.hook.authHeader, `${prefix}.auth`));
  return problems;
}

/**
 * The validated environment `name` of a cdk.json context (`{ environments: {...} }`). Throws
 * `UnknownEnvironmentError` (listing the environments) or `EnvironmentConfigError` (every problem,
 * each naming its key path and the fix).
 */
export function loadEnvironment(context: Readonly<Record<string, unknown>>, name: string | undefined): EnvironmentConfig {
  const names = environmentNames(context);
  const known = names.length ? names.join(', ') : 'none: add one under context.environments in cdk.json';
  if (name === undefined || name === '') {
    throw new UnknownEnvironmentError(`no environment given: run with -c env=NAME, where NAME is one of: ${known}`);
  }
  if (!names.includes(name)) {
    throw new UnknownEnvironmentError(`unknown environment '${name}': use -c env=NAME, where NAME is one of: ${known}`);
  }
  const prefix = `environments.${name}`;
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new EnvironmentConfigError(name, [
      `${prefix}: the name must be letters, digits and '-' (at most 63), as it becomes part of the stack name`,
    ]);
  }
  const raw = (context['environments'] as Record<string, unknown>)[name];
  const result = EnvironmentSchema.safeParse(raw);
  if (!result.success) {
    throw new EnvironmentConfigError(
      name,
      result.error.issues.map((issue) => describeIssue(issue, { schema: EnvironmentSchema, input: raw, prefix, fixes: FIXES, hookPath: ['hook'] })),
    );
  }
  const problems = crossChecks(result.data, raw as Record<string, unknown>, prefix);
  if (problems.length) throw new EnvironmentConfigError(name, problems);

  const config = result.data;
  const rawHook = ((raw as Record<string, unknown>)['hook'] ?? {}) as Record<string, unknown>;
  return {
    ...config,
    name,
    hookName: config.hookName ?? `okta-token-hook-${name}`,
    // An unset deadline follows the Lambda timeout, so the hook always answers before it is killed.
    hook: 'deadlineMs' in rawHook ? config.hook : { ...config.hook, deadlineMs: deadlineFor(config.timeoutSeconds * 1000) },
  };
}
