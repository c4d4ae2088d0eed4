import { createOktaClient, withDeadline, type OktaClientOptions } from '../okta/client.js';
import { parseOktaCredentials } from '../okta/credentials.js';
import { jsonLineLog, type OktaLog } from '../okta/log.js';
import type { OktaApi } from '../okta/okta-api.js';
import { sampleTokenRequest } from '../registrar/sample-token-request.js';
import { DEFAULT_VERIFY, verifyHook, type VerifyOptions } from '../registrar/verify-hook.js';
import { ROTATION_ENV } from '../shared/contract.js';
import type { SecretStore } from '../shared/secret-store.js';
import { DEFAULT_KEY_RECHECK_INTERVAL_MS } from '../token-hook/auth.js';
import { generateApiKey } from './api-key.js';
import { RotationError } from './errors.js';
import { RotationEventSchema } from './rotation-event.js';
import { runRotationStep } from './rotation-steps.js';

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
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: OktaLog;
}

/** Longer than the hook's key re-read interval, so every hook instance can see the new key in time. */
export const SETTLE_DELAY_MS = DEFAULT_KEY_RECHECK_INTERVAL_MS + 1_000;

/** Okta calls stop this long before the Lambda timeout, so a step fails with a message, not a timeout. */
export const DEADLINE_MARGIN_MS = 5_000;

// The hook's claim rules may look at the rule; rotation only needs the hook to answer, so ids are placeholders.
const VERIFY_LOCATION = { authServerId: 'default', policyId: 'rotation-check', ruleId: 'rotation-check' };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the function's configuration; a missing variable fails the cold start with what to set. */
function readEnv(env: RotationFunctionOptions['env']): { credentialsSecretArn: string; hookName: string } {
  const credentialsSecretArn = env[ROTATION_ENV.credentialsSecretArn];
  const hookName = env[ROTATION_ENV.hookName];
  const missing = [
    credentialsSecretArn ? '' : ROTATION_ENV.credentialsSecretArn,
    hookName ? '' : ROTATION_ENV.hookName,
  ].filter(Boolean);
  if (!credentialsSecretArn || !hookName) {
    throw new RotationError(`the rotation function lacks ${missing.join(' and ')} in its environment: deploy it with the stack`);
  }
  return { credentialsSecretArn, hookName };
}

/**
 * The rotation Lambda: parses the event, reads the Okta credentials from their secret, and runs the
 * step. Built by a factory so tests run the same code against the local endpoints.
 */
export function createRotationHandler(options: RotationFunctionOptions) {
  const { credentialsSecretArn, hookName } = readEnv(options.env);
  const log = options.log ?? jsonLineLog;
  const sleep = options.sleep ?? defaultSleep;
  const verifyOptions = options.verify ?? DEFAULT_VERIFY;
  const settleDelayMs = options.settleDelayMs ?? SETTLE_DELAY_MS;

  return async function handler(event: unknown, context?: RotationLambdaContext): Promise<void> {
    const parsed = RotationEventSchema.safeParse(event);
    if (!parsed.success) {
      throw new RotationError('the event is not a secrets manager rotation event (Step, SecretId, ClientRequestToken)');
    }
    const deadline = context ? Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS : undefined;
    const okta = async (): Promise<OktaApi> => {
      const secret = await options.secrets.getSecret(credentialsSecretArn);
      if (!secret) throw new RotationError(`okta credentials secret ${credentialsSecretArn} has no current value`);
      const credentials = parseOktaCredentials(secret.value);
      const api = createOktaClient({ log, sleep, ...options.oktaClient, credentials });
      return deadline === undefined ? api : withDeadline(api, deadline);
    };
    const { Step: step, SecretId: secretId, ClientRequestToken: versionId } = parsed.data;
    log({ event: 'rotation-step', step, secretId, versionId });
    const verifyDeps = { sleep, now: Date.now, log: (event: object) => log(event as Record<string, unknown>) };
    await runRotationStep(parsed.data, {
      secrets: options.secrets,
      okta,
      hookName,
      newKey: generateApiKey,
      verify: (api, hookId) => verifyHook(api, hookId, sampleTokenRequest(api.orgUrl, VERIFY_LOCATION), verifyOptions, verifyDeps),
      settle: () => sleep(settleDelayMs),
      log,
    });
  };
}
