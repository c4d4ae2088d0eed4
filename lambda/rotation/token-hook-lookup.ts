import type { OktaApi } from '../okta/okta-api.js';
import { TOKEN_HOOK_TYPE, type InlineHook, type InlineHookDefinition, type OAuthChannelConfig } from '../okta/schemas.js';
import { oauthChannelOf } from '../okta/oauth-channel.js';
import { HookNotFoundError } from './errors.js';

async function findNamedHook(api: OktaApi, name: string): Promise<InlineHook> {
  const hooks = await api.listInlineHooks(TOKEN_HOOK_TYPE);
  const hook = hooks.find((candidate) => candidate.name === name && candidate.type === TOKEN_HOOK_TYPE);
  if (!hook) {
    throw new HookNotFoundError(
      `no token inline hook named "${name}" in okta: deploy the stack (it registers the hook) before rotating its key`,
    );
  }
  return hook;
}

/** The token hook named `name` (exact match), with HTTP header auth: the only kind that carries our key. */
export async function findTokenHook(api: OktaApi, name: string): Promise<InlineHook> {
  const hook = await findNamedHook(api, name);
  if (hook.channel.type !== 'HTTP' || !hook.channel.config.authScheme) {
    throw new HookNotFoundError(
      `token inline hook "${name}" does not use header authentication (channel ${hook.channel.type}): only header keys can be rotated`,
    );
  }
  return hook;
}

/** The hook as Okta stores it with `apiKey` as its write-only value: PUT replaces, so everything is kept. */
export function definitionWithKey(hook: InlineHook, apiKey: string): InlineHookDefinition {
  const { config } = hook.channel;
  return {
    name: hook.name,
    uri: config.uri,
    authHeader: config.authScheme?.key ?? 'Authorization',
    authValue: apiKey,
    headers: (config.headers ?? []).map((header) => ({ key: header.key, value: header.value })),
  };
}

/** A token hook with an OAUTH channel, and that channel. */
export interface OAuthHook {
  readonly hook: InlineHook;
  readonly channel: OAuthChannelConfig;
}

/** The token hook named `name` whose OAUTH channel authenticates with `authType`. */
export async function findOAuthHook(api: OktaApi, name: string, authType: OAuthChannelConfig['authType']): Promise<OAuthHook> {
  const hook = await findNamedHook(api, name);
  const channel = oauthChannelOf(hook);
  if (channel?.authType !== authType) {
    const has = hook.channel.type === 'OAUTH' ? `OAuth 2.0 with ${hook.channel.config.authType ?? 'no method'}` : 'the API key';
    throw new HookNotFoundError(
      `token inline hook "${name}" authenticates with ${has}, not OAuth 2.0 with ${authType}: deploy the stack with auth.method ${authType} before rotating`,
    );
  }
  return { hook, channel };
}

/** The hook as Okta stores it with `channel` (and the write-only client secret): PUT replaces, so everything is kept. */
export function definitionWithChannel(hook: InlineHook, channel: OAuthChannelConfig, clientSecret?: string): InlineHookDefinition {
  return {
    name: hook.name,
    uri: hook.channel.config.uri,
    headers: (hook.channel.config.headers ?? []).map((header) => ({ key: header.key, value: header.value })),
    oauth: channel,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
  };
}
