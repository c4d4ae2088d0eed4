import type { HOOK_ENV } from '../shared/contract.js';
import { acceptsApiKey, readHookSettings } from '../shared/hook-settings.js';
import { SignedSecretReader } from '../shared/signed-secret-reader.js';
import type { FunctionUrlEvent, FunctionUrlResult } from './function-url.js';
import { createTokenHookFromStore } from './token-hook.js';
import { transform } from './transform.js';

// The name comes from the contract, type-checked: importing its values would load classic zod at cold start.
const API_KEY_SECRET_ARN: (typeof HOOK_ENV)['apiKeySecretArn'] = 'API_KEY_SECRET_ARN';

// Module scope is cold start: settings read and the API key read here (top-level await), not on Okta's
// first request.
const { config, auth } = await readHookSettings();
const apiKeySecretArn = process.env[API_KEY_SECRET_ARN];
if (!apiKeySecretArn && acceptsApiKey(auth)) throw new Error(`${API_KEY_SECRET_ARN} is not set: deploy the hook with its CDK construct`);

const hook = await createTokenHookFromStore({
  config,
  auth,
  // One signed request instead of the AWS SDK client: a fraction of the cold start (`npm run bench`).
  // Each call gives up after 2 s, so a hung read never keeps the key from being re-read.
  ...(apiKeySecretArn ? { apiKeySecretArn, secretStore: new SignedSecretReader({ timeoutMs: 2_000 }) } : {}),
  transform,
});

/** The Lambda entry behind the Function URL (payload format 2.0). */
export const handler = (event: FunctionUrlEvent): Promise<FunctionUrlResult> => hook(event);
