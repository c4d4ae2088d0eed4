import { AwsClient } from 'aws4fetch';
import type { SecretReader, SecretVersion, SecretVersionRef } from './secret-store.js';

/**
 * Reads secret values with one SigV4-signed `GetSecretValue` call over `fetch`: the hook's cold-start
 * path, where loading the AWS SDK client costs more than the call itself (`npm run bench`). Credentials,
 * region and endpoint come from the environment the way the SDK reads them (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`).
 */

export interface SignedSecretReaderOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Each call gives up after this long (the SDK sets no timeout by default). @default 2000 */
  readonly timeoutMs?: number;
  /** Extra tries after a 5xx, 429 or network error, with jittered backoff. @default 2 */
  readonly retries?: number;
}

/** Secrets Manager answered an error: the type is AWS's (`ResourceNotFoundException`), never a value. */
export class SecretReadError extends Error {
  override readonly name = 'SecretReadError';
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The environment lacks what signing needs: the message names the variable. */
export class SecretReaderConfigError extends Error {
  override readonly name = 'SecretReaderConfigError';
}

interface GetSecretValueAnswer {
  readonly SecretString?: string;
  readonly VersionId?: string;
  readonly VersionStages?: string[];
}

const TARGET = 'secretsmanager.GetSecretValue';

export class SignedSecretReader implements SecretReader {
  private readonly client: AwsClient;
  private readonly endpoint: string;
  private readonly timeoutMs: number;

  constructor(options: SignedSecretReaderOptions = {}) {
    const env = options.env ?? process.env;
    const required = (name: string): string => {
      const value = env[name];
      if (!value) throw new SecretReaderConfigError(`${name} is not set: the Lambda runtime sets it; locally, export it (any value works against the local Secrets Manager)`);
      return value;
    };
    const region = env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'];
    if (!region) throw new SecretReaderConfigError('AWS_REGION is not set: the Lambda runtime sets it; locally, export it');
    const sessionToken = env['AWS_SESSION_TOKEN'];
    this.client = new AwsClient({
      accessKeyId: required('AWS_ACCESS_KEY_ID'),
      secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
      ...(sessionToken ? { sessionToken } : {}),
      service: 'secretsmanager',
      region,
      retries: options.retries ?? 2,
    });
    this.endpoint = env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] ?? env['AWS_ENDPOINT_URL'] ?? `https://secretsmanager.${region}.amazonaws.com`;
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  async getSecret(secretId: string, ref: SecretVersionRef = { stage: 'AWSCURRENT' }): Promise<SecretVersion | undefined> {
    const input = { SecretId: secretId, ...('stage' in ref ? { VersionStage: ref.stage } : { VersionId: ref.versionId }) };
    const response = await this.client.fetch(this.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET },
      body: JSON.stringify(input),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      const type = errorType(response, text);
      // Only AWSCURRENT always exists; a missing AWSPENDING (no rotation running) is an answer, not a failure.
      if (type === 'ResourceNotFoundException' && !('stage' in ref && ref.stage === 'AWSCURRENT')) return undefined;
      throw new SecretReadError(type, response.status, `GetSecretValue of ${secretId} failed with ${response.status} ${type}: check the secret ARN and the function role`);
    }
    const answer = JSON.parse(text) as GetSecretValueAnswer;
    if (answer.SecretString === undefined || answer.VersionId === undefined) {
      throw new Error(`secret ${secretId} has no string value: store the value as a string (SecretString)`);
    }
    return { value: answer.SecretString, versionId: answer.VersionId, stages: answer.VersionStages ?? [] };
  }
}

/** AWS JSON 1.1 error type, from the header or the body's `__type` (`prefix#Name` or `Name`). */
function errorType(response: Response, text: string): string {
  let type = response.headers.get('x-amzn-errortype') ?? '';
  if (!type) {
    try {
      type = String((JSON.parse(text) as { __type?: unknown }).__type ?? '');
    } catch {
      type = '';
    }
  }
  return type.split(':', 1)[0]!.split('#').pop() || 'UnknownError';
}
