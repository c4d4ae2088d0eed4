import type { ChangeSet, TokenChanges } from './change-set.js';
import type { HookToken, TokenHookRequest } from './request-schema.js';
import { TOKEN_KINDS, type TokenKind } from './reserved-claims.js';

/**
 * Turns a change set into the commands Okta accepts (contract §2): only `com.okta.<token>.patch`, only
 * for tokens the request carries, `add` for new claims and `replace` for existing ones, `remove` only
 * for claims that exist. The hot path does not apply the patch: property tests prove every encoded patch
 * applies to the request's token (design.md decision 10); `preview` applies it (`apply-commands.ts`).
 */

export type CommandType = 'com.okta.access.patch' | 'com.okta.identity.patch';

export type PatchOperation =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

export interface TokenCommand {
  readonly type: CommandType;
  readonly value: PatchOperation[];
}

export interface EncodedChanges {
  readonly commands: TokenCommand[];
  /** Names (never values) of claims each command changes; `lifetime` for a lifetime change. */
  readonly changed: Record<TokenKind, string[]>;
}

/** Okta refuses a hook response of 256 KB or more. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export const LIFETIME_PATH = '/token/lifetime/expiration';

/** A patch that does not apply to the request's token: a bug in the encoder or the claim logic. */
export class CommandEncodingError extends Error {
  override readonly name = 'CommandEncodingError';
}

export const COMMAND_TYPE: Record<TokenKind, CommandType> = {
  access: 'com.okta.access.patch',
  identity: 'com.okta.identity.patch',
};

/** RFC 6901 escaping of one path segment. */
export function escapePointerSegment(segment: string): string {
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function operationsFor(token: HookToken, changes: TokenChanges, changed: string[]): PatchOperation[] {
  const operations: PatchOperation[] = [];
  const claims = token.claims;
  for (const [claim, value] of changes.set) {
    const exists = Object.hasOwn(claims, claim);
    if (exists && sameJson(claims[claim], value)) continue;
    operations.push({ op: exists ? 'replace' : 'add', path: `/claims/${escapePointerSegment(claim)}`, value });
    changed.push(claim);
  }
  for (const claim of changes.remove) {
    if (!Object.hasOwn(claims, claim)) continue;
    operations.push({ op: 'remove', path: `/claims/${escapePointerSegment(claim)}` });
    changed.push(claim);
  }
  if (changes.lifetime !== undefined && changes.lifetime !== token.token?.lifetime?.expiration) {
    operations.push({ op: 'replace', path: LIFETIME_PATH, value: changes.lifetime });
    changed.push('lifetime');
  }
  return operations;
}

export function encodeChanges(request: TokenHookRequest, changes: ChangeSet): EncodedChanges {
  const commands: TokenCommand[] = [];
  const changed: Record<TokenKind, string[]> = { access: [], identity: [] };
  for (const kind of TOKEN_KINDS) {
    const token = request.data[kind];
    // No command for a token Okta is not minting: it would make Okta skip the whole patch.
    if (!token) continue;
    const operations = operationsFor(token, changes[kind], changed[kind]);
    if (operations.length > 0) commands.push({ type: COMMAND_TYPE[kind], value: operations });
  }
  return { commands, changed };
}

