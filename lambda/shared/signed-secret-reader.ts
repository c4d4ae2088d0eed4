import type { IncomingMessage, RequestOptions, ClientRequest } from 'node:http';
import type { SecretReader, SecretVersion, SecretVersionRef } from './secret-store.js';
import { signRequest, type AwsCredentials } from './sigv4.js';

/**
 * Reads secret values with one SigV4-signed `GetSecretValue` call over `node:http(s)`: the hook's
 * cold-start path, where loading the AWS SDK client, or even `fetch`, costs more than the call itself
 * (`npm run bench`). Credentials, region and endpoint come from the environment the way the SDK reads
 * them (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`). Node's global agent keeps the connection alive for the re-reads
 * a rotation causes.
 */

export interface SignedSecretReaderOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Each call, retries included, gives up after this long (the SDK sets no timeout by default). @default 2000 */
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

/** The endpoint did not answer within the reader's timeout. */
export class SecretReadTimeoutError extends Error {
  override readonly name = 'SecretReadTimeoutError';
}

interface GetSecretValueAnswer {
  readonly SecretString?: string;
  readonly VersionId?: string;
  readonly VersionStages?: string[];
}

interface HttpAnswer {
  readonly status: number;
  readonly errorType: string | undefined;
  readonly text: string;
}

type Request = (url: URL, options: RequestOptions, callback: (response: IncomingMessage) => void) => ClientRequest;

const TARGET = 'secretsmanager.GetSecretValue';
const FIRST_BACKOFF_MS = 50;

export class SignedSecretReader implements SecretReader {
  private readonly credentials: AwsCredentials;
  private readonly region: string;
  private readonly endpoint: URL;
  private readonly timeoutMs: number;
  private readonly retries: number;

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
    this.credentials = { accessKeyId: required('AWS_ACCESS_KEY_ID'), secretAccessKey: required('AWS_SECRET_ACCESS_KEY'), ...(sessionToken ? { sessionToken } : {}) };
    this.region = region;
    const endpoint = env['AWS_ENDPOINT_URL_SECRETS_MANAGER'] ?? env['AWS_ENDPOINT_URL'] ?? `https://secretsmanager.${region}.amazonaws.com`;
    this.endpoint = parseEndpoint(endpoint);
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.retries = options.retries ?? 2;
  }

  async getSecret(secretId: string, ref: SecretVersionRef = { stage: 'AWSCURRENT' }): Promise<SecretVersion | undefined> {
    const input = { SecretId: secretId, ...('stage' in ref ? { VersionStage: ref.stage } : { VersionId: ref.versionId }) };
    const answer = await this.call(JSON.stringify(input));
    if (answer.status !== 200) {
      const type = errorType(answer);
      // Only AWSCURRENT always exists; a missing AWSPENDING (no rotation running) is an answer, not a failure.
      if (type === 'ResourceNotFoundException' && !('stage' in ref && ref.stage === 'AWSCURRENT')) return undefined;
      throw new SecretReadError(type, answer.status, `GetSecretValue of ${secretId} failed with ${answer.status} ${type}: check the secret ARN and the function role`);
    }
    const secret = JSON.parse(answer.text) as GetSecretValueAnswer;
    if (secret.SecretString === undefined || secret.VersionId === undefined) {
      throw new Error(`secret ${secretId} has no string value: store the value as a string (SecretString)`);
    }
    return { value: secret.SecretString, versionId: secret.VersionId, stages: secret.VersionStages ?? [] };
  }

  /** One POST, signed afresh for each try; a 5xx, a 429 or a network error is tried again while time is left. */
  private async call(body: string): Promise<HttpAnswer> {
    // Only the module the endpoint needs: TLS is not loaded for a local http endpoint.
    const { request } = this.endpoint.protocol === 'https:' ? await import('node:https') : await import('node:http');
    const deadline = performance.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      const headers = signRequest({
        method: 'POST',
        url: this.endpoint,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': TARGET },
        body,
        credentials: this.credentials,
        region: this.region,
        service: 'secretsmanager',
      });
      const last = attempt >= this.retries;
      try {
        const answer = await post(request, this.endpoint, headers, body, deadline - performance.now());
        if (last || (answer.status < 500 && answer.status !== 429)) return answer;
      } catch (error) {
        if (last || error instanceof SecretReadTimeoutError) throw error;
      }
      const backoff = Math.random() * FIRST_BACKOFF_MS * 2 ** attempt;
      if (performance.now() + backoff >= deadline) throw new SecretReadTimeoutError(`GetSecretValue got no answer within ${this.timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, backoff));
    }
  }
}

function parseEndpoint(endpoint: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new SecretReaderConfigError('AWS_ENDPOINT_URL_SECRETS_MANAGER is not a URL: set it to the endpoint, such as http://127.0.0.1:4566');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '') {
    throw new SecretReaderConfigError('AWS_ENDPOINT_URL_SECRETS_MANAGER must be an http or https URL without a query, such as http://127.0.0.1:4566');
  }
  return url;
}

function post(request: Request, url: URL, headers: Record<string, string>, body: string, timeoutMs: number): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        clearTimeout(timer);
        const type = response.headers['x-amzn-errortype'];
        resolve({ status: response.statusCode ?? 0, errorType: typeof type === 'string' ? type : undefined, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => sent.destroy(new SecretReadTimeoutError(`GetSecretValue got no answer within ${Math.round(timeoutMs)} ms`)), Math.max(timeoutMs, 0));
    sent.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    sent.end(body);
  });
}

/** AWS JSON 1.1 error type, from the header or the body's `__type` (`prefix#Name` or `Name`). */
function errorType(answer: HttpAnswer): string {
  let type = answer.errorType ?? '';
  if (!type) {
    try {
      type = String((JSON.parse(answer.text) as { __type?: unknown }).__type ?? '');
    } catch {
      type = '';
    }
  }
  return type.split(':', 1)[0]!.split('#').pop() || 'UnknownError';
}
