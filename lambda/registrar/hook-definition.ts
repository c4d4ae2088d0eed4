import type { RegistrarProperties } from '../shared/contract.js';
import type { InlineHook, InlineHookDefinition } from '../okta/schemas.js';

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

/** A hook as we want it in Okta, without its write-only key (never returned, so never compared). */
interface HookShape {
  readonly name: string;
  readonly uri: string;
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  readonly authHeader: string;
}

/** The hook we want in Okta, without the key (which Okta never returns, so it is never compared). */
export function desiredHook(properties: RegistrarProperties, previousHeaderValue: string | undefined): HookShape {
  const headers = properties.Headers.map((h) => ({ key: h.Key, value: h.Value }));
  if (previousHeaderValue) headers.push({ key: PREVIOUS_HOOK_HEADER, value: previousHeaderValue });
  return { name: properties.HookName, uri: properties.HookUrl, authHeader: properties.AuthHeader, headers };
}

export function withKey(shape: HookShape, apiKey: string): InlineHookDefinition {
  return { ...shape, authValue: apiKey };
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
  // Okta lower-cases the scheme's key in answers (contract §3.2): compare without case.
  if ((hook.channel.config.authScheme?.key ?? '').toLowerCase() !== desired.authHeader.toLowerCase()) {
    differences.push('auth header');
  }
  if (headerList(hook.channel.config.headers) !== headerList(desired.headers)) differences.push('headers');
  return differences;
}

export function isReservedHeader(key: string): boolean {
  return key.toLowerCase() === PREVIOUS_HOOK_HEADER.toLowerCase();
}
