import type { OktaApi } from '../okta/okta-api.js';
import type { ClientSecret, InlineHook, OAuthChannelConfig } from '../okta/schemas.js';
import type { ClientSecretCheck } from './client-token.js';
import { HookNotFoundError, KeyChangeError } from './errors.js';
import type { HookCredential } from './rotation-steps.js';
import { definitionWithChannel, definitionWithKey, findOAuthHook, findTokenHook, oauthChannelOf } from './token-hook-lookup.js';

/** Okta keeps at most two secrets per OAuth client: the one in use and the one being rotated to. */
export const MAX_CLIENT_SECRETS = 2;

/**
 * The hook's API key: the hook checks it, so before Okta gets a new one every hook instance must be
 * able to see it (`settle` waits out their re-read interval).
 */
export function apiKeyCredential(hookName: string, settle: () => Promise<void>): HookCredential {
  return {
    noun: 'key',
    findHook: (api) => findTokenHook(api, hookName),
    prepare: () => settle(),
    definition: definitionWithKey,
  };
}

/**
 * The client secret Okta uses to get the hook's token (client_secret_post). The hook never sees it
 * (it checks the token), so nothing waits for the hook: the new secret is made the OAuth client's
 * second secret, then Okta's channel gets it, and once it is current the old one is deactivated and
 * deleted. Which of the client's secrets holds which value is never shown by Okta; the token
 * endpoint tells (`check`): a secret is taken away only while the one in use still gets a token.
 */
export function clientSecretCredential(hookName: string, check: ClientSecretCheck, log: (event: Readonly<Record<string, unknown>>) => void): HookCredential {
  const channelOf = (hook: InlineHook): OAuthChannelConfig => {
    const channel = oauthChannelOf(hook);
    if (channel?.authType !== 'client_secret_post') throw new HookNotFoundError(`token inline hook "${hookName}" no longer uses client_secret_post: deploy the stack, then rotate`);
    return channel;
  };
  return {
    noun: 'client secret',
    findHook: async (api) => (await findOAuthHook(api, hookName, 'client_secret_post')).hook,
    async prepare(api, hook, value, currentValue) {
      const channel = channelOf(hook);
      // A retry after the secret was added (its answer lost, or a later step failed): nothing to add.
      if (await check(channel, value)) {
        log({ event: 'client-secret-present', clientId: channel.clientId });
        return;
      }
      const secrets = await api.listClientSecrets(channel.clientId);
      if (secrets.length >= MAX_CLIENT_SECRETS) {
        // Left by a rotation whose retirement failed: the one Okta does not use goes first.
        const current = await currentValue();
        await removeOthers(api, channel.clientId, secrets, () => check(channel, current), 1, log);
      }
      const created = await api.createClientSecret(channel.clientId, value);
      log({ event: 'client-secret-added', clientId: channel.clientId, secretId: created.id });
    },
    definition: (hook, value) => definitionWithChannel(hook, channelOf(hook), value),
    async retire(api, hook, newValue) {
      const channel = channelOf(hook);
      const secrets = await api.listClientSecrets(channel.clientId);
      await removeOthers(api, channel.clientId, secrets, () => check(channel, newValue), Number.POSITIVE_INFINITY, log);
    },
  };
}

/**
 * Deactivates and deletes up to `limit` of the client's secrets, keeping the one in use: inactive ones
 * first, then active ones oldest first (the one in use is normally the newest). After each
 * deactivation the token endpoint must still answer for the value in use (`stillWorks`); if not, that
 * secret held it: it is activated again at once and the next one is tried. Throws when fewer than
 * `limit` could go (or, with no limit, when more than one active secret is left).
 */
async function removeOthers(
  api: OktaApi,
  appId: string,
  secrets: readonly ClientSecret[],
  stillWorks: () => Promise<boolean>,
  limit: number,
  log: (event: Readonly<Record<string, unknown>>) => void,
): Promise<void> {
  let removed = 0;
  const retire = async (secret: ClientSecret) => {
    await api.deleteClientSecret(appId, secret.id);
    removed += 1;
    log({ event: 'client-secret-retired', clientId: appId, secretId: secret.id });
  };
  for (const secret of secrets.filter((s) => s.status === 'INACTIVE')) {
    if (removed >= limit) return;
    await retire(secret);
  }
  const active = secrets.filter((s) => s.status === 'ACTIVE').sort((a, b) => String(a.created ?? '').localeCompare(String(b.created ?? '')));
  let left = active.length;
  for (const secret of active) {
    // Okta refuses to deactivate the last active secret, and the last one is the one in use.
    if (removed >= limit || left <= 1) break;
    await api.deactivateClientSecret(appId, secret.id);
    if (await stillWorks()) {
      await retire(secret);
      left -= 1;
    } else {
      await api.activateClientSecret(appId, secret.id);
      log({ event: 'client-secret-kept', clientId: appId, secretId: secret.id, reason: 'it holds the secret in use' });
    }
  }
  if ((Number.isFinite(limit) && removed < limit) || (!Number.isFinite(limit) && left > 1)) {
    throw new KeyChangeError(
      `the OAuth client ${appId} keeps ${left} active client secrets and the one okta does not use could not be told apart: ` +
        'deactivate and delete it in the okta admin console, then rotate again',
    );
  }
}
