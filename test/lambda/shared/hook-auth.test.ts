import { describe, expect, it } from 'vitest';
import { parseHookAuth } from '../../../lambda/shared/hook-auth.js';
import { acceptsApiKey } from '../../../lambda/shared/hook-settings.js';
import { HookConfigError } from '../../../lambda/shared/hook-config.js';

const OAUTH = { type: 'oauth2', issuer: 'https://example.okta.com/oauth2/ausHook', audience: 'api://hook', scope: 'hooks:invoke' };

describe('hook auth', () => {
  it('is the API key when HOOK_AUTH is unset', () => {
    const auth = parseHookAuth(undefined);

    expect(auth).toEqual({ type: 'apiKey' });
    expect(acceptsApiKey(auth)).toBe(true);
  });

  it('reads OAuth 2.0 from JSON text, without the API key unless a migration keeps it', () => {
    const oauth = parseHookAuth(JSON.stringify(OAUTH));
    const migrating = parseHookAuth({ ...OAUTH, acceptApiKey: true });

    expect(oauth).toEqual({ ...OAUTH, acceptApiKey: false });
    expect(acceptsApiKey(oauth)).toBe(false);
    expect(acceptsApiKey(migrating)).toBe(true);
  });

  it.each([
    [{ ...OAUTH, issuer: 'http://example.okta.com/oauth2/ausHook' }, 'auth.issuer: must be an https URL'],
    [{ ...OAUTH, scope: 'two scopes' }, 'auth.scope: must be one OAuth scope'],
    [{ ...OAUTH, audience: '' }, 'auth.audience'],
    [{ ...OAUTH, method: 'private_key_jwt' }, "auth: Unrecognized key: \"method\""],
  ])('refuses %j naming the key', (input, message) => {
    const parse = () => parseHookAuth(input);

    expect(parse).toThrow(HookConfigError);
    expect(parse).toThrow(message);
  });

  it('refuses text that is not JSON', () => {
    expect(() => parseHookAuth('{oauth')).toThrow('hook auth is not valid JSON: check HOOK_AUTH');
  });
});
