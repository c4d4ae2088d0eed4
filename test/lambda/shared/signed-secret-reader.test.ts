import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../infra/local/secrets-manager/index.js';
import { SecretsManagerStore } from '../../../lambda/shared/secret-store.js';
import { SecretReadError, SecretReaderConfigError, SignedSecretReader } from '../../../lambda/shared/signed-secret-reader.js';

// The hook's key read, signed for real and checked by the local endpoint as AWS checks a SigV4 signature.
let sm: LocalSecretsManager;

beforeAll(async () => {
  sm = await startLocalSecretsManager();
});
afterAll(async () => {
  await sm.close();
});

const name = (): string => `signed-${randomUUID().slice(0, 8)}`;

describe('SignedSecretReader against the local endpoint', () => {
  it('reads AWSCURRENT and AWSPENDING with their version ids and stages', async () => {
    const arn = sm.createSecret(name(), 'k1');
    const versionId = randomUUID();
    await new SecretsManagerStore(sm.client()).putPendingSecret(arn, versionId, 'k2');
    const reader = new SignedSecretReader({ env: sm.env });

    const current = await reader.getSecret(arn, { stage: 'AWSCURRENT' });
    const pending = await reader.getSecret(arn, { stage: 'AWSPENDING' });

    expect(current).toEqual({ value: 'k1', versionId: expect.any(String), stages: ['AWSCURRENT'] });
    expect(pending).toEqual({ value: 'k2', versionId, stages: ['AWSPENDING'] });
    expect(sm.calls.slice(-2)).toEqual(['GetSecretValue', 'GetSecretValue']);
  });

  it('signs the session token Lambda provides along with the request', async () => {
    const arn = sm.createSecret(name(), 'k1');

    const secret = await new SignedSecretReader({ env: { ...sm.env, AWS_SESSION_TOKEN: 'session-token' } }).getSecret(arn);

    expect(secret?.value).toBe('k1');
  });

  it('is refused by the endpoint when signed with the wrong secret key, without the key in the error', async () => {
    const arn = sm.createSecret(name(), 'top-secret-value');
    const reader = new SignedSecretReader({ env: { ...sm.env, AWS_SECRET_ACCESS_KEY: 'wrong' }, retries: 0 });

    const failure = await reader.getSecret(arn).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SecretReadError);
    expect(failure).toMatchObject({ type: 'InvalidSignatureException', status: 400 });
    expect(String((failure as Error).message)).not.toContain('top-secret-value');
  });

  it('answers undefined for an absent AWSPENDING and throws ResourceNotFoundException for an absent secret', async () => {
    const arn = sm.createSecret(name(), 'k1');
    const reader = new SignedSecretReader({ env: sm.env });

    const pending = await reader.getSecret(arn, { stage: 'AWSPENDING' });
    const missing = await reader.getSecret(`${arn}-gone`).catch((error: unknown) => error);

    expect(pending).toBeUndefined();
    expect(missing).toMatchObject({ name: 'SecretReadError', type: 'ResourceNotFoundException' });
  });

  it('retries a 500 and then reads', async () => {
    const arn = sm.createSecret(name(), 'k1');
    sm.injectFault('GetSecretValue', 1);
    const before = sm.calls.length;

    const secret = await new SignedSecretReader({ env: sm.env }).getSecret(arn);

    expect(secret?.value).toBe('k1');
    expect(sm.calls.length - before).toBe(2);
  });
});

describe('SignedSecretReader limits', () => {
  let hung: Server;
  let url: string;
  beforeAll(async () => {
    hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(hung.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hung.closeAllConnections();
    await new Promise((resolve) => hung.close(resolve));
  });

  it('gives up on an endpoint that never answers after its timeout', async () => {
    const reader = new SignedSecretReader({ env: { ...sm.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: url }, timeoutMs: 200 });
    const started = performance.now();

    const failure = await reader.getSecret('arn').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(Error);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('tries again on a connection dropped without an answer, as one a frozen Lambda kept alive can be', async () => {
    let requests = 0;
    const flaky = createServer((request, response) => {
      requests += 1;
      if (requests === 1) {
        request.socket.destroy();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ SecretString: 'k1', VersionId: 'v1', VersionStages: ['AWSCURRENT'] }));
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const reader = new SignedSecretReader({ env: { ...sm.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}` } });

    const secret = await reader.getSecret('arn').finally(() => new Promise((resolve) => flaky.close(resolve)));

    expect(secret).toEqual({ value: 'k1', versionId: 'v1', stages: ['AWSCURRENT'] });
    expect(requests).toBe(2);
  });

  it('refuses an endpoint that is not an http(s) URL without a query, naming the variable', () => {
    const build = (endpoint: string) => () => new SignedSecretReader({ env: { ...sm.env, AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint } });

    expect(build('not a url')).toThrow(/AWS_ENDPOINT_URL_SECRETS_MANAGER is not a URL/);
    expect(build('ftp://127.0.0.1:21')).toThrow(/must be an http or https URL without a query/);
    expect(build('http://127.0.0.1:4566/?debug=1')).toThrow(/must be an http or https URL without a query/);
  });

  it('names the missing variable when the environment has no credentials', () => {
    const build = () => new SignedSecretReader({ env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'a' } });

    expect(build).toThrow(SecretReaderConfigError);
    expect(build).toThrow(/AWS_SECRET_ACCESS_KEY is not set/);
  });
});
