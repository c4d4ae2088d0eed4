import { describe, expect, it } from 'vitest';
import {
  OktaCredentialsError,
  OktaCredentialsSchema,
  isServiceApp,
  parseOktaCredentials,
} from '../../../lambda/okta/credentials.js';
import { DEFAULT_SCOPES } from '../../../lambda/okta/scopes.js';
import { loadFixture } from '../../support/fixtures.js';

const SECRET = '00example-ssws-token-value';

function messageOf(input: unknown): string {
  try {
    parseOktaCredentials(JSON.stringify(input));
  } catch (error) {
    expect(error).toBeInstanceOf(OktaCredentialsError);
    return (error as Error).message;
  }
  throw new Error('expected the credentials to be refused');
}

describe('OktaCredentialsSchema', () => {
  it('accepts the SSWS form and keeps the org origin', () => {
    const input = loadFixture('okta', 'credentials-ssws');

    const credentials = OktaCredentialsSchema.parse(input);

    expect(credentials).toEqual({ orgUrl: 'https://example.okta.com', apiToken: SECRET });
    expect(isServiceApp(credentials)).toBe(false);
  });

  it('accepts the service-app form and defaults the scopes to the four the project needs', () => {
    const input = loadFixture('okta', 'credentials-service-app');

    const credentials = OktaCredentialsSchema.parse(input);

    expect(isServiceApp(credentials)).toBe(true);
    expect(credentials).toMatchObject({ clientId: '0oaExampleServiceApp', keyId: 'example-key-1', scopes: [...DEFAULT_SCOPES] });
    expect(DEFAULT_SCOPES).toEqual([
      'okta.inlineHooks.read',
      'okta.inlineHooks.manage',
      'okta.authorizationServers.read',
      'okta.authorizationServers.manage',
    ]);
  });

  it('accepts a private JWK in place of a PEM', () => {
    const input = { orgUrl: 'https://example.okta.com', clientId: 'c', privateKey: { kty: 'EC', d: 'x', kid: 'k1' } };

    expect(OktaCredentialsSchema.safeParse(input).success).toBe(true);
  });

  it('strips a trailing slash from the org URL', () => {
    const credentials = OktaCredentialsSchema.parse({ orgUrl: 'https://example.okta.com/', apiToken: 't' });

    expect(credentials.orgUrl).toBe('https://example.okta.com');
  });

  it.each(['http://127.0.0.1:8080', 'http://localhost:3000', 'http://[::1]:9000'])('allows plain http on loopback (%s)', (orgUrl) => {
    expect(OktaCredentialsSchema.safeParse({ orgUrl, apiToken: 't' }).success).toBe(true);
  });

  it('refuses plain http to a remote org', () => {
    const message = messageOf({ orgUrl: 'http://example.okta.com', apiToken: SECRET });

    expect(message).toContain('orgUrl must use https');
    expect(message.includes(SECRET), 'the message holds the secret').toBe(false);
  });

  it('names every problem of the invalid fixture: typo key, http, path', () => {
    const message = messageOf(loadFixture('okta', 'credentials-invalid'));

    expect(message).toContain('"apiTokn"');
    expect(message).toContain('https');
    expect(message).toContain('without path');
    expect(message.includes(SECRET), 'the message holds the secret').toBe(false);
  });

  it('says which keys are missing for a service app', () => {
    const message = messageOf({ orgUrl: 'https://example.okta.com', clientId: 'c' });

    expect(message).toContain('service app');
    expect(message).toContain('privateKey');
  });

  it('says what a private key must be when it is neither PEM nor an RSA or EC JWK', () => {
    const message = messageOf({ orgUrl: 'https://example.okta.com', clientId: 'c', privateKey: { kty: 'oct', k: 'c2VjcmV0' } });

    expect(message).toContain('privateKey must be a PEM private key or a private RSA or EC JWK');
    expect(message).not.toContain('c2VjcmV0');
  });

  it('refuses a mix of both forms', () => {
    const message = messageOf({ orgUrl: 'https://example.okta.com', apiToken: SECRET, clientId: 'c' });

    expect(message).toContain('"clientId"');
    expect(message.includes(SECRET), 'the message holds the secret').toBe(false);
  });

  it('explains both forms when the input is neither', () => {
    const message = messageOf({ orgUrl: 'https://example.okta.com' });

    expect(message).toContain('"orgUrl","apiToken"');
    expect(message).toContain('"orgUrl","clientId","privateKey"');
  });

  it('refuses text that is not JSON without echoing it', () => {
    expect(() => parseOktaCredentials(`SSWS ${SECRET}`)).toThrow(/not JSON/);
    expect(() => parseOktaCredentials(`SSWS ${SECRET}`)).not.toThrow(SECRET);
  });
});
