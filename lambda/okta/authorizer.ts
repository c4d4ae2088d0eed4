import type { HttpResult } from './transport.js';
import type { AuthKind } from './failure-message.js';

/**
 * How a management request is authorized. SSWS adds a fixed header; a service app adds a cached access
 * token (and a DPoP proof when the token is DPoP-bound) and recovers from a revoked token or a nonce.
 */
export interface Authorizer {
  readonly kind: AuthKind;
  /** Headers for one attempt of `method url`; may fetch a token, hence the deadline. */
  headers(method: string, url: string, deadlineMs: number | undefined): Promise<Record<string, string>>;
  /** Given a non-2xx answer: true when the auth state changed and the request should be resent. */
  recover(result: HttpResult): boolean;
}

export function sswsAuthorizer(apiToken: string): Authorizer {
  const header = `SSWS ${apiToken}`;
  return {
    kind: 'ssws',
    headers: async () => ({ authorization: header }),
    recover: () => false,
  };
}
