import { claimProblem, type TokenKind } from '../../../lambda/token-hook/reserved-claims.js';

/** One minted token as the simulator returns it. */
export interface MintedToken {
  readonly claims: Record<string, unknown>;
  readonly lifetime: number;
}

/** A token before and after the hook, comparable claim by claim. */
export interface TokenView {
  readonly before: Record<string, unknown>;
  readonly after: Record<string, unknown>;
  readonly lifetimeBefore: number | undefined;
  readonly lifetimeAfter: number;
}

interface HookToken {
  readonly claims?: Record<string, unknown>;
  readonly token?: { readonly lifetime?: { readonly expiration?: number } };
}

/**
 * The token Okta would have issued without the hook, next to the one it issued. "Before" is what Okta
 * sent the hook; the claims Okta adds only after the hook (`iat`, `exp`, `scp`) are reserved, so the hook
 * cannot have set them: they are copied, with `exp` recomputed from the lifetime the hook saw.
 */
export function tokenView(kind: TokenKind, sent: HookToken | undefined, minted: MintedToken): TokenView {
  const requestClaims = sent?.claims ?? {};
  const lifetimeBefore = sent?.token?.lifetime?.expiration;
  const before: Record<string, unknown> = { ...requestClaims };
  for (const [claim, value] of Object.entries(minted.claims)) {
    if (Object.hasOwn(requestClaims, claim) || claimProblem(kind, claim) === undefined) continue;
    before[claim] = value;
  }
  const iat = minted.claims['iat'];
  if (typeof iat === 'number' && lifetimeBefore !== undefined && Object.hasOwn(before, 'exp')) {
    before['exp'] = iat + lifetimeBefore;
  }
  return { before, after: minted.claims, lifetimeBefore, lifetimeAfter: minted.lifetime };
}
