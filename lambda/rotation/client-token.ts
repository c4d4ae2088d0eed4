import type { OAuthChannelConfig } from '../okta/schemas.js';
import { RotationError } from './errors.js';

/** Whether the channel's token endpoint gives its client a token for `clientSecret` (client_secret_post). */
export type ClientSecretCheck = (channel: OAuthChannelConfig, clientSecret: string) => Promise<boolean>;

export const DEFAULT_TOKEN_CHECK_TIMEOUT_MS = 5_000;

/**
 * Asks the token endpoint for a token the way Okta does for the hook: the one check of a client secret
 * that needs no knowledge of how Okta stores it. `invalid_client` means the secret is not (or no
 * longer) the client's; any other refusal is a configuration to fix, and says so.
 */
export function clientSecretCheck(fetchImpl: typeof fetch = globalThis.fetch, timeoutMs = DEFAULT_TOKEN_CHECK_TIMEOUT_MS): ClientSecretCheck {
  return async (channel, clientSecret) => {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: channel.clientId, client_secret: clientSecret });
    if (channel.scope) form.set('scope', channel.scope);
    const response = await fetchImpl(channel.tokenUrl, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const answer = (await response.json().catch(() => ({}))) as { access_token?: unknown; error?: unknown };
    if (response.ok && typeof answer.access_token === 'string') return true;
    if (answer.error === 'invalid_client') return false;
    throw new RotationError(
      `the token endpoint ${channel.tokenUrl} answered ${response.status} ${typeof answer.error === 'string' ? answer.error : ''} to client ${channel.clientId}: ` +
        "check that the issuing server's access policy lets the client get the hook's scope",
    );
  };
}
