import * as z from 'zod';
import type { Authorizer } from './authorizer.js';
import { createClientAssertion, loadSigningKey } from './client-assertion.js';
import type { ServiceAppCredentials } from './credentials.js';
import { createDpopProof, generateDpopKey, type DpopKey } from './dpop.js';
import { failureFromResult, parseErrorBody, unreadableResponse } from './failure-message.js';
import type { OktaLog } from './log.js';
import type { HttpResult, Transport } from './transport.js';

/**
 * OAuth 2.0 for a service app: client_credentials with a private_key_jwt assertion at the org
 * authorization server. The token is cached until shortly before it expires. DPoP is used once the
 * token endpoint asks for it (`invalid_dpop_proof`) and then for the life of this client, adopting
 * server nonces (`use_dpop_nonce`) on the token endpoint and on the API.
 */

const TOKEN_OPERATION = 'getAccessToken';
const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Renew this long before expiry so a token never expires in flight. */
export const TOKEN_RENEWAL_MARGIN_MS = 60_000;
// Each round adopts one new fact (DPoP needed, a nonce); more than this means the server is not converging.
const MAX_NEGOTIATION_ROUNDS = 3;

const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
});

interface CachedToken {
  readonly value: string;
  readonly dpop: boolean;
  readonly expiresAtMs: number;
}

export interface ServiceAppAuthorizerOptions {
  readonly credentials: ServiceAppCredentials;
  readonly transport: Transport;
  /** Drives the token cache. Assertions and proofs carry the wall clock: Okta checks them against its own. */
  readonly now: () => number;
  readonly log: OktaLog;
}

export function serviceAppAuthorizer(options: ServiceAppAuthorizerOptions): Authorizer {
  const { credentials, transport, now, log } = options;
  const signing = loadSigningKey(credentials);
  const tokenUrl = `${credentials.orgUrl}/oauth2/v1/token`;

  let token: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;
  let dpopKey: Promise<DpopKey> | undefined;
  let tokenNonce: string | undefined;
  let apiNonce: string | undefined;

  async function proof(method: string, url: string, nonce: string | undefined, accessToken?: string) {
    dpopKey ??= generateDpopKey();
    return createDpopProof(await dpopKey, {
      method,
      url,
      nowMs: Date.now(),
      ...(nonce !== undefined ? { nonce } : {}),
      ...(accessToken !== undefined ? { accessToken } : {}),
    });
  }

  async function requestToken(deadlineMs: number | undefined): Promise<CachedToken> {
    for (let round = 1; ; round++) {
      const useDpop = dpopKey !== undefined;
      const result: HttpResult = await transport.exchange({
        operation: TOKEN_OPERATION,
        idempotent: true,
        ...(deadlineMs !== undefined ? { deadlineMs } : {}),
        build: async () => {
          const assertion = await createClientAssertion(signing, {
            clientId: credentials.clientId,
            tokenUrl,
            nowMs: Date.now(),
          });
          const body = new URLSearchParams({
            grant_type: 'client_credentials',
            scope: credentials.scopes.join(' '),
            client_assertion_type: CLIENT_ASSERTION_TYPE,
            client_assertion: assertion,
          }).toString();
          const headers: Record<string, string> = {
            accept: 'application/json',
            'content-type': 'application/x-www-form-urlencoded',
          };
          if (useDpop) headers.dpop = await proof('POST', tokenUrl, tokenNonce);
          return { url: tokenUrl, method: 'POST', headers, body };
        },
      });
      if (result.status === 200) return readToken(result, useDpop);

      const error = parseErrorBody(result.text)?.errorCode;
      const nonce = result.headers.get('dpop-nonce') ?? undefined;
      if (round < MAX_NEGOTIATION_ROUNDS && result.status === 400 && error === 'use_dpop_nonce' && nonce) {
        tokenNonce = nonce;
        dpopKey ??= generateDpopKey();
        log({ event: 'okta.token.dpop', reason: 'nonce' });
        continue;
      }
      if (round < MAX_NEGOTIATION_ROUNDS && result.status === 400 && error === 'invalid_dpop_proof' && !useDpop) {
        dpopKey = generateDpopKey();
        log({ event: 'okta.token.dpop', reason: 'required' });
        continue;
      }
      throw failureFromResult(result, { operation: TOKEN_OPERATION, auth: 'service-app' });
    }
  }

  function readToken(result: HttpResult, sentDpop: boolean): CachedToken {
    let json: unknown;
    try {
      json = JSON.parse(result.text);
    } catch {
      throw unreadableResponse(result, TOKEN_OPERATION, 'not JSON');
    }
    const parsed = TokenResponseSchema.safeParse(json);
    if (!parsed.success) throw unreadableResponse(result, TOKEN_OPERATION, 'no access_token, token_type or expires_in');
    const dpop = parsed.data.token_type.toLowerCase() === 'dpop';
    if (dpop && !sentDpop) throw unreadableResponse(result, TOKEN_OPERATION, 'a DPoP token without a DPoP proof');
    log({ event: 'okta.token', tokenType: dpop ? 'DPoP' : 'Bearer', expiresInSeconds: parsed.data.expires_in });
    return { value: parsed.data.access_token, dpop, expiresAtMs: now() + parsed.data.expires_in * 1000 };
  }

  async function currentToken(deadlineMs: number | undefined): Promise<CachedToken> {
    if (token && now() < token.expiresAtMs - TOKEN_RENEWAL_MARGIN_MS) return token;
    // One token request at a time, shared by concurrent calls.
    pending ??= requestToken(deadlineMs).finally(() => {
      pending = undefined;
    });
    token = await pending;
    return token;
  }

  return {
    kind: 'service-app',
    async headers(method, url, deadlineMs): Promise<Record<string, string>> {
      const current = await currentToken(deadlineMs);
      if (!current.dpop) return { authorization: `Bearer ${current.value}` };
      return {
        authorization: `DPoP ${current.value}`,
        dpop: await proof(method, url, apiNonce, current.value),
      };
    },
    recover(result) {
      if (result.status !== 401) return false;
      const nonce = result.headers.get('dpop-nonce');
      if (nonce && /use_dpop_nonce/.test(result.headers.get('www-authenticate') ?? '') && nonce !== apiNonce) {
        apiNonce = nonce;
        return true;
      }
      // A revoked or expired-early token: forget it and fetch a new one once.
      if (!token) return false;
      token = undefined;
      return true;
    },
  };
}
