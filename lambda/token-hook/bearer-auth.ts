import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { systemClock, type ApiKeyVerifier, type Clock, type KeyCheck } from './auth.js';

/**
 * Checks the access token Okta sends when the hook's channel is OAuth 2.0 (`Authorization: Bearer
 * <JWT>`): signature against the issuer's JWKS, issuer, audience, expiry with a small clock skew, and
 * the scope. The JWKS is read at init and cached. A token signed by a key the cache does not know
 * triggers one re-read (at most once per `refetchIntervalMs`, shared by concurrent requests), which
 * is how a rotated signing key is learnt and a removed one forgotten; past `maxAgeMs` the keys are
 * re-read in the background. Each request costs one size check, one header decode and at most one
 * signature check: a flood of forged tokens costs no more than one JWKS read per interval.
 *
 * Loaded only when the hook is configured for OAuth 2.0, so the API key path never pays for `jose`.
 */

export const DEFAULT_JWKS_REFETCH_INTERVAL_MS = 30_000;
export const DEFAULT_JWKS_MAX_AGE_MS = 3_600_000;
export const DEFAULT_JWKS_READ_TIMEOUT_MS = 1_000;
/** Okta's and the hook's clocks may differ by this much. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** An Okta access token is about 1 KB; anything far larger is refused before it is parsed. */
export const MAX_TOKEN_LENGTH = 8_192;
/** Okta signs access tokens with RS256. */
const ALGORITHMS = ['RS256'];

/** The check a token failed: what the log line says, never the token. */
export type BearerFailure =
  | 'missing'
  | 'malformed'
  | 'algorithm'
  | 'unknown-key'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'issuer'
  | 'audience'
  | 'scope'
  | 'keys-unavailable';

export type BearerCheck = { readonly ok: true } | { readonly ok: false; readonly failure: BearerFailure };

export interface BearerVerifierOptions {
  /** `https://{org}/oauth2/{authorizationServerId}`: the server that issues Okta's tokens for the hook. */
  readonly issuer: string;
  readonly audience: string;
  /** The scope Okta asks for (the hook channel's `scope`); the token must carry it. */
  readonly scope: string;
  /** @default `${issuer}/v1/keys` */
  readonly jwksUri?: string;
  readonly clock?: Clock;
  /** @default 30000 */
  readonly refetchIntervalMs?: number;
  /** @default 3600000 */
  readonly maxAgeMs?: number;
  /** @default 1000 */
  readonly readTimeoutMs?: number;
  /** @default 30 */
  readonly clockToleranceSeconds?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
}

export interface BearerVerifier {
  /** Reads the JWKS; the hook calls it during init. */
  load(): Promise<void>;
  /** Checks an `Authorization` header value. */
  check(authorization: string | undefined): Promise<BearerCheck>;
}

/** The issuer's keys could not be read: the hook cannot tell Okta's tokens from anyone else's. */
export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

function failureOf(error: unknown): BearerFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'issuer';
    if (error.claim === 'aud') return 'audience';
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not-yet-valid';
    return 'malformed';
  }
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown-key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'algorithm';
  return 'malformed';
}

function hasScope(payload: JWTPayload, scope: string): boolean {
  const scp = payload['scp'];
  if (Array.isArray(scp)) return scp.includes(scope);
  return typeof payload['scope'] === 'string' && payload['scope'].split(' ').includes(scope);
}

export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  const { issuer, audience, scope } = options;
  const jwksUri = options.jwksUri ?? `${issuer}/v1/keys`;
  const clock = options.clock ?? systemClock;
  const interval = options.refetchIntervalMs ?? DEFAULT_JWKS_REFETCH_INTERVAL_MS;
  const maxAge = options.maxAgeMs ?? DEFAULT_JWKS_MAX_AGE_MS;
  const readTimeout = options.readTimeoutMs ?? DEFAULT_JWKS_READ_TIMEOUT_MS;
  const clockTolerance = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  const fetchJson = options.fetch ?? globalThis.fetch;
  let resolver: KeyResolver | undefined;
  let lastRead = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;

  const read = (): Promise<void> => {
    reading ??= (async () => {
      lastRead = clock.now();
      try {
        const response = await fetchJson(jwksUri, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(readTimeout), redirect: 'error' });
        if (!response.ok) throw new JwksUnavailableError(`the JWKS endpoint answered ${response.status}`);
        const jwks = (await response.json()) as JSONWebKeySet;
        if (!jwks || !Array.isArray(jwks.keys)) throw new JwksUnavailableError('the JWKS endpoint did not answer a key set');
        resolver = createLocalJWKSet({ keys: jwks.keys.filter((key) => key.use !== 'enc') });
      } finally {
        reading = undefined;
      }
    })();
    return reading;
  };

  const verify = async (token: string, keys: KeyResolver): Promise<BearerCheck> => {
    try {
      const { payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ALGORITHMS, clockTolerance, requiredClaims: ['exp'] });
      return hasScope(payload, scope) ? { ok: true } : { ok: false, failure: 'scope' };
    } catch (error) {
      return { ok: false, failure: failureOf(error) };
    }
  };

  return {
    async load() {
      await read();
    },
    async check(authorization) {
      const match = authorization === undefined ? null : /^Bearer +(\S+)\s*$/i.exec(authorization);
      if (!match) return { ok: false, failure: 'missing' };
      const token = match[1]!;
      if (token.length > MAX_TOKEN_LENGTH) return { ok: false, failure: 'malformed' };
      let alg: unknown;
      try {
        alg = decodeProtectedHeader(token).alg;
      } catch {
        return { ok: false, failure: 'malformed' };
      }
      if (typeof alg !== 'string' || !ALGORITHMS.includes(alg)) return { ok: false, failure: 'algorithm' };

      if (!resolver) {
        await read().catch(() => undefined);
        if (!resolver) throw new JwksUnavailableError(`cannot read the JWKS of ${issuer}: check the issuer and the network`);
      } else if (clock.now() - lastRead >= maxAge) {
        // Keys past their age are re-read in the background, so a key the issuer removed stops working.
        read().catch(() => undefined);
      }
      const first = await verify(token, resolver);
      if (first.ok || first.failure !== 'unknown-key' || (!reading && clock.now() - lastRead < interval)) return first;
      // A key the cache does not know: the issuer may have rotated. One re-read per interval, shared.
      await read().catch(() => undefined);
      return verify(token, resolver);
    },
  };
}

/** A bearer token the hook refused, and the check it failed. */
export interface BearerRejection {
  readonly bearerFailure: BearerFailure;
}

/**
 * The hook's auth in OAuth 2.0 mode: a bearer token is checked against the issuer; anything else is an
 * API key, accepted only while a migration keeps the key (`apiKeys` given).
 */
export function createOAuthRequestVerifier(bearer: BearerVerifier, apiKeys?: ApiKeyVerifier): { check(presented: string | undefined): Promise<KeyCheck | BearerRejection> } {
  return {
    async check(presented) {
      if (presented !== undefined && /^bearer /i.test(presented)) {
        const checked = await bearer.check(presented);
        return checked.ok ? 'accepted' : { bearerFailure: checked.failure };
      }
      if (apiKeys) return apiKeys.check(presented);
      return { bearerFailure: 'missing' };
    },
  };
}
