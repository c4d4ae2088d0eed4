import { createPrivateKey, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { OktaCredentialsError, type ServiceAppCredentials } from './credentials.js';

/**
 * The private_key_jwt client assertion a service app signs to get a token: `iss` = `sub` = client id,
 * `aud` = the org's token endpoint, short-lived, unique `jti` (Okta rejects replays).
 */

export interface SigningKey {
  readonly key: KeyObject;
  readonly alg: string;
  readonly kid: string | undefined;
}

const EC_ALGS: Readonly<Record<string, string>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** Reads the PEM or JWK once; the error says what is wrong with the key, never shows it. */
export function loadSigningKey(credentials: Pick<ServiceAppCredentials, 'privateKey' | 'keyId'>): SigningKey {
  const { privateKey } = credentials;
  let key: KeyObject;
  try {
    key =
      typeof privateKey === 'string'
        ? createPrivateKey(privateKey)
        : createPrivateKey({ key: privateKey as JsonWebKey, format: 'jwk' });
  } catch {
    throw new OktaCredentialsError(
      'okta credentials: privateKey cannot be read; give a PKCS#8 PEM or the private JWK of the service app key',
    );
  }
  const alg =
    key.asymmetricKeyType === 'rsa' ? 'RS256' : EC_ALGS[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!alg) {
    throw new OktaCredentialsError('okta credentials: privateKey must be an RSA or EC (P-256, P-384, P-521) key');
  }
  const kid = credentials.keyId ?? (typeof privateKey === 'object' ? privateKey.kid : undefined);
  return { key, alg, kid };
}

export const ASSERTION_LIFETIME_SECONDS = 300;

export async function createClientAssertion(
  signing: SigningKey,
  claims: { readonly clientId: string; readonly tokenUrl: string; readonly nowMs: number },
): Promise<string> {
  const iat = Math.floor(claims.nowMs / 1000);
  return new SignJWT({})
    .setProtectedHeader(signing.kid ? { alg: signing.alg, kid: signing.kid } : { alg: signing.alg })
    .setIssuer(claims.clientId)
    .setSubject(claims.clientId)
    .setAudience(claims.tokenUrl)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ASSERTION_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(signing.key);
}
