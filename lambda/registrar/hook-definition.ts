import type { RegistrarProperties } from '../shared/contract.js';
import { oauthChannelOf } from '../okta/oauth-channel.js';
import type { InlineHook, InlineHookDefinition, OAuthChannelConfig } from '../okta/schemas.js';

/**
 * Where the registrar remembers the hooks it displaced from its rules. CloudFormation hands `Data` back
 * to no later event, so they live in Okta itself, on our hook, as a header Okta sends along (harmless to
 * the hook, visible to admins): `ruleId=hookId` pairs, comma-separated. Delete reads it to restore each
 * rule. The first releases wrote a bare hook id (one rule per hook): it still means "the rule".
 */
export const PREVIOUS_HOOK_HEADER = 'X-Token-Hook-Replaces';

/** Per rule id, the hook ours displaced on it. The key `*` is a bare id from the first releases: any rule. */
export type PreviousHooks = ReadonlyMap<string, string>;
const ANY_RULE = '*';

export function encodePreviousHooks(previous: PreviousHooks): string | undefined {
  const pairs = [...previous].sort(([a], [b]) => a.localeCompare(b)).map(([rule, hook]) => `${rule}=${hook}`);
  return pairs.length ? pairs.join(',') : undefined;
}

function decodePreviousHooks(value: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [rule, hook] = part.includes('=') ? part.split('=', 2) : [ANY_RULE, part];
    if (rule && hook) map.set(rule, hook);
  }
  return map;
}

/** The hook ours displaced on `ruleId`, as recorded on our hook. */
export function previousHookFor(previous: PreviousHooks, ruleId: string): string | undefined {
  return previous.get(ruleId) ?? previous.get(ANY_RULE);
}

/**
 * The header value for `previous`, given the value stored on our hook today: the stored one when it
 * means the same for `ruleIds` (a bare id of the first releases is not rewritten, so updating such a
 * stack with the same config writes nothing).
 */
export function previousHeader(previous: PreviousHooks, stored: string | undefined, ruleIds: readonly string[]): string | undefined {
  const old = decodePreviousHooks(stored);
  const same =
    ruleIds.every((rule) => previousHookFor(old, rule) === previous.get(rule)) &&
    [...old.keys()].every((rule) => rule === ANY_RULE || ruleIds.includes(rule)) &&
    [...previous.keys()].every((rule) => ruleIds.includes(rule));
  return same ? stored || undefined : encodePreviousHooks(previous);
}

/** A hook as we want it in Okta, without its write-only credential (never returned, so never compared). */
export interface HookShape {
  readonly name: string;
  readonly uri: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  /** HTTP channel: the header Okta puts the key in. */
  readonly authHeader: string;
  /** OAUTH channel: how Okta gets its token; absent for the HTTP channel. */
  readonly oauth?: OAuthChannelConfig;
}

/** The hook we want in Okta: an OAUTH channel when `oauth` is given, else the HTTP channel with the key. */
export function desiredHook(properties: RegistrarProperties, previousHeaderValue: string | undefined, oauth?: OAuthChannelConfig): HookShape {
  const headers = properties.Headers.map((h) => ({ key: h.Key, value: h.Value }));
  if (previousHeaderValue) headers.push({ key: PREVIOUS_HOOK_HEADER, value: previousHeaderValue });
  return { name: properties.HookName, uri: properties.HookUrl, authHeader: properties.AuthHeader, headers, ...(oauth ? { oauth } : {}) };
}

/**
 * The definition to send: the HTTP channel with the API key, or the OAUTH channel with the client
 * secret (client_secret_post) or nothing secret at all (private_key_jwt).
 */
export function withCredential(shape: HookShape, credential: string | undefined): InlineHookDefinition {
  const { oauth, authHeader, ...common } = shape;
  if (oauth) return { ...common, oauth, ...(oauth.authType === 'client_secret_post' && credential !== undefined ? { clientSecret: credential } : {}) };
  return { ...common, authHeader, authValue: credential ?? '' };
}

/** The header value recorded on our hook by `desiredHook`, as stored. */
export function previousHeaderOf(hook: InlineHook): string | undefined {
  const marker = PREVIOUS_HOOK_HEADER.toLowerCase();
  const header = (hook.channel.config.headers ?? []).find((h) => h.key.toLowerCase() === marker);
  return header?.value || undefined;
}

/** The hooks this one displaced from its rules, per rule id. */
export function previousHooksOf(hook: InlineHook): PreviousHooks {
  return decodePreviousHooks(previousHeaderOf(hook));
}

function headerList(headers: readonly { key: string; value: string }[] | null | undefined): string {
  return (headers ?? [])
    .map((h) => `${h.key.toLowerCase()}=${h.value}`)
    .sort()
    .join('\n');
}

/** What differs between Okta's hook and the one we want: field names, empty when they agree. */
export function hookDifferences(hook: InlineHook, desired: HookShape): string[] {
  const differences: string[] = [];
  if (hook.name !== desired.name) differences.push('name');
  if (hook.channel.config.uri !== desired.uri) differences.push('url');
  if (hook.channel.type !== (desired.oauth ? 'OAUTH' : 'HTTP')) {
    differences.push('channel type');
  } else if (desired.oauth) {
    if (JSON.stringify(oauthChannelOf(hook)) !== JSON.stringify(canonical(desired.oauth))) differences.push('oauth client');
  } else if ((hook.channel.config.authScheme?.key ?? '').toLowerCase() !== desired.authHeader.toLowerCase()) {
    // Okta lower-cases the scheme's key in answers (contract §3.2): compare without case.
    differences.push('auth header');
  }
  if (headerList(hook.channel.config.headers) !== headerList(desired.headers)) differences.push('headers');
  return differences;
}

/** The channel config in `oauthChannelOf`'s key order, so the two compare as JSON. */
function canonical(oauth: OAuthChannelConfig): OAuthChannelConfig {
  const common = { clientId: oauth.clientId, tokenUrl: oauth.tokenUrl, scope: oauth.scope };
  return oauth.authType === 'private_key_jwt' ? { ...common, authType: oauth.authType, hookKeyId: oauth.hookKeyId } : { ...common, authType: oauth.authType };
}

export function isReservedHeader(key: string): boolean {
  return key.toLowerCase() === PREVIOUS_HOOK_HEADER.toLowerCase();
}
