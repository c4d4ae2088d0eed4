import type { RegistrarProperties } from '../shared/contract.js';
import type { InlineHook, InlineHookDefinition } from '../okta/schemas.js';

/**
 * Where the registrar remembers the hook it displaced from the rule. CloudFormation hands `Data` back to
 * no later event, so the previous hook id lives in Okta itself, on our hook, as a header Okta sends
 * along (harmless to the hook, visible to admins). Delete reads it to restore the rule.
 */
export const PREVIOUS_HOOK_HEADER = 'X-Token-Hook-Replaces';

type HookShape = Omit<InlineHookDefinition, 'authValue'>;

/** The hook we want in Okta, without the key (which Okta never returns, so it is never compared). */
export function desiredHook(properties: RegistrarProperties, previousHookId: string | undefined): HookShape {
  const headers = properties.Headers.map((h) => ({ key: h.Key, value: h.Value }));
  if (previousHookId) headers.push({ key: PREVIOUS_HOOK_HEADER, value: previousHookId });
  return { name: properties.HookName, uri: properties.HookUrl, authHeader: properties.AuthHeader, headers };
}

export function withKey(shape: HookShape, apiKey: string): InlineHookDefinition {
  return { ...shape, authValue: apiKey };
}

/** The hook this one displaced from its rule, as recorded by `desiredHook`. */
export function previousHookOf(hook: InlineHook): string | undefined {
  const marker = PREVIOUS_HOOK_HEADER.toLowerCase();
  const header = (hook.channel.config.headers ?? []).find((h) => h.key.toLowerCase() === marker);
  return header?.value || undefined;
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
