import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerServiceError } from './errors.js';
import { isOperation, runOperation, type OperationName, type RotationFunction } from './operations.js';
import { signatureProblem } from './sigv4.js';
import { SecretVault } from './vault.js';

export { SecretsManagerServiceError } from './errors.js';
export { ROTATION_STEPS, type RotationEvent, type RotationFunction, type RotationStep } from './operations.js';

export interface LocalSecretsManagerOptions {
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Region in ARNs and in `client()`. @default 'us-east-1' */
  readonly region?: string;
  /** Stands in for the rotation Lambda on RotateSecret. @default none (RotateSecret fails) */
  readonly rotation?: RotationFunction;
}

export interface LocalSecretsManager {
  /** e.g. `http://127.0.0.1:41234`: the value for `AWS_ENDPOINT_URL_SECRETS_MANAGER`. */
  readonly url: string;
  /** What a separate process needs in its environment to reach this endpoint with the real SDK. */
  readonly env: Readonly<Record<string, string>>;
  /** Operation names received, in order (never values). */
  readonly calls: readonly string[];
  /** Creates a secret with `value` as AWSCURRENT; returns its ARN. */
  createSecret(name: string, value: string): string;
  /** A real SDK client pointed here: dummy credentials, the endpoint's region; `config` overrides (e.g. `maxAttempts`). */
  client(config?: SecretsManagerClientConfig): SecretsManagerClient;
  /** The next `count` calls of `operation` answer 500 InternalServiceError (the SDK retries those). */
  injectFault(operation: OperationName, count?: number): void;
  /** Sets the function RotateSecret runs for each step. */
  setRotationFunction(rotation: RotationFunction | undefined): void;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'secretsmanager.';
/** The only credentials the endpoint accepts: what `env` and `client()` hand out. */
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * A local Secrets Manager speaking the AWS JSON 1.1 protocol, so the real
 * `@aws-sdk/client-secrets-manager` runs end to end on this machine.
 *
 * @example
 * const sm = await startLocalSecretsManager();
 * const arn = sm.createSecret('hook/api-key', 'k1');
 * const store = new SecretsManagerStore(sm.client());
 * await store.getSecret(arn); // { value: 'k1', versionId, stages: ['AWSCURRENT'] }
 * await sm.close();
 */
export async function startLocalSecretsManager(options: LocalSecretsManagerOptions = {}): Promise<LocalSecretsManager> {
  const region = options.region ?? 'us-east-1';
  const vault = new SecretVault({ region });
  const calls: string[] = [];
  const faults = new Map<string, number>();
  let rotation = options.rotation;

  const server = createServer((request, response) => {
    handle(request).then(
      (answer) => send(response, 200, answer),
      (error: unknown) => {
        const failure =
          error instanceof SecretsManagerServiceError
            ? error
            : new SecretsManagerServiceError('InternalServiceError', 'the local endpoint failed: see its log', 500);
        if (!(error instanceof SecretsManagerServiceError)) console.error('local secrets manager:', error);
        send(response, failure.status, { __type: failure.type, message: failure.message }, failure.type);
      },
    );
  });

  async function handle(request: IncomingMessage): Promise<unknown> {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (request.method !== 'POST' || !isOperation(operation)) {
      throw new SecretsManagerServiceError('UnknownOperationException', `unknown operation ${JSON.stringify(target ?? '')}`);
    }
    calls.push(operation);
    if (!String(request.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')) {
      throw new SecretsManagerServiceError(
        'MissingAuthenticationTokenException',
        'request is not signed: use an AWS SDK with any credentials',
      );
    }
    // Checked as AWS checks it, so a client's signing is tested here, not only its header's presence.
    const problem = signatureProblem({ method: request.method, url: request.url ?? '/', headers: request.headers, body }, (id) =>
      id === CREDENTIALS.accessKeyId ? CREDENTIALS.secretAccessKey : undefined,
    );
    if (problem) {
      throw new SecretsManagerServiceError('InvalidSignatureException', `${problem}: sign with the credentials in the endpoint's env (AWS_ACCESS_KEY_ID=local, AWS_SECRET_ACCESS_KEY=local)`);
    }
    const remaining = faults.get(operation) ?? 0;
    if (remaining > 0) {
      faults.set(operation, remaining - 1);
      throw new SecretsManagerServiceError('InternalServiceError', `injected fault in ${operation}`, 500);
    }
    let input: unknown;
    try {
      input = body.length === 0 ? {} : JSON.parse(body);
    } catch {
      throw new SecretsManagerServiceError('SerializationException', 'the request body is not JSON');
    }
    return runOperation(operation, input, { vault, rotation });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: url,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    },
    calls,
    createSecret: (name, value) => vault.createSecret({ name, value: { secretString: value } }).ARN,
    client: (config = {}) =>
      new SecretsManagerClient({
        endpoint: url,
        region,
        credentials: { ...CREDENTIALS },
        ...config,
      }),
    injectFault: (operation, count = 1) => faults.set(operation, (faults.get(operation) ?? 0) + count),
    setRotationFunction: (next) => {
      rotation = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
  });
  response.end(text);
}
