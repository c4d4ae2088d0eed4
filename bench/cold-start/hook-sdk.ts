import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { parseHookConfig } from '../../lambda/shared/hook-config.js';
import { SecretsManagerStore } from '../../lambda/shared/secret-store.js';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../lambda/token-hook/function-url.js';
import { createTokenHookFromStore } from '../../lambda/token-hook/token-hook.js';
import { transform } from '../../lambda/token-hook/transform.js';

// The first release's handler.ts, kept to measure against: the key read through the AWS SDK client.
const hook = await createTokenHookFromStore({
  config: parseHookConfig(process.env['HOOK_CONFIG'] ?? '{}'),
  secretStore: new SecretsManagerStore(new SecretsManagerClient({ requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 } })),
  apiKeySecretArn: process.env['API_KEY_SECRET_ARN']!,
  transform,
});

export const handler = (event: FunctionUrlEvent): Promise<FunctionUrlResult> => hook(event);
