import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bundleLocally, HOOK_RUNTIME_BUNDLE, HOOK_TRANSFORM_FILE, NO_TRANSFORM_MODULE } from '../../../infra/bundling.js';
import { HOOK_ENV } from '../../../lambda/shared/contract.js';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../../lambda/token-hook/function-url.js';
import { loadFixture } from '../../support/fixtures.js';

// The hook as deployed (the Lambda entry bundled as the package ships it) in OAuth 2.0 mode: jose loaded
// on demand from its chunk, the JWKS read during init, no API key secret at all.
let handler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
let jwksServer: Server;
let privateKey: CryptoKey;
let issuer: string;
let jwksReads = 0;
const outdir = mkdtempSync(join(tmpdir(), 'okta-token-hook-oauth-bundle-'));

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'issuer-key', alg: 'RS256', use: 'sig' };
  jwksServer = createServer((_, response) => {
    jwksReads += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/oauth2/ausHookIssuer0000g3`;
  const outfile = join(outdir, 'index.mjs');
  await bundleLocally(new URL('../../../lambda/token-hook/handler.ts', import.meta.url).pathname, outfile, HOOK_RUNTIME_BUNDLE);
  writeFileSync(join(outdir, HOOK_TRANSFORM_FILE), NO_TRANSFORM_MODULE);
  vi.stubEnv(HOOK_ENV.apiKeySecretArn, '');
  vi.stubEnv(HOOK_ENV.hookConfig, JSON.stringify({ rules: [{ name: 'tier', set: [{ claim: 'tier', token: 'access', value: 'gold' }] }] }));
  vi.stubEnv(HOOK_ENV.hookAuth, JSON.stringify({ type: 'oauth2', issuer, audience: 'api://token-hook', scope: 'hooks:invoke' }));
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  ({ handler } = await import(pathToFileURL(outfile).href));
}, 60_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  rmSync(outdir, { recursive: true, force: true });
});

const event = (authorization: string): FunctionUrlEvent => ({
  headers: { authorization, 'content-type': 'application/json' },
  requestContext: { http: { method: 'POST' } },
  body: JSON.stringify(loadFixture('token-hook', 'client-credentials')),
});

describe('bundled handler in OAuth 2.0 mode', () => {
  it('reads the JWKS during init and accepts a bearer token of the issuer', async () => {
    const readsAtInit = jwksReads;
    const token = await new SignJWT({ scp: ['hooks:invoke'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'issuer-key' })
      .setIssuer(issuer)
      .setAudience('api://token-hook')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

    const result = await handler(event(`Bearer ${token}`));

    expect(readsAtInit).toBe(1);
    expect(jwksReads).toBe(1);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body!).commands[0].value).toEqual([{ op: 'add', path: '/claims/tier', value: 'gold' }]);
  });

  it('refuses an API key with 401 when the environment takes OAuth 2.0 only', async () => {
    const result = await handler(event('some-api-key'));

    expect(result.statusCode).toBe(401);
  });
});
