import jsonpatch, { type Operation } from 'fast-json-patch';
import { COMMAND_TYPE, CommandEncodingError, type PatchOperation, type TokenCommand } from './encode.js';
import type { HookToken, TokenHookRequest } from './request-schema.js';
import { TOKEN_KINDS, type TokenKind } from './reserved-claims.js';

/**
 * Applies encoded commands to copies of the request's tokens, as Okta will: what `preview` shows, and
 * its check that every patch applies. Not on the hook's request path (nor in its bundle): there the
 * property tests stand for this check (design.md decision 10).
 */

/** A token as Okta would mint it after the patch: what `preview` shows. */
export interface PatchedToken {
  readonly claims: Record<string, unknown>;
  readonly lifetimeSeconds: number | undefined;
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
