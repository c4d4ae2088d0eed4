import { ResourceNotFoundException } from '@aws-sdk/client-secrets-manager';
import { createOktaClient, DEFAULT_CALL_TIMEOUT_MS, withDeadline, type OktaClientOptions } from '../okta/client.js';
import { OktaCredentialsError, parseOktaCredentials } from '../okta/credentials.js';
import { jsonLineLog, type OktaLog } from '../okta/log.js';
import type { OktaApi } from '../okta/okta-api.js';
import { DEFAULT_RETRY_POLICY } from '../okta/retry-policy.js';
import { fundedDeadlines, undoBudgetMs } from '../registrar/budget.js';
import { sampleTokenRequest } from '../registrar/sample-token-request.js';
import { DEFAULT_VERIFY, verifyHook, type VerifyOptions } from '../registrar/verify-hook.js';
import { HOOK_KEY_ROTATION_EVENT, ROTATED_AUTH_METHODS, ROTATION_ENV, type RotatedAuthMethod } from '../shared/contract.js';
import type { SecretStore } from '../shared/secret-store.js';
import { DEFAULT_KEY_RECHECK_INTERVAL_MS } from '../token-hook/auth.js';
import { generateApiKey } from './api-key.js';
import { clientSecretCheck, type ClientSecretCheck } from './client-token.js';
import { RotationError } from './errors.js';
import { apiKeyCredential, clientSecretCredential } from './hook-credentials.js';
import { rotateHookKey } from './hook-key-rotation.js';
import { HookKeyRotationEventSchema, RotationEventSchema } from './rotation-event.js';
import { runRotationStep, type OktaClients } from './rotation-steps.js';

/** What the Lambda runtime passes along; only the remaining time is used. */
export interface RotationLambdaContext {
  getRemainingTimeInMillis(): number;
}

export interface RotationFunctionOptions {
  readonly secrets: SecretStore;
  /** The function's environment (`ROTATION_ENV` names). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Okta client settings other than the credentials (retry policy, fetch). @default the client's */
  readonly oktaClient?: Omit<OktaClientOptions, 'credentials'>;
  readonly verify?: VerifyOptions;
  /** Wait in setSecret before Okta gets the new key. @default SETTLE_DELAY_MS */
  readonly settleDelayMs?: number;
  /** How a client secret is tried at the token endpoint. @default clientSecretCheck over the Okta client's fetch */
  readonly clientSecretCheck?: ClientSecretCheck;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Clock of the deadlines and the Okta client. @default Date.now */
  readonly now?: () => number;
  readonly log?: OktaLog;
}

/** Longer than the hook's key re-read interval, so every hook instance can see the new key in time. */
export const SETTLE_DELAY_MS = DEFAULT_KEY_RECHECK_INTERVAL_MS + 1_000;

/** Okta calls stop this long before the Lambda timeout, so a step fails with a message, not a timeout. */
export const DEADLINE_MARGIN_MS = 5_000;

/** The restore's Okta calls: read the hook, PUT it with the current key. */
const RESTORE_CALLS = 2;

// The hook's claim rules may look at the rule; rotation only needs the hook to answer, so ids are placeholders.
const VERIFY_LOCATION = { authServerId: 'default', policyId: 'rotation-check', ruleId: 'rotation-check' };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the function's configuration; a missing variable fails the cold start with what to set. */
function readEnv(env: RotationFunctionOptions['env']): { credentialsSecretArn: string; hookName: string; method: RotatedAuthMethod } {
  const credentialsSecretArn = env[ROTATION_ENV.credentialsSecretArn];
  const hookName = env[ROTATION_ENV.hookName];
  const method = env[ROTATION_ENV.authMethod] || 'apiKey';
  if (!(ROTATED_AUTH_METHODS as readonly string[]).includes(method)) {
    throw new RotationError(`${ROTATION_ENV.authMethod} is '${method}': set one of ${ROTATED_AUTH_METHODS.join(', ')} (deploy the function with the stack)`);
  }
  const missing = [
    credentialsSecretArn ? '' : ROTATION_ENV.credentialsSecretArn,
    hookName ? '' : ROTATION_ENV.hookName,
  ].filter(Boolean);
  if (!credentialsSecretArn || !hookName) {
    throw new RotationError(`the rotation function lacks ${missing.join(' and ')} in its environment: deploy it with the stack`);
  }
  return { credentialsSecretArn, hookName, method: method as RotatedAuthMethod };
}

/**
 * The rotation Lambda: parses the event, reads the Okta credentials from their secret, and rotates
 * what the hook's auth method has: a Secrets Manager step for the API key or the client secret, or
 * (private_key_jwt, no secret anywhere) the whole Hook Key rotation on the schedule's event. Built by
 * a factory so tests run the same code against the local endpoints.
 */
export function createRotationHandler(options: RotationFunctionOptions) {
  const { credentialsSecretArn, hookName, method } = readEnv(options.env);
  const log = options.log ?? jsonLineLog;
  const sleep = options.sleep ?? defaultSleep;
  const verifyOptions = options.verify ?? DEFAULT_VERIFY;
  const settleDelayMs = options.settleDelayMs ?? SETTLE_DELAY_MS;
  const now = options.now ?? Date.now;
  // The restore's worst case (budget.ts), kept back from the step; with the defaults and the 2-minute
  // timeout: 60 + 2 x (2 x 10 + 8) = 116 s, capped at half of 115 s, so each side gets 57.5 s.
  const restoreBudgetMs = undoBudgetMs(
    { ...DEFAULT_RETRY_POLICY, ...options.oktaClient?.retry },
    options.oktaClient?.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    RESTORE_CALLS,
  );

  const check = options.clientSecretCheck ?? clientSecretCheck(options.oktaClient?.fetch);
  const credential =
    method === 'client_secret_post'
      ? clientSecretCredential(hookName, check, log)
      : apiKeyCredential(hookName, () => sleep(settleDelayMs));

  return async function handler(event: unknown, context?: RotationLambdaContext): Promise<void> {
    const deadlines = context ? fundedDeadlines(now(), context.getRemainingTimeInMillis(), restoreBudgetMs, DEADLINE_MARGIN_MS) : undefined;
    const okta = async (): Promise<OktaClients> => {
      const api = createOktaClient({ log, sleep, now, ...options.oktaClient, credentials: await readCredentials(options.secrets, credentialsSecretArn) });
      if (!deadlines) return { api, restore: api };
      return {
        api: withDeadline(api, deadlines.forward, now),
        restore: withDeadline(api, deadlines.undo, now, { outwaitRateLimits: true }),
      };
    };
    const verifyDeps = { sleep, now, log: (event: object) => log(event as Record<string, unknown>) };
    const verify = (api: OktaApi, hookId: string) => verifyHook(api, hookId, sampleTokenRequest(api.orgUrl, VERIFY_LOCATION), verifyOptions, verifyDeps);

    if (method === 'private_key_jwt') {
      if (!HookKeyRotationEventSchema.safeParse(event).success) {
        throw new RotationError(`the hook uses private_key_jwt, whose key rotates on the schedule's event: invoke the function with ${JSON.stringify(HOOK_KEY_ROTATION_EVENT)}`);
      }
      log({ event: 'rotation-hook-key', hookName });
      await rotateHookKey({ okta, hookName, verify, now: Date.now, log });
      return;
    }
    const parsed = RotationEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new RotationError('the event is not a secrets manager rotation event (Step, SecretId, ClientRequestToken)');
    }
    const { Step: step, SecretId: secretId, ClientRequestToken: versionId } = parsed.data;
    log({ event: 'rotation-step', step, secretId, versionId });
    await runRotationStep(parsed.data, { secrets: options.secrets, okta, hookName, credential, newKey: generateApiKey, verify, log });
  };
}

/** The credentials from their secret; errors name the secret and what to fix, never its value. */
async function readCredentials(secrets: SecretStore, secretArn: string) {
  let text: string | undefined;
  try {
    text = (await secrets.getSecret(secretArn))?.value;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  if (!text) throw new RotationError(`the okta credentials secret ${secretArn} does not exist or has no current value: create it, then rotate again`);
  try {
    return parseOktaCredentials(text);
  } catch (error) {
    if (!(error instanceof OktaCredentialsError)) throw error;
    throw new RotationError(`the okta credentials secret ${secretArn} cannot be used: ${error.message}; fix its value, then rotate again`, { cause: error });
  }
}
