import { AwsClient } from 'aws4fetch';
import { readHookSettings } from '../../lambda/shared/hook-settings.js';
import type { SecretReader } from '../../lambda/shared/secret-store.js';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../lambda/token-hook/function-url.js';
import { createTokenHookFromStore } from '../../lambda/token-hook/token-hook.js';
import { transform } from '../../lambda/token-hook/transform.js';

// Candidate 3, the hook of the release before this one: its key read with aws4fetch, a small SigV4
// library that signs with WebCrypto and sends with `fetch`.
const env = process.env;
const client = new AwsClient({ accessKeyId: env['AWS_ACCESS_KEY_ID']!, secretAccessKey: env['AWS_SECRET_ACCESS_KEY']!, service: 'secretsmanager', region: env['AWS_REGION']!, retries: 2 });
const reader: SecretReader = {
  async getSecret(secretId, ref = { stage: 'AWSCURRENT' }) {
    const response = await client.fetch(env['AWS_ENDPOINT_URL_SECRETS_MANAGER']!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
      body: JSON.stringify({ SecretId: secretId, ...('stage' in ref ? { VersionStage: ref.stage } : { VersionId: ref.versionId }) }),
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) throw new Error(`GetSecretValue answered ${response.status}`);
    const answer = (await response.json()) as { SecretString: string; VersionId: string; VersionStages?: string[] };
    return { value: answer.SecretString, versionId: answer.VersionId, stages: answer.VersionStages ?? [] };
  },
};

const { config, auth } = await readHookSettings();
const hook = await createTokenHookFromStore({ config, auth, secretStore: reader, apiKeySecretArn: env['API_KEY_SECRET_ARN']!, transform });

export const handler = (event: FunctionUrlEvent): Promise<FunctionUrlResult> => hook(event);
