import type { OktaApi } from '../okta/okta-api.js';
import type { ClientSecret, InlineHook, OAuthChannelConfig } from '../okta/schemas.js';
import type { ClientSecretCheck } from './client-token.js';
import { HookNotFoundError, KeyChangeError } from './errors.js';
import type { HookCredential, StageReader } from './rotation-steps.js';
import { oauthChannelOf } from '../okta/oauth-channel.js';
import { definitionWithChannel, definitionWithKey, findOAuthHook, findTokenHook } from './token-hook-lookup.js';

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
    async prepare(api, hook, value, stage) {
      const channel = channelOf(hook);
      // A retry after the secret was added (its answer lost, or a later step failed): nothing to add.
      if (await check(channel, value)) {
        log({ event: 'client-secret-present', clientId: channel.clientId });
        return;
      }
      const secrets = await api.listClientSecrets(channel.clientId);
      if (secrets.length >= MAX_CLIENT_SECRETS) {
        // Left by a rotation whose retirement failed: the previous secret, older than the one in use.
        await retireOlder(api, channel, secrets, stage, check, log);
        if ((await api.listClientSecrets(channel.clientId)).length >= MAX_CLIENT_SECRETS) {
          throw new KeyChangeError(
            `the OAuth client ${channel.clientId} has ${MAX_CLIENT_SECRETS} client secrets and the one okta does not use holds a value this rotation does not know: ` +
              'deactivate and delete the one okta does not use in the okta admin console, then rotate again',
          );
        }
      }
      const created = await api.createClientSecret(channel.clientId, value);
      log({ event: 'client-secret-added', clientId: channel.clientId, secretId: created.id });
    },
    definition: (hook, value) => definitionWithChannel(hook, channelOf(hook), value),
    async retire(api, hook, stage) {
      const channel = channelOf(hook);
      await retireOlder(api, channel, await api.listClientSecrets(channel.clientId), stage, check, log);
    },
  };
}

/**
 * Takes the previous secret off the client. Okta never shows which secret holds which value, so the
 * token endpoint tells: only when the AWSPREVIOUS value still gets a token is there an old secret, and
 * then it is the oldest active one (each rotation adds its secret after the one in use). It is
 * deactivated, the AWSCURRENT value must still get a token, and it is deleted; should the
 * value in use stop working, the secret is activated again at once and the rotation fails. Inactive
 * secrets are deleted; a secret holding a value this rotation does not know is left alone.
 */
async function retireOlder(
  api: OktaApi,
  channel: OAuthChannelConfig,
  secrets: readonly ClientSecret[],
  stage: StageReader,
  check: ClientSecretCheck,
  log: (event: Readonly<Record<string, unknown>>) => void,
): Promise<void> {
  const appId = channel.clientId;
  for (const secret of secrets.filter((s) => s.status === 'INACTIVE')) {
    await api.deleteClientSecret(appId, secret.id);
    log({ event: 'client-secret-retired', clientId: appId, secretId: secret.id });
  }
  const active = secrets.filter((s) => s.status === 'ACTIVE').sort((a, b) => String(a.created ?? '').localeCompare(String(b.created ?? '')));
  const previous = await stage('AWSPREVIOUS');
  if (active.length < 2 || !previous || !(await check(channel, previous))) return;
  const oldest = active[0]!;
  await api.deactivateClientSecret(appId, oldest.id);
  if (!(await check(channel, (await stage('AWSCURRENT')) ?? ''))) {
    await api.activateClientSecret(appId, oldest.id);
    throw new KeyChangeError(
      `the oldest client secret of the OAuth client ${appId} is the one okta uses, not the previous one: it is active again; ` +
        'deactivate and delete the previous secret in the okta admin console',
    );
  }
  await api.deleteClientSecret(appId, oldest.id);
  log({ event: 'client-secret-retired', clientId: appId, secretId: oldest.id });
}
