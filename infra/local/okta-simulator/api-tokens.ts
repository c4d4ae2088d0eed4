import { randomBytes } from 'node:crypto';
import { OktaSimError } from './errors.js';

/** Who is calling: the scopes the credential grants (`undefined` = every permission, a super admin's token). */
export interface Principal {
  readonly kind: 'ssws' | 'oauth';
  readonly scopes?: ReadonlySet<string>;
}

/** Checks an access token or DPoP-bound token; supplied by the OAuth part. */
export type BearerVerifier = (request: {
  scheme: 'Bearer' | 'DPoP';
  token: string;
  method: string;
  url: string;
  dpopProof: string | undefined;
}) => Promise<Principal>;

/** `okta.X.manage` includes `okta.X.read`, as Okta's OAuth scopes do. */
export function hasScope(principal: Principal, scope: string): boolean {
  if (!principal.scopes) return true;
  if (principal.scopes.has(scope)) return true;
  return scope.endsWith('.read') && principal.scopes.has(`${scope.slice(0, -'.read'.length)}.manage`);
}

export function requireScope(principal: Principal, scope: string): void {
  if (!hasScope(principal, scope)) throw new OktaSimError('E0000006');
}

/** SSWS API tokens of the org, each with every permission or limited to some OAuth scopes. */
export class ApiTokens {
  private readonly tokens = new Map<string, ReadonlySet<string> | undefined>();

  add(scopes?: readonly string[]): string {
    const token = `00${randomBytes(30).toString('base64url')}`;
    this.tokens.set(token, scopes ? new Set(scopes) : undefined);
    return token;
  }

  /** Resolves the `Authorization` header to a principal or throws Okta's 401 `E0000011`. */
  async authenticate(
    request: { authorization: string | undefined; dpop: string | undefined; method: string; url: string },
    verifyBearer: BearerVerifier | undefined,
  ): Promise<Principal> {
    const match = /^(SSWS|Bearer|DPoP) +(\S+)$/i.exec(request.authorization?.trim() ?? '');
    if (!match) throw new OktaSimError('E0000011');
    const scheme = match[1]!.toLowerCase();
    const token = match[2]!;
    if (scheme === 'ssws') {
      if (!this.tokens.has(token)) throw new OktaSimError('E0000011');
      const scopes = this.tokens.get(token);
      return scopes ? { kind: 'ssws', scopes } : { kind: 'ssws' };
    }
    if (!verifyBearer) throw new OktaSimError('E0000011');
    return verifyBearer({
      scheme: scheme === 'dpop' ? 'DPoP' : 'Bearer',
      token,
      method: request.method,
      url: request.url,
      dpopProof: request.dpop,
    });
  }
}
