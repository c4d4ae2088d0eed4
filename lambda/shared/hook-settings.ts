import { createHash } from 'node:crypto';
import type { HOOK_ENV } from './contract.js';
import type { HookAuth } from './hook-auth.js';
import type { HookConfig } from './hook-config.js';

/**
 * What the hook reads from its environment at cold start: `HOOK_CONFIG` and `HOOK_AUTH`. The construct
 * validates both at synth with their zod schemas and passes the digest of the two texts beside them
 * (`HOOK_SETTINGS_SHA256`). While the texts match it, the hook takes them as they are and never loads
 * zod, which would be most of its own cold start (`npm run bench`). Texts that do not match (edited in
 * the console, set by hand, no digest) are validated in full and fail with the same errors as at synth.
 */

// The names come from the contract, type-checked: importing its values would load classic zod at cold start.
const HOOK_CONFIG: (typeof HOOK_ENV)['hookConfig'] = 'HOOK_CONFIG';
const HOOK_AUTH: (typeof HOOK_ENV)['hookAuth'] = 'HOOK_AUTH';
const SETTINGS_DIGEST: (typeof HOOK_ENV)['settingsDigest'] = 'HOOK_SETTINGS_SHA256';

export const API_KEY_AUTH: HookAuth = { type: 'apiKey' };

/** Whether the hook needs the API key secret. */
export function acceptsApiKey(auth: HookAuth): boolean {
  return auth.type === 'apiKey' || auth.acceptApiKey;
}

export interface HookSettings {
  readonly config: HookConfig;
  readonly auth: HookAuth;
}

/** The digest of `HOOK_CONFIG` and `HOOK_AUTH` (unset: undefined) as they are in the environment. */
export function settingsDigest(hookConfig: string, hookAuth: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([hookConfig, hookAuth ?? null])).digest('hex');
}

/** The environment variables of a hook running `config` and `auth`, which the caller has validated. */
export function hookSettingsEnvironment(config: HookConfig, auth: HookAuth = API_KEY_AUTH): Record<string, string> {
  const configText = JSON.stringify(config);
  const authText = auth.type === 'apiKey' ? undefined : JSON.stringify(auth);
  return { [HOOK_CONFIG]: configText, ...(authText ? { [HOOK_AUTH]: authText } : {}), [SETTINGS_DIGEST]: settingsDigest(configText, authText) };
}

/** The hook's settings from `env`: taken as they are when they match their digest, else validated (throws `HookConfigError`). */
export async function readHookSettings(env: Readonly<Record<string, string | undefined>> = process.env): Promise<HookSettings> {
  const configText = env[HOOK_CONFIG] ?? '{}';
  const authText = env[HOOK_AUTH] || undefined;
  if (env[SETTINGS_DIGEST] === settingsDigest(configText, authText)) {
    return { config: JSON.parse(configText) as HookConfig, auth: authText === undefined ? API_KEY_AUTH : (JSON.parse(authText) as HookAuth) };
  }
  const [{ parseHookAuth }, { parseHookConfig }] = await Promise.all([import('./hook-auth.js'), import('./hook-config.js')]);
  const auth = parseHookAuth(authText);
  return { auth, config: parseHookConfig(configText) };
}
