import { OktaApiError } from '../okta/errors.js';
import type { OktaApi } from '../okta/okta-api.js';
import type { HookKey, InlineHook, OAuthChannelConfig } from '../okta/schemas.js';
import { KeyChangeError } from './errors.js';
import { describe, type OktaClients } from './rotation-steps.js';
import { definitionWithChannel, findOAuthHook } from './token-hook-lookup.js';

/** Hook key names are unique in an org and at most 255 characters. */
const MAX_KEY_NAME = 255;
const ROTATED = ' rotated ';

export interface HookKeyRotationDeps {
  readonly okta: () => Promise<OktaClients>;
  /** Name of the token hook whose key is rotated (private_key_jwt). */
  readonly hookName: string;
  /** Has Okta call the hook (`/execute`), which makes Okta get a token with the key it now signs with. */
  readonly verify: (okta: OktaApi, hookId: string) => Promise<void>;
  /** Wall clock, for the new key's name. */
  readonly now: () => number;
  readonly log: (event: Readonly<Record<string, unknown>>) => void;
}

/** The outcome: the key Okta signs with now, and the keys taken away. */
export interface HookKeyRotation {
  readonly hookKeyId: string;
  readonly retired: readonly string[];
}

/** The hook's keys: the one the registrar made (the hook's name) and those rotations made. */
function isOurs(hookName: string, key: HookKey): boolean {
  const base = hookName.slice(0, MAX_KEY_NAME);
  return key.name === base || key.name.startsWith(`${keyNameBase(hookName)}${ROTATED}`);
}

function keyNameBase(hookName: string): string {
  return hookName.slice(0, MAX_KEY_NAME - ROTATED.length - 'YYYYMMDDTHHMMSSZ'.length);
}

function keyName(hookName: string, now: number): string {
  return `${keyNameBase(hookName)}${ROTATED}${new Date(now).toISOString().replace(/[-:]|\.\d+/g, '')}`;
}

function isNotFound(error: unknown): boolean {
  return error instanceof OktaApiError && error.status === 404;
}

/**
 * Rotates the Hook Key Okta signs its client assertions with (private_key_jwt), with no shared secret
 * anywhere: a new key in Okta, its public half added to the OAuth client, the hook PUT to the new key,
 * verified through `/execute`, and only then the old key removed from the client and deleted. Each
 * step looks at Okta first, so a run that failed anywhere can be run again: a key made by an earlier
 * run that the hook does not use yet is taken up instead of making another, a public key the client
 * has already is not added twice, and what a failed retirement left is removed by the next run. A
 * failure before the hook uses the new key puts the old one back, so a working pair is always left.
 */
export async function rotateHookKey(deps: HookKeyRotationDeps): Promise<HookKeyRotation> {
  const { api, restore } = await deps.okta();
  const { hook, channel } = await findOAuthHook(api, deps.hookName, 'private_key_jwt');
  if (channel.authType !== 'private_key_jwt') throw new KeyChangeError('unreachable: the hook does not use private_key_jwt');
  const current = channel.hookKeyId;
  const keys = await api.listHookKeys();
  const next = await nextKey(api, deps, keys, current);
  await addToClient(api, channel, next, current, keys, deps.log);

  const moved: OAuthChannelConfig = { ...channel, hookKeyId: next.id };
  try {
    await api.replaceInlineHook(hook.id, definitionWithChannel(hook, moved));
    deps.log({ event: 'hook-key-set', hookId: hook.id, hookKeyId: next.id });
    await deps.verify(api, hook.id);
  } catch (error) {
    await putBack(restore, hook, channel, deps.log);
    throw new KeyChangeError(
      `okta could not call hook "${deps.hookName}" with the new hook key ${next.id} (${describe(error)}): the hook signs with ${current} again; ` +
        'the next rotation takes up the new key, or run the rotation again once okta and the hook answer',
      { cause: error },
    );
  }
  deps.log({ event: 'hook-key-tested', hookId: hook.id, hookKeyId: next.id });

  try {
    const retired = await retireOthers(api, deps.hookName, channel.clientId, next, current);
    deps.log({ event: 'hook-key-rotated', hookId: hook.id, hookKeyId: next.id, retired });
    return { hookKeyId: next.id, retired };
  } catch (error) {
    throw new KeyChangeError(
      `hook "${deps.hookName}" signs with the new hook key ${next.id}, but the old key could not be removed (${describe(error)}): ` +
        'it still works and the next rotation removes it, or delete it from the OAuth client and the hook keys in the okta admin console',
      { cause: error },
    );
  }
}

/** A key newer than the current one that an earlier run made and the hook does not use yet, or a new one. */
async function nextKey(api: OktaApi, deps: HookKeyRotationDeps, keys: readonly HookKey[], current: string): Promise<HookKey> {
  const currentCreated = keys.find((key) => key.id === current)?.created ?? '';
  const pending = keys
    .filter((key) => key.id !== current && isOurs(deps.hookName, key) && String(key.created ?? '') > currentCreated)
    .sort((a, b) => String(b.created ?? '').localeCompare(String(a.created ?? '')))[0];
  if (pending) {
    deps.log({ event: 'hook-key-taken-up', hookKeyId: pending.id });
    return pending;
  }
  const name = keyName(deps.hookName, deps.now());
  try {
    const created = await api.createHookKey(name);
    deps.log({ event: 'hook-key-created', hookKeyId: created.id });
    return created;
  } catch (error) {
    // A create whose answer was lost, or a run in the same second: the name finds it.
    const found = (await api.listHookKeys()).find((key) => key.name === name);
    if (found) return found;
    throw error;
  }
}

/**
 * The client gets the new public key beside the one in use. Any other key on the client (left by a
 * failed retirement, or inactive) goes first, so the client knows exactly the two keys.
 */
async function addToClient(
  api: OktaApi,
  channel: OAuthChannelConfig,
  next: HookKey,
  current: string,
  keys: readonly HookKey[],
  log: HookKeyRotationDeps['log'],
): Promise<void> {
  const appId = channel.clientId;
  const currentKid = keys.find((key) => key.id === current)?.keyId;
  const onClient = await api.listClientJwks(appId);
  for (const stale of onClient.filter((key) => key.kid !== next.keyId && key.kid !== currentKid)) {
    if (stale.status === 'ACTIVE') await api.deactivateClientJwk(appId, stale.id);
    await api.deleteClientJwk(appId, stale.id);
    log({ event: 'client-key-removed', clientId: appId, kid: stale.kid ?? null });
  }
  const present = onClient.find((key) => key.kid === next.keyId);
  if (present?.status === 'ACTIVE') return;
  if (present) {
    await api.activateClientJwk(appId, present.id);
    return;
  }
  const jwk = next._embedded ?? (await api.getHookPublicKey(next.keyId));
  await api.addClientJwk(appId, jwk);
  log({ event: 'client-key-added', clientId: appId, kid: next.keyId });
}

/** Best effort: the hook signs with the key it had; the new key stays for the next run. */
async function putBack(api: OktaApi, hook: InlineHook, channel: OAuthChannelConfig, log: HookKeyRotationDeps['log']): Promise<void> {
  try {
    const fresh = await api.getInlineHook(hook.id);
    await api.replaceInlineHook(hook.id, definitionWithChannel(fresh, channel));
    log({ event: 'hook-key-restored', hookId: hook.id });
  } catch (error) {
    // Okta may now sign with the new key, which the client knows too: still a working pair.
    log({ event: 'hook-key-restore-failed', hookId: hook.id, reason: describe(error) });
  }
}

/** Every other public key off the client, then the old key and any other of this hook deleted (a 404 is done). */
async function retireOthers(api: OktaApi, hookName: string, appId: string, next: HookKey, old: string): Promise<string[]> {
  for (const key of (await api.listClientJwks(appId)).filter((candidate) => candidate.kid !== next.keyId)) {
    if (key.status === 'ACTIVE') await api.deactivateClientJwk(appId, key.id);
    await api.deleteClientJwk(appId, key.id);
  }
  const retired: string[] = [];
  for (const key of (await api.listHookKeys()).filter((candidate) => candidate.id !== next.id && (candidate.id === old || isOurs(hookName, candidate)))) {
    try {
      await api.deleteHookKey(key.id);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    retired.push(key.id);
  }
  return retired;
}
