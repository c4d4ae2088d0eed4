import type { InlineHook, OAuthChannelConfig } from './schemas.js';

/** The OAUTH channel of a hook as Okta stores it; undefined for an HTTP channel or an incomplete one. */
export function oauthChannelOf(hook: InlineHook): OAuthChannelConfig | undefined {
  const config = hook.channel.config;
  if (hook.channel.type !== 'OAUTH' || !config.clientId || !config.tokenUrl) return undefined;
  const common = { clientId: config.clientId, tokenUrl: config.tokenUrl, scope: config.scope ?? '' };
  if (config.authType === 'private_key_jwt') return config.hookKeyId ? { ...common, authType: 'private_key_jwt', hookKeyId: config.hookKeyId } : undefined;
  return config.authType === 'client_secret_post' ? { ...common, authType: 'client_secret_post' } : undefined;
}
