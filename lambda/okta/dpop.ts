import { createHash, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/**
 * DPoP proofs (RFC 9449) for Okta service apps that require them: a key pair made for this client alone
 * (never the client-assertion key), one fresh proof per request.
 */

export const DPOP_ALG = 'RS256';

type DpopPrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

export interface DpopKey {
  readonly privateKey: DpopPrivateKey;
  readonly publicJwk: JWK;
}

export async function generateDpopKey(): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(DPOP_ALG, { extractable: false });
  const { kty, n, e } = await exportJWK(publicKey);
  return { privateKey, publicJwk: { kty, n, e } };
}

/** `htu` is the request URL without query and fragment (RFC 9449 §4.2). */
export function dpopHtu(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/** base64url(SHA-256(access token)): binds a proof to the token it accompanies. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

export interface DpopProofClaims {
  readonly method: string;
  readonly url: string;
  readonly nowMs: number;
  /** Present when calling a resource with a DPoP-bound token (`ath`). */
  readonly accessToken?: string;
  /** The latest `DPoP-Nonce` the server gave. */
  readonly nonce?: string;
}

export async function createDpopProof(key: DpopKey, claims: DpopProofClaims): Promise<string> {
  const payload: Record<string, string> = { htm: claims.method.toUpperCase(), htu: dpopHtu(claims.url) };
  if (claims.accessToken !== undefined) payload.ath = accessTokenHash(claims.accessToken);
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ typ: 'dpop+jwt', alg: DPOP_ALG, jwk: key.publicJwk })
    .setIssuedAt(Math.floor(claims.nowMs / 1000))
    .setJti(randomUUID())
    .sign(key.privateKey);
}
