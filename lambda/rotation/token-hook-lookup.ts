import type { OktaApi } from '../okta/okta-api.js';
import { TOKEN_HOOK_TYPE, type InlineHook, type InlineHookDefinition } from '../okta/schemas.js';
import { HookNotFoundError } from './errors.js';

/** The token hook named `name` (exact match), with HTTP header auth: the only kind that carries our key. */
export async function findTokenHook(api: OktaApi, name: string): Promise<InlineHook> {
  const hooks = await api.listInlineHooks(TOKEN_HOOK_TYPE);
  const hook = hooks.find((candidate) => candidate.name === name && candidate.type === TOKEN_HOOK_TYPE);
  if (!hook) {
    throw new HookNotFoundError(
      `no token inline hook named "${name}" in okta: deploy the stack (it registers the hook) before rotating its key`,
    );
  }
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
