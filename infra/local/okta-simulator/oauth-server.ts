import { createHash, randomBytes } from 'node:crypto';
import {
  EmbeddedJWK,
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  generateKeyPair,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
} from 'jose';
import type { Principal } from './api-tokens.js';
import { OAuthSimError, OktaSimError } from './errors.js';
import type { SimServiceApp } from './model.js';
import type { Route, SimAnswer, SimRequest } from './router.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const TOKEN_LIFETIME_SECONDS = 3600;
/** How far a DPoP proof's `iat` may be from now. */
const PROOF_WINDOW_SECONDS = 300;

/**
 * The org authorization server's token endpoint for OAuth service apps (client_credentials with
 * private_key_jwt, DPoP with Okta's nonce round trip), and the check of the tokens it issues.
 */
export class OAuthServer {
  private readonly apps = new Map<string, SimServiceApp>();
  private readonly seenJti = new Set<string>();
  private readonly dpopNonce = randomBytes(16).toString('base64url');

  private constructor(
    private readonly orgUrl: () => string,
    private readonly signingKey: CryptoKey,
    private readonly verifyingKey: CryptoKey,
  ) {}

  static async create(orgUrl: () => string): Promise<OAuthServer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    return new OAuthServer(orgUrl, privateKey, publicKey);
  }

  addServiceApp(app: SimServiceApp): void {
    this.apps.set(app.clientId, structuredClone(app));
  }

  routes(): Route[] {
    return [
      {
        method: 'POST',
        template: '/oauth2/v1/token',
        operationId: 'token',
        auth: 'none',
        body: 'form',
        bucket: '/oauth2/v1/token',
        handle: (request) => this.token(request),
      },
    ];
  }

  private tokenUrl(): string {
    return `${this.orgUrl()}/oauth2/v1/token`;
  }

  private async token(request: SimRequest): Promise<SimAnswer> {
    const form = (request.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') {
      throw new OAuthSimError('unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    }
    const app = await this.authenticateClient(form);
    const requested = (form.scope ?? '').split(' ').filter(Boolean);
    if (requested.length === 0) throw new OAuthSimError('invalid_scope', 'The authorization server resource does not have any configured default scopes.');
    const refused = requested.filter((scope) => !app.scopes.includes(scope));
    if (refused.length > 0) throw new OAuthSimError('invalid_scope', `The following scopes are not allowed: ${refused.join(', ')}`);

    const proof = request.headers.dpop as string | undefined;
    if (app.requireDpop && !proof) throw new OAuthSimError('invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
    let jkt: string | undefined;
    if (proof) {
      const checked = await this.verifyProof(proof, 'POST', this.tokenUrl(), (message) => new OAuthSimError('invalid_dpop_proof', message));
      if (checked.payload.nonce !== this.dpopNonce) {
        throw new OAuthSimError('use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', {
          headers: { 'DPoP-Nonce': this.dpopNonce },
        });
      }
      jkt = checked.jkt;
    }
    const accessToken = await new SignJWT({ scp: requested, cid: app.clientId, ...(jkt ? { cnf: { jkt } } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid: 'okta-simulator' })
      .setIssuer(this.orgUrl())
      .setAudience(this.orgUrl())
      .setSubject(app.clientId)
      .setIssuedAt()
      .setExpirationTime(`${TOKEN_LIFETIME_SECONDS}s`)
      .setJti(`AT.${randomBytes(16).toString('base64url')}`)
      .sign(this.signingKey);
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: { token_type: jkt ? 'DPoP' : 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken, scope: requested.join(' ') },
    };
  }

  private async authenticateClient(form: Record<string, string>): Promise<SimServiceApp> {
    const invalid = (message: string) => new OAuthSimError('invalid_client', message, { status: 401 });
    if (form.client_assertion_type !== ASSERTION_TYPE || !form.client_assertion) {
      throw invalid('private_key_jwt client authentication is required: send client_assertion and client_assertion_type.');
    }
    let clientId: string | undefined;
    try {
      clientId = decodeJwt(form.client_assertion).iss;
    } catch {
      throw invalid('The client_assertion is not a valid JWT.');
    }
    const app = clientId ? this.apps.get(clientId) : undefined;
    if (!app || (form.client_id && form.client_id !== clientId)) throw invalid('The client_id provided is not valid.');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(form.client_assertion, (header) => importJWK(app.publicJwk, header.alg), {
        algorithms: ASSERTION_ALGORITHMS,
        issuer: app.clientId,
        subject: app.clientId,
        audience: this.tokenUrl(),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw invalid(`The client_assertion is invalid: ${error instanceof Error ? error.message : 'verification failed'}.`);
    }
    if (payload.exp! - Math.floor(Date.now() / 1000) > 3600) throw invalid('The client_assertion expires more than one hour from now.');
    if (payload.jti) {
      if (this.seenJti.has(`assertion:${payload.jti}`)) throw invalid('The client_assertion jti has already been used.');
      this.seenJti.add(`assertion:${payload.jti}`);
    }
    return app;
  }

  /** RFC 9449 proof checks: signature by the embedded key, `typ`, `htm`, `htu`, `iat`, a fresh `jti`. */
  private async verifyProof(
    proof: string,
    method: string,
    url: string,
    fail: (message: string) => Error,
  ): Promise<{ payload: JWTPayload & Record<string, unknown>; jkt: string }> {
    let payload: JWTPayload;
    let jwk: JWK;
    try {
      const verified = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ASSERTION_ALGORITHMS });
      payload = verified.payload;
      jwk = verified.protectedHeader.jwk!;
    } catch (error) {
      throw fail(`The DPoP proof JWT is invalid: ${error instanceof Error ? error.message : 'verification failed'}.`);
    }
    if (payload.htm !== method) throw fail(`The DPoP proof 'htm' claim must be ${method}.`);
    if (payload.htu !== url) throw fail(`The DPoP proof 'htu' claim must be ${url}.`);
    if (typeof payload.iat !== 'number' || Math.abs(payload.iat - Date.now() / 1000) > PROOF_WINDOW_SECONDS) {
      throw fail("The DPoP proof 'iat' claim is missing or too far from now.");
    }
    if (typeof payload.jti !== 'string' || this.seenJti.has(`dpop:${payload.jti}`)) throw fail("The DPoP proof 'jti' claim is missing or reused.");
    this.seenJti.add(`dpop:${payload.jti}`);
    return { payload, jkt: await calculateJwkThumbprint(jwk) };
  }

  /** Checks an access token this server issued; a DPoP-bound one needs `Authorization: DPoP` and a proof with `ath`. */
  async verifyAccessToken(request: { scheme: 'Bearer' | 'DPoP'; token: string; method: string; url: string; dpopProof: string | undefined }): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(request.token, this.verifyingKey, { issuer: this.orgUrl(), audience: this.orgUrl() }));
    } catch {
      throw new OktaSimError('E0000011');
    }
    const jkt = (payload.cnf as { jkt?: string } | undefined)?.jkt;
    const dpopFailure = (message: string) =>
      new OktaSimError('E0000011', { causes: [message], headers: { 'WWW-Authenticate': `DPoP error="invalid_dpop_proof", error_description="${message}"` } });
    if (jkt) {
      if (request.scheme !== 'DPoP') throw dpopFailure('The access token is DPoP-bound: use the DPoP authorization scheme.');
      if (!request.dpopProof) throw dpopFailure('The DPoP proof JWT header is missing.');
      const checked = await this.verifyProof(request.dpopProof, request.method, request.url, dpopFailure);
      if (checked.jkt !== jkt) throw dpopFailure('The DPoP proof was not signed by the key the token is bound to.');
      const ath = createHash('sha256').update(request.token).digest('base64url');
      if (checked.payload.ath !== ath) throw dpopFailure("The DPoP proof 'ath' claim does not match the access token.");
    } else if (request.scheme === 'DPoP') {
      throw new OktaSimError('E0000011');
    }
    const scopes = Array.isArray(payload.scp) ? payload.scp.map(String) : [];
    return { kind: 'oauth', scopes: new Set(scopes) };
  }
}
