import type { SimInlineHook } from './model.js';

/** What came of one call to a hook: its answer, no answer in time, or no connection. */
export type HookCallOutcome =
  | { kind: 'answered'; status: number; text: string }
  | { kind: 'timeout' }
  | { kind: 'unreachable'; reason: string };

class HookTimeoutError extends Error {
  override readonly name = 'HookTimeoutError';
}

/** Okta's side of a `private_key_jwt` channel: the client assertion signed with the hook key. */
export interface HookChannelAuth {
  signClientAssertion(hookKeyId: string, clientId: string, tokenUrl: string): Promise<string>;
}

/**
 * Calls a hook the way Okta does: POST JSON to `config.uri` with the registered headers and the stored
 * key (HTTP channel) or a bearer token fetched from `tokenUrl` (OAUTH channel, client_secret_post or
 * private_key_jwt), all within one deadline, redirects not followed.
 */
export async function callHook(hook: SimInlineHook, payload: unknown, timeoutMs: number, channelAuth?: HookChannelAuth): Promise<HookCallOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const headers: Record<string, string> = {};
    for (const { key, value } of hook.channel.config.headers) headers[key] = value;
    Object.assign(headers, await authorizationHeader(hook, signal, channelAuth));
    headers.Accept = 'application/json';
    headers['Content-Type'] = 'application/json';
    const response = await fetch(hook.channel.config.uri, {
      method: 'POST',
      headers,
      body: JSON.stringify(payload),
      redirect: 'manual',
      signal,
    });
    return { kind: 'answered', status: response.status, text: await response.text() };
  } catch (error) {
    if (signal.aborted || error instanceof HookTimeoutError) return { kind: 'timeout' };
    return { kind: 'unreachable', reason: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
  }
}

async function authorizationHeader(hook: SimInlineHook, signal: AbortSignal, channelAuth: HookChannelAuth | undefined): Promise<Record<string, string>> {
  const config = hook.channel.config;
  if (hook.channel.type === 'HTTP') {
    const scheme = config.authScheme as { key?: string } | undefined;
    return scheme?.key && hook.authValue !== undefined ? { [scheme.key]: hook.authValue } : {};
  }
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (config.authType === 'private_key_jwt') {
    if (!channelAuth) throw new Error('no hook keys to sign the client assertion with');
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', await channelAuth.signClientAssertion(String(config.hookKeyId), String(config.clientId), String(config.tokenUrl)));
  } else {
    form.set('client_id', String(config.clientId));
    form.set('client_secret', hook.clientSecret ?? '');
  }
  if (typeof config.scope === 'string' && config.scope) form.set('scope', config.scope);
  const response = await fetch(String(config.tokenUrl), { method: 'POST', body: form, signal, redirect: 'manual' });
  if (signal.aborted) throw new HookTimeoutError();
  const token = (await response.json().catch(() => ({}))) as { access_token?: unknown };
  if (!response.ok || typeof token.access_token !== 'string') throw new Error(`the hook's token endpoint answered ${response.status}`);
  return { Authorization: `Bearer ${token.access_token}` };
}
