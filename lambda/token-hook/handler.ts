import { HOOK_ENV } from '../shared/contract.js';
import { parseHookConfig } from '../shared/hook-config.js';
import { SecretsManagerStore } from '../shared/secret-store.js';
import type { FunctionUrlEvent, FunctionUrlResult } from './function-url.js';
import { createTokenHookFromStore } from './token-hook.js';
import { transform } from './transform.js';

// Module scope is cold start: config parsed and the API key read here (top-level await), where Lambda
// gives init its burst of CPU, not on Okta's first request.
const apiKeySecretArn = process.env[HOOK_ENV.apiKeySecretArn];
if (!apiKeySecretArn) throw new Error(`${HOOK_ENV.apiKeySecretArn} is not set: deploy the hook with its CDK construct`);

const hook = await createTokenHookFromStore({
  config: parseHookConfig(process.env[HOOK_ENV.hookConfig] ?? '{}'),
  secretStore: new SecretsManagerStore(),
  apiKeySecretArn,
  transform,
});

/** The Lambda entry behind the Function URL (payload format 2.0). */
export const handler = (event: FunctionUrlEvent): Promise<FunctionUrlResult> => hook(event);
