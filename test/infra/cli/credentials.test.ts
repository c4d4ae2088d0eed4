import { generateKeyPair, exportPKCS8, exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../infra/cli/cli-error.js';
import { resolveOktaCredentials } from '../../../infra/cli/credentials.js';

const noSecret = async (): Promise<string> => {
  throw new Error('the secret must not be read');
};

describe('resolveOktaCredentials', () => {
  it('takes an SSWS token from OKTA_ORG_URL and OKTA_API_TOKEN before any secret', async () => {
    const env = { OKTA_ORG_URL: 'https://example.okta.com', OKTA_API_TOKEN: 't0k' };

    const resolved = await resolveOktaCredentials(env, { secretId: 'okta/prod' }, noSecret);

    expect(resolved.credentials).toEqual({ orgUrl: 'https://example.okta.com', apiToken: 't0k' });
    expect(resolved.source).toBe('OKTA_ORG_URL + OKTA_API_TOKEN');
  });

  it('builds service-app credentials from a PEM or a JWK, with key id and scopes', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const jwk = await exportJWK(privateKey);
    const base = { OKTA_ORG_URL: 'https://example.okta.com', OKTA_CLIENT_ID: '0oaAPP', OKTA_KEY_ID: 'k1' };

    const fromPem = await resolveOktaCredentials({ ...base, OKTA_PRIVATE_KEY: pem, OKTA_SCOPES: 'a b' }, undefined, noSecret);
    const fromJwk = await resolveOktaCredentials({ ...base, OKTA_PRIVATE_KEY: JSON.stringify(jwk) }, undefined, noSecret);

    expect(fromPem.credentials).toMatchObject({ clientId: '0oaAPP', keyId: 'k1', privateKey: pem.trim(), scopes: ['a', 'b'] });
    expect(fromJwk.credentials).toMatchObject({ privateKey: { kty: 'RSA' } });
  });

  it('reads the environment secret when no OKTA_ variables are set', async () => {
    const read = async (ref: { secretId: string }): Promise<string> =>
      ref.secretId === 'okta/prod' ? JSON.stringify({ orgUrl: 'https://example.okta.com', apiToken: 's' }) : '';

    const resolved = await resolveOktaCredentials({}, { secretId: 'okta/prod' }, read);

    expect(resolved).toEqual({ credentials: { orgUrl: 'https://example.okta.com', apiToken: 's' }, source: 'secret okta/prod' });
  });

  it('says what to set when nothing gives credentials', async () => {
    await expect(resolveOktaCredentials({}, undefined, noSecret)).rejects.toThrow(/set OKTA_ORG_URL with OKTA_API_TOKEN/);
    await expect(resolveOktaCredentials({ OKTA_ORG_URL: 'https://example.okta.com' }, undefined, noSecret)).rejects.toThrow(
      /without OKTA_API_TOKEN or OKTA_CLIENT_ID/,
    );
  });

  it('rejects unusable credentials without echoing them', async () => {
    const attempt = resolveOktaCredentials({ OKTA_ORG_URL: 'http://example.okta.com', OKTA_API_TOKEN: 'secret-value' }, undefined, noSecret);

    await expect(attempt).rejects.toThrow(CliError);
    await expect(attempt).rejects.toThrow(/https/);
    await expect(attempt).rejects.not.toThrow(/secret-value/);
  });
});
