import jsonpatch, { type Operation } from 'fast-json-patch';
import type { ChangeSet, TokenChanges } from './change-set.js';
import type { HookToken, TokenHookRequest } from './request-schema.js';
import { TOKEN_KINDS, type TokenKind } from './reserved-claims.js';

/**
 * Turns a change set into the commands Okta accepts (contract §2): only `com.okta.<token>.patch`, only
 * for tokens the request carries, `add` for new claims and `replace` for existing ones, `remove` only
 * for claims that exist. The hot path does not apply the patch: property tests prove every encoded patch
 * applies to the request's token (design.md decision 10); `preview` applies it (`applyCommands`).
 */

export type CommandType = 'com.okta.access.patch' | 'com.okta.identity.patch';

export type PatchOperation =
  | { readonly op: 'add' | 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string };

export interface TokenCommand {
  readonly type: CommandType;
  readonly value: PatchOperation[];
}

/** A token as Okta would mint it after the patch: what `preview` shows. */
export interface PatchedToken {
  readonly claims: Record<string, unknown>;
  readonly lifetimeSeconds: number | undefined;
}

export interface EncodedChanges {
  readonly commands: TokenCommand[];
  /** Names (never values) of claims each command changes; `lifetime` for a lifetime change. */
  readonly changed: Record<TokenKind, string[]>;
}

/** Okta refuses a hook response of 256 KB or more. */
export const MAX_RESPONSE_BYTES = 256 * 1024;

export const LIFETIME_PATH = '/token/lifetime/expiration';

/** A patch that would not apply to the request's token: a bug, never sent to Okta. */
export class CommandEncodingError extends Error {
  override readonly name = 'CommandEncodingError';
}

export const COMMAND_TYPE: Record<TokenKind, CommandType> = {
  access: 'com.okta.access.patch',
  identity: 'com.okta.identity.patch',
};

/** RFC 6901 escaping of one path segment. */
export function escapePointerSegment(segment: string): string {
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

/** Applies `operations` to a copy of `token` the way Okta will; throws `CommandEncodingError` if one fails. */
export function applyToCopy(kind: TokenKind, token: HookToken, operations: readonly PatchOperation[]): PatchedToken {
  // Paths are /claims/<name> or the lifetime: copying those two levels isolates the request.
  const document = { claims: { ...token.claims }, token: { lifetime: { expiration: token.token?.lifetime?.expiration ?? null } } };
  try {
    jsonpatch.applyPatch(document, operations as Operation[], true, true, true);
  } catch (error) {
    const index = (error as { index?: number }).index;
    const path = index === undefined ? '' : ` at ${operations[index]?.path ?? ''}`;
    throw new CommandEncodingError(`the ${kind} token patch does not apply to the request's token${path}: fix the claim logic`, { cause: error });
  }
  const expiration = document.token.lifetime.expiration;
  return { claims: document.claims, lifetimeSeconds: typeof expiration === 'number' ? expiration : undefined };
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

/**
 * The request's tokens as Okta would mint them after `commands`, each patch applied to a copy;
 * throws `CommandEncodingError` when one does not apply. What `preview` shows.
 */
export function applyCommands(request: TokenHookRequest, commands: readonly TokenCommand[]): Partial<Record<TokenKind, PatchedToken>> {
  const tokens: Partial<Record<TokenKind, PatchedToken>> = {};
  for (const kind of TOKEN_KINDS) {
    const token = request.data[kind];
    if (!token) continue;
    const operations = commands.filter((command) => command.type === COMMAND_TYPE[kind]).flatMap((command) => command.value);
    tokens[kind] = applyToCopy(kind, token, operations);
  }
  return tokens;
}
