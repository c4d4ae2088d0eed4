import { describe, expect, it } from 'vitest';
import { HOOK_ENV } from '../../../lambda/shared/contract.js';
import { parseHookAuth } from '../../../lambda/shared/hook-auth.js';
import { HookConfigError, parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { API_KEY_AUTH, hookSettingsEnvironment, readHookSettings, settingsDigest } from '../../../lambda/shared/hook-settings.js';

const config = parseHookConfig({ failureMode: 'closed', rules: [{ name: 'tier', set: [{ claim: 'tier', token: 'access', value: 'gold' }] }] });
const oauth = parseHookAuth({ type: 'oauth2', issuer: 'https://example.okta.com/oauth2/aus1', audience: 'api://hook', scope: 'hooks:invoke' });

describe('readHookSettings', () => {
  it('reads back what hookSettingsEnvironment wrote, for the API key and for OAuth 2.0', async () => {
    const apiKey = await readHookSettings(hookSettingsEnvironment(config));
    const bearer = await readHookSettings(hookSettingsEnvironment(config, oauth));

    expect(apiKey).toEqual({ config, auth: API_KEY_AUTH });
    expect(bearer).toEqual({ config, auth: oauth });
    expect(hookSettingsEnvironment(config)).not.toHaveProperty(HOOK_ENV.hookAuth);
  });

  it('takes settings that match their digest as they are, without validating them again', async () => {
    // What no schema accepts, stamped as if the construct had validated it: proof the check is skipped.
    const unchecked = JSON.stringify({ failureMode: 'sometimes' });
    const env = { [HOOK_ENV.hookConfig]: unchecked, [HOOK_ENV.settingsDigest]: settingsDigest(unchecked, undefined) };

    const settings = await readHookSettings(env);

    expect(settings.config).toEqual({ failureMode: 'sometimes' });
  });

  it('validates a config edited after synth and fails naming the key', async () => {
    const env = { ...hookSettingsEnvironment(config), [HOOK_ENV.hookConfig]: JSON.stringify({ ...config, failureMode: 'sometimes' }) };

    const failure = await readHookSettings(env).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(HookConfigError);
    expect(String(failure)).toMatch(/failureMode/);
  });

  it('validates an auth edited after synth, and text set by hand without a digest, with defaults filled', async () => {
    const editedAuth = { ...hookSettingsEnvironment(config, oauth), [HOOK_ENV.hookAuth]: JSON.stringify({ ...oauth, issuer: 'ftp://example' }) };
    const byHand = { [HOOK_ENV.hookConfig]: '{"authHeader":"X-Okta-Key"}' };

    const failure = await readHookSettings(editedAuth).catch((error: unknown) => error);
    const settings = await readHookSettings(byHand);

    expect(failure).toBeInstanceOf(HookConfigError);
    expect(String(failure)).toMatch(/auth\.issuer: must be an https URL/);
    expect(settings).toEqual({ config: parseHookConfig({ authHeader: 'x-okta-key' }), auth: API_KEY_AUTH });
  });

  it('tells the config from the auth in the digest: moving text from one to the other breaks it', () => {
    expect(settingsDigest('{}', '{"type":"apiKey"}')).not.toBe(settingsDigest('{}{"type":"apiKey"}', undefined));
  });
});
