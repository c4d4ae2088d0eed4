import type { HOOK_ENV } from '../shared/contract.js';
import { acceptsApiKey, parseHookAuth } from '../shared/hook-auth.js';
import { parseHookConfig } from '../shared/hook-config.js';
import { SignedSecretReader } from '../shared/signed-secret-reader.js';
import type { FunctionUrlEvent, FunctionUrlResult } from './function-url.js';
import { createTokenHookFromStore } from './token-hook.js';
import { transform } from './transform.js';

// The names come from the contract, type-checked: importing its values would load classic zod at cold start.
const API_KEY_SECRET_ARN: (typeof HOOK_ENV)['apiKeySecretArn'] = 'API_KEY_SECRET_ARN';
const HOOK_CONFIG: (typeof HOOK_ENV)['hookConfig'] = 'HOOK_CONFIG';
const HOOK_AUTH: (typeof HOOK_ENV)['hookAuth'] = 'HOOK_AUTH';

// Module scope is cold start: config parsed and the API key read here (top-level await), where Lambda
// gives init its burst of CPU, not on Okta's first request.
const auth = parseHookAuth(process.env[HOOK_AUTH]);
const apiKeySecretArn = process.env[API_KEY_SECRET_ARN];
if (!apiKeySecretArn && acceptsApiKey(auth)) throw new Error(`${API_KEY_SECRET_ARN} is not set: deploy the hook with its CDK construct`);

const hook = await createTokenHookFromStore({
  config: parseHookConfig(process.env[HOOK_CONFIG] ?? '{}'),
  auth,
  // One signed fetch instead of the AWS SDK client: half the cold start (`npm run bench`). Each call
  // gives up after 2 s, so a hung read never keeps the key from being re-read.
  ...(apiKeySecretArn ? { apiKeySecretArn, secretStore: new SignedSecretReader({ timeoutMs: 2_000 }) } : {}),
  transform,
});

/** The Lambda entry behind the Function URL (payload format 2.0). */
export const handler = (event: FunctionUrlEvent): Promise<FunctionUrlResult> => hook(event);
