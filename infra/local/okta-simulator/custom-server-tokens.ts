import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import * as z from 'zod';
import type { ServiceApps } from './apps.js';
import { findServer } from './authorization-servers.js';
import { OAuthSimError, notFound, validationError } from './errors.js';
import { ID_PREFIX, oktaId } from './ids.js';
import { matchRule, mintTokens, type MintOptions } from './mint.js';
import type { SimAuthorizationServer, SimState } from './model.js';
import { parseBody } from './request-validation.js';
import type { Route, SimAnswer, SimRequest } from './router.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/** Okta publishes the active key and the one before it, so tokens signed just before a rotation still verify. */
const PUBLISHED_KEYS = 2;
/** Scopes every custom authorization server has, which cannot be deleted. */
const SYSTEM_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso']);

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  status: 'ACTIVE' | 'EXPIRED';
  created: string;
}

interface ScopeDetails {
  description?: string;
  displayName?: string;
  consent: 'IMPLICIT' | 'REQUIRED' | 'FLEXIBLE';
  metadataPublish: 'ALL_CLIENTS' | 'NO_CLIENTS';
  default: boolean;
}

/** `OAuth2Scope` as a create or replace sends it. */
const ScopeRequestSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(1024)
    .refine((name) => !/\s/.test(name), 'must not contain whitespace'),
  description: z.string().max(1024).optional(),
  displayName: z.string().max(255).optional(),
  consent: z.enum(['IMPLICIT', 'REQUIRED', 'FLEXIBLE']).optional(),
  metadataPublish: z.enum(['ALL_CLIENTS', 'NO_CLIENTS']).optional(),
  default: z.boolean().optional(),
});

/**
 * What a custom authorization server does with tokens beyond the hook: its signing keys (published at
 * `/oauth2/{id}/v1/keys`, rotated with `keyRotate`), its custom scopes (`/scopes`), and its token
 * endpoint for the client credentials grant, where API Services apps authenticate with
 * `client_secret_post` or `private_key_jwt`. The token path is Okta's: the access policy picks the
 * rule, the rule's token hook runs, and the answer is a signed JWT.
 */
export class CustomServerTokens {
  private readonly signingKeys = new Map<string, SigningKey[]>();
  private readonly scopeDetails = new Map<string, ScopeDetails>();
  private readonly seenAssertions = new Set<string>();

  constructor(
    private readonly state: SimState,
    private readonly apps: ServiceApps,
    private readonly orgUrl: () => string,
    private readonly mintOptions: () => MintOptions,
  ) {}

  issuer(serverId: string): string {
    return `${this.orgUrl()}/oauth2/${serverId}`;
  }

  private async keysOf(serverId: string): Promise<SigningKey[]> {
    let keys = this.signingKeys.get(serverId);
    if (!keys) {
      keys = [await newSigningKey()];
      this.signingKeys.set(serverId, keys);
    }
    return keys;
  }

  /** A new active key; the previous one is kept, expired, and anything older leaves the key set. */
  async rotateKeys(serverId: string): Promise<void> {
    const keys = await this.keysOf(serverId);
    for (const key of keys) key.status = 'EXPIRED';
    keys.unshift(await newSigningKey());
    keys.splice(PUBLISHED_KEYS);
  }

  /** The issuer's JWKS, as `/v1/keys` publishes it. */
  async jwks(serverId: string): Promise<{ keys: JWK[] }> {
    return { keys: (await this.keysOf(serverId)).map((key) => ({ ...key.publicJwk })) };
  }

  private keyView(key: SigningKey): Record<string, unknown> {
    return { ...key.publicJwk, status: key.status, created: key.created, lastUpdated: key.created };
  }

  private scopeView(server: SimAuthorizationServer, name: string): Record<string, unknown> {
    const id = server.scopes[name]!;
    const details = this.scopeDetails.get(id) ?? { consent: 'IMPLICIT', metadataPublish: 'NO_CLIENTS', default: false };
    return {
      id,
      name,
      ...(details.displayName ? { displayName: details.displayName } : {}),
      ...(details.description ? { description: details.description } : {}),
      system: SYSTEM_SCOPES.has(name),
      metadataPublish: SYSTEM_SCOPES.has(name) ? 'ALL_CLIENTS' : details.metadataPublish,
      consent: details.consent,
      default: details.default,
      optional: false,
      _links: { self: { href: `${this.orgUrl()}/api/v1/authorizationServers/${server.id}/scopes/${id}`, hints: { allow: ['GET', 'PUT', 'DELETE'] } } },
    };
  }

  private scopeNameById(server: SimAuthorizationServer, scopeId: string): string {
    const name = Object.keys(server.scopes).find((candidate) => server.scopes[candidate] === scopeId);
    if (!name) throw notFound(scopeId, 'OAuth2Scope');
    return name;
  }

  private setScopeDetails(id: string, input: z.infer<typeof ScopeRequestSchema>): void {
    this.scopeDetails.set(id, {
      ...(input.description ? { description: input.description } : {}),
      ...(input.displayName ? { displayName: input.displayName } : {}),
      consent: input.consent ?? 'IMPLICIT',
      metadataPublish: input.metadataPublish ?? 'NO_CLIENTS',
      default: input.default ?? false,
    });
  }

  routes(now: () => string): Route[] {
    const server = '/api/v1/authorizationServers/{authServerId}';
    const scopes = `${server}/scopes`;
    const scope = `${scopes}/{scopeId}`;
    const management = (method: string, template: string, operationId: string, scopeName: string, handle: Route['handle'], body?: 'json'): Route => ({
      method,
      template,
      operationId,
      scope: scopeName,
      auth: 'management',
      bucket: '/api/v1',
      ...(body ? { body } : {}),
      handle,
    });
    const ok = (body: unknown, status = 200): SimAnswer => ({ status, body });
    const serverOf = (request: SimRequest) => findServer(this.state, request.params.authServerId!);
    return [
      management('GET', scopes, 'listOAuth2Scopes', 'okta.authorizationServers.read', (request) => {
        const found = serverOf(request);
        return ok(Object.keys(found.scopes).map((name) => this.scopeView(found, name)));
      }),
      management(
        'POST',
        scopes,
        'createOAuth2Scope',
        'okta.authorizationServers.manage',
        (request) => {
          const found = serverOf(request);
          const input = parseBody(ScopeRequestSchema, request.body);
          if (input.name in found.scopes) throw validationError([`name: The scope ${input.name} already exists on this authorization server`], 'name');
          const id = oktaId(ID_PREFIX.scope);
          found.scopes[input.name] = id;
          this.setScopeDetails(id, input);
          found.lastUpdated = now();
          return ok(this.scopeView(found, input.name), 201);
        },
        'json',
      ),
      management('GET', scope, 'getOAuth2Scope', 'okta.authorizationServers.read', (request) => {
        const found = serverOf(request);
        return ok(this.scopeView(found, this.scopeNameById(found, request.params.scopeId!)));
      }),
      management(
        'PUT',
        scope,
        'replaceOAuth2Scope',
        'okta.authorizationServers.manage',
        (request) => {
          const found = serverOf(request);
          const name = this.scopeNameById(found, request.params.scopeId!);
          const input = parseBody(ScopeRequestSchema, request.body);
          if (input.name !== name) throw validationError(['name: The name of a scope cannot be changed; create another scope'], 'name');
          this.setScopeDetails(request.params.scopeId!, input);
          return ok(this.scopeView(found, name));
        },
        'json',
      ),
      management('DELETE', scope, 'deleteOAuth2Scope', 'okta.authorizationServers.manage', (request) => {
        const found = serverOf(request);
        const name = this.scopeNameById(found, request.params.scopeId!);
        if (SYSTEM_SCOPES.has(name)) throw validationError([`name: The system scope ${name} cannot be deleted`], 'name');
        delete found.scopes[name];
        this.scopeDetails.delete(request.params.scopeId!);
        return { status: 204 };
      }),
      management('GET', `${server}/credentials/keys`, 'listAuthorizationServerKeys', 'okta.authorizationServers.read', async (request) =>
        ok((await this.keysOf(serverOf(request).id)).map((key) => this.keyView(key))),
      ),
      management(
        'POST',
        `${server}/credentials/lifecycle/keyRotate`,
        'rotateAuthorizationServerKeys',
        'okta.authorizationServers.manage',
        async (request) => {
          const found = serverOf(request);
          if ((request.body as { use?: unknown } | undefined)?.use !== 'sig') throw validationError(["use: Set 'sig'"], 'use');
          await this.rotateKeys(found.id);
          return ok((await this.keysOf(found.id)).map((key) => this.keyView(key)));
        },
        'json',
      ),
      {
        method: 'GET',
        template: '/oauth2/{authServerId}/v1/keys',
        operationId: 'customServerKeys',
        auth: 'none',
        handle: async (request) => ({ status: 200, body: await this.jwks(serverOf(request).id), headers: { 'Cache-Control': 'max-age=3600' } }),
      },
      {
        method: 'GET',
        template: '/oauth2/{authServerId}/.well-known/oauth-authorization-server',
        operationId: 'customServerMetadata',
        auth: 'none',
        handle: (request) => {
          const issuer = this.issuer(serverOf(request).id);
          return ok({
            issuer,
            token_endpoint: `${issuer}/v1/token`,
            jwks_uri: `${issuer}/v1/keys`,
            grant_types_supported: ['client_credentials'],
            token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
            token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
          });
        },
      },
      {
        method: 'POST',
        template: '/oauth2/{authServerId}/v1/token',
        operationId: 'customServerToken',
        auth: 'none',
        body: 'form',
        bucket: '/oauth2/{authServerId}/v1/token',
        handle: (request) => this.token(request),
      },
    ];
  }

  private async token(request: SimRequest): Promise<SimAnswer> {
    const server = this.state.authorizationServers.find((candidate) => candidate.id === request.params.authServerId);
    if (!server || server.status !== 'ACTIVE') throw new OAuthSimError('invalid_request', 'The authorization server does not exist or is not active.', { status: 404 });
    const tokenUrl = `${this.issuer(server.id)}/v1/token`;
    const form = (request.body ?? {}) as Record<string, string>;
    const clientId = await this.authenticateClient(form, tokenUrl);
    if (form.grant_type !== 'client_credentials') {
      throw new OAuthSimError('unsupported_grant_type', 'The authorization grant type is not supported by the authorization server.');
    }
    const scopes = (form.scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0) throw new OAuthSimError('invalid_scope', 'The authorization server resource does not have any configured default scopes.');

    const matched = matchRule(server, clientId, 'client_credentials', scopes, undefined);
    const hookId = (matched?.rule.actions.token as { inlineHook?: { id?: string } } | undefined)?.inlineHook?.id;
    const hook = hookId ? this.state.inlineHooks.find((candidate) => candidate.id === hookId) : undefined;
    if (hook?.status === 'ACTIVE' && hook.channel.type === 'OAUTH' && hook.channel.config.clientId === clientId && hook.channel.config.tokenUrl === tokenUrl) {
      throw new OAuthSimError(
        'server_error',
        `The rule '${matched!.rule.name}' calls the inline hook '${hook.name}', which gets its own token from this authorization server with a request the same rule matches: Okta would call the hook again to issue it. Issue the hook's tokens from another authorization server.`,
      );
    }
    const minted = await mintTokens(this.state, { authorizationServer: server.id, clientId, grantType: 'client_credentials', scopes }, this.mintOptions());
    if (minted.error) throw new OAuthSimError(minted.error.error, minted.error.error_description);
    const [key] = await this.keysOf(server.id);
    const accessToken = await new SignJWT(minted.access.claims as JWTPayload).setProtectedHeader({ alg: 'RS256', kid: key!.kid }).sign(key!.privateKey);
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: { token_type: 'Bearer', expires_in: minted.access.lifetime, access_token: accessToken, scope: scopes.join(' ') },
    };
  }

  /** `private_key_jwt` (a client assertion verified with the app's active public keys) or `client_secret_post`. */
  private async authenticateClient(form: Record<string, string>, tokenUrl: string): Promise<string> {
    const invalid = (message: string) => new OAuthSimError('invalid_client', message, { status: 401 });
    if (form.client_assertion !== undefined) {
      if (form.client_assertion_type !== ASSERTION_TYPE) throw invalid(`client_assertion_type must be ${ASSERTION_TYPE}.`);
      let clientId: string | undefined;
      try {
        clientId = decodeJwt(form.client_assertion).iss;
      } catch {
        throw invalid('The client_assertion is not a valid JWT.');
      }
      const client = clientId ? this.apps.activeClient(clientId) : undefined;
      if (!client || (form.client_id && form.client_id !== clientId)) throw invalid('The client_id provided is not valid.');
      if (client.authMethod !== 'private_key_jwt') throw invalid("The client is not configured for 'private_key_jwt' client authentication.");
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(form.client_assertion, createLocalJWKSet({ keys: client.publicKeys }), {
          algorithms: ASSERTION_ALGORITHMS,
          issuer: clientId!,
          subject: clientId!,
          audience: tokenUrl,
          requiredClaims: ['exp', 'jti'],
        }));
      } catch (error) {
        throw invalid(`The client_assertion is invalid: ${error instanceof Error ? error.message : 'verification failed'}.`);
      }
      if (this.seenAssertions.has(String(payload.jti))) throw invalid('The client_assertion jti has already been used.');
      this.seenAssertions.add(String(payload.jti));
      return clientId!;
    }
    const clientId = form.client_id;
    const client = clientId ? this.apps.activeClient(clientId) : undefined;
    if (!client) throw invalid('The client_id provided is not valid.');
    if (client.authMethod !== 'client_secret_post') throw invalid("The client is not configured for 'client_secret_post' client authentication.");
    if (!form.client_secret || !client.matchesSecret(form.client_secret)) throw invalid('The client secret supplied for a confidential client is invalid.');
    return clientId!;
  }
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }, status: 'ACTIVE', created: new Date().toISOString() };
}
