import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { JWK } from 'jose';
import * as z from 'zod';
import { OktaSimError, notFound, validationError } from './errors.js';
import { ID_PREFIX, oktaId } from './ids.js';
import type { SimState } from './model.js';
import { parseBody } from './request-validation.js';
import { managementRoute, type Route, type SimAnswer } from './router.js';

/** How an API Services app authenticates at an authorization server's token endpoint. */
export type ClientAuthMethod = 'client_secret_post' | 'private_key_jwt';

/** Okta keeps at most two secrets and two JWKS keys per client (one to rotate to). */
export const MAX_CLIENT_CREDENTIALS = 2;

interface SimClientSecret {
  id: string;
  secret: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
}

interface SimClientJwk {
  id: string;
  jwk: JWK & { kid: string };
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
}

/** An API Services app (OIDC, `application_type: service`): an OAuth client for the client credentials grant. */
interface SimApp {
  id: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  authMethod: ClientAuthMethod;
  secrets: SimClientSecret[];
  jwks: SimClientJwk[];
}

const RsaJwkSchema = z.looseObject({
  kty: z.literal('RSA'),
  kid: z.string().min(1),
  e: z.string().min(1),
  n: z.string().min(1),
  alg: z.string().optional(),
  use: z.literal('sig').optional(),
  status: z.enum(['ACTIVE', 'INACTIVE']).optional(),
});

/** The `Application` subset the simulator takes: an OIDC service app for client credentials. */
const CreateAppSchema = z.object({
  name: z.literal('oidc_client'),
  label: z.string().min(1).max(100),
  signOnMode: z.literal('OPENID_CONNECT'),
  credentials: z.object({
    oauthClient: z.looseObject({
      token_endpoint_auth_method: z.enum(['client_secret_post', 'private_key_jwt']),
      autoKeyRotation: z.boolean().optional(),
    }),
  }),
  settings: z.object({
    oauthClient: z.looseObject({
      application_type: z.literal('service'),
      grant_types: z.array(z.literal('client_credentials')).min(1),
      response_types: z.array(z.literal('token')).optional(),
      jwks: z.object({ keys: z.array(RsaJwkSchema).max(MAX_CLIENT_CREDENTIALS) }).optional(),
    }),
  }),
});

const SecretRequestSchema = z
  .object({ client_secret: z.string().min(14).max(100).optional(), status: z.enum(['ACTIVE', 'INACTIVE']).optional() })
  .optional();

const secretValue = () => randomBytes(48).toString('base64url').slice(0, 64);
const secretHash = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/**
 * API Services apps (`/api/v1/apps`, OIDC service apps only) with their client secrets
 * (`credentials/secrets`) and public keys (`credentials/jwks`), and the client authentication that
 * custom authorization servers do with them. Each app is also a client of the org (`SimState.clients`),
 * so access policies can name it.
 */
export class ServiceApps {
  private readonly apps: SimApp[] = [];

  constructor(
    private readonly state: SimState,
    private readonly orgUrl: () => string,
  ) {}

  find(appId: string): SimApp {
    const app = this.apps.find((candidate) => candidate.id === appId);
    if (!app) throw notFound(appId, 'AppInstance');
    return app;
  }

  /** The app a client id names, if it is active: what a token endpoint authenticates against. */
  activeClient(clientId: string): { authMethod: ClientAuthMethod; publicKeys: JWK[]; matchesSecret(secret: string): boolean } | undefined {
    const app = this.apps.find((candidate) => candidate.id === clientId && candidate.status === 'ACTIVE');
    if (!app) return undefined;
    return {
      authMethod: app.authMethod,
      publicKeys: app.jwks.filter((key) => key.status === 'ACTIVE').map((key) => structuredClone(key.jwk)),
      matchesSecret: (secret) => {
        const presented = createHash('sha256').update(secret).digest();
        let found = false;
        for (const stored of app.secrets) {
          if (stored.status !== 'ACTIVE') continue;
          found = timingSafeEqual(createHash('sha256').update(stored.secret).digest(), presented) || found;
        }
        return found;
      },
    };
  }

  private appView(app: SimApp, secret?: string): Record<string, unknown> {
    const self = `${this.orgUrl()}/api/v1/apps/${app.id}`;
    return {
      id: app.id,
      name: 'oidc_client',
      label: app.label,
      status: app.status,
      created: app.created,
      lastUpdated: app.lastUpdated,
      signOnMode: 'OPENID_CONNECT',
      features: [],
      accessibility: { selfService: false },
      visibility: { autoSubmitToolbar: false, hide: { iOS: true, web: true } },
      credentials: {
        userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
        signing: { kid: app.id },
        oauthClient: {
          autoKeyRotation: true,
          client_id: app.id,
          token_endpoint_auth_method: app.authMethod,
          pkce_required: false,
          // Okta shows a generated secret once, in the answer to the create.
          ...(secret ? { client_secret: secret } : {}),
        },
      },
      settings: {
        app: {},
        notifications: { vpn: { network: { connection: 'DISABLED' } } },
        oauthClient: {
          application_type: 'service',
          grant_types: ['client_credentials'],
          response_types: ['token'],
          consent_method: 'REQUIRED',
          issuer_mode: 'DYNAMIC',
          ...(app.authMethod === 'private_key_jwt' ? { jwks: { keys: app.jwks.map((key) => this.jwkView(app, key)) } } : {}),
        },
      },
      _links: {
        self: { href: self },
        ...(app.status === 'ACTIVE'
          ? { deactivate: { href: `${self}/lifecycle/deactivate` } }
          : { activate: { href: `${self}/lifecycle/activate` } }),
      },
    };
  }

  private secretView(app: SimApp, secret: SimClientSecret): Record<string, unknown> {
    const self = `${this.orgUrl()}/api/v1/apps/${app.id}/credentials/secrets/${secret.id}`;
    return {
      id: secret.id,
      status: secret.status,
      client_secret: `${secret.secret.slice(0, 6)}${'*'.repeat(20)}`,
      secret_hash: secretHash(secret.secret),
      created: secret.created,
      lastUpdated: secret.lastUpdated,
      _links: { [secret.status === 'ACTIVE' ? 'deactivate' : 'activate']: { href: `${self}/lifecycle/${secret.status === 'ACTIVE' ? 'deactivate' : 'activate'}` } },
    };
  }

  private jwkView(app: SimApp, key: SimClientJwk): Record<string, unknown> {
    const self = `${this.orgUrl()}/api/v1/apps/${app.id}/credentials/jwks/${key.id}`;
    const { kty, kid, e, n } = key.jwk;
    return {
      id: key.id,
      kid,
      kty,
      e,
      n,
      alg: key.jwk.alg ?? 'RS256',
      use: 'sig',
      status: key.status,
      created: key.created,
      lastUpdated: key.lastUpdated,
      _links: { [key.status === 'ACTIVE' ? 'deactivate' : 'activate']: { href: `${self}/lifecycle/${key.status === 'ACTIVE' ? 'deactivate' : 'activate'}` } },
    };
  }

  private create(body: unknown, now: string): Record<string, unknown> {
    const input = parseBody(CreateAppSchema, body);
    const authMethod = input.credentials.oauthClient.token_endpoint_auth_method;
    const keys = input.settings.oauthClient.jwks?.keys ?? [];
    if (authMethod === 'private_key_jwt' && keys.length === 0) {
      throw validationError(['settings.oauthClient.jwks: A private_key_jwt client needs at least one public key'], 'jwks');
    }
    const id = oktaId(ID_PREFIX.client);
    const secret = authMethod === 'client_secret_post' ? secretValue() : undefined;
    const app: SimApp = {
      id,
      label: input.label,
      status: 'ACTIVE',
      created: now,
      lastUpdated: now,
      authMethod,
      secrets: secret ? [{ id: oktaId('ocs'), secret, status: 'ACTIVE', created: now, lastUpdated: now }] : [],
      jwks: keys.map((jwk) => ({ id: oktaId('pks'), jwk: { kty: jwk.kty, kid: jwk.kid, e: jwk.e, n: jwk.n, ...(jwk.alg ? { alg: jwk.alg } : {}) }, status: jwk.status ?? 'ACTIVE', created: now, lastUpdated: now })),
    };
    this.apps.push(app);
    this.state.clients.push({ clientId: id, name: input.label, type: 'CONFIDENTIAL', grantTypes: ['client_credentials'] });
    return this.appView(app, secret);
  }

  private remove(appId: string): void {
    const app = this.find(appId);
    if (app.status !== 'INACTIVE') {
      throw new OktaSimError('E0000001', { detail: 'status', causes: ['status: Only an inactive app can be deleted; deactivate it first'] });
    }
    this.apps.splice(this.apps.indexOf(app), 1);
    const client = this.state.clients.findIndex((candidate) => candidate.clientId === appId);
    if (client >= 0) this.state.clients.splice(client, 1);
  }

  private findSecret(app: SimApp, secretId: string): SimClientSecret {
    const secret = app.secrets.find((candidate) => candidate.id === secretId);
    if (!secret) throw notFound(secretId, 'OAuth2ClientSecret');
    return secret;
  }

  private findJwk(app: SimApp, keyId: string): SimClientJwk {
    const key = app.jwks.find((candidate) => candidate.id === keyId);
    if (!key) throw notFound(keyId, 'JsonWebKey');
    return key;
  }

  /** Okta refuses to take away a client's last active credential: it could no longer get tokens. */
  private setStatus<T extends { status: 'ACTIVE' | 'INACTIVE'; lastUpdated: string }>(all: T[], item: T, status: T['status'], now: string, what: string): void {
    if (status === 'INACTIVE' && item.status === 'ACTIVE' && all.filter((other) => other.status === 'ACTIVE').length === 1) {
      throw validationError([`status: The last active ${what} of a client cannot be deactivated; add another first`], 'status');
    }
    if (item.status !== status) {
      item.status = status;
      item.lastUpdated = now;
    }
  }

  routes(now: () => string): Route[] {
    const apps = '/api/v1/apps';
    const app = `${apps}/{appId}`;
    const secrets = `${app}/credentials/secrets`;
    const secret = `${secrets}/{secretId}`;
    const jwks = `${app}/credentials/jwks`;
    const jwk = `${jwks}/{keyId}`;
    const route = managementRoute;
    const ok = (body: unknown): SimAnswer => ({ status: 200, body });
    const appOf = (params: Readonly<Record<string, string>>) => this.find(params.appId!);
    return [
      route('GET', apps, 'listApplications', 'okta.apps.read', () => ok(this.apps.map((a) => this.appView(a)))),
      route('POST', apps, 'createApplication', 'okta.apps.manage', (request) => ok(this.create(request.body, now())), 'json'),
      route('GET', app, 'getApplication', 'okta.apps.read', (request) => ok(this.appView(appOf(request.params)))),
      route('DELETE', app, 'deleteApplication', 'okta.apps.manage', (request) => {
        this.remove(request.params.appId!);
        return { status: 204 };
      }),
      route('POST', `${app}/lifecycle/activate`, 'activateApplication', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        if (found.status !== 'ACTIVE') Object.assign(found, { status: 'ACTIVE', lastUpdated: now() });
        return ok({});
      }),
      route('POST', `${app}/lifecycle/deactivate`, 'deactivateApplication', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        if (found.status !== 'INACTIVE') Object.assign(found, { status: 'INACTIVE', lastUpdated: now() });
        return ok({});
      }),

      route('GET', secrets, 'listOAuth2ClientSecrets', 'okta.apps.read', (request) => {
        const found = appOf(request.params);
        return ok(found.secrets.map((s) => this.secretView(found, s)));
      }),
      route(
        'POST',
        secrets,
        'createOAuth2ClientSecret',
        'okta.apps.manage',
        (request) => {
          const found = appOf(request.params);
          const input = parseBody(SecretRequestSchema, request.body) ?? {};
          if (found.authMethod !== 'client_secret_post') throw validationError(['client_secret: This client authenticates with private_key_jwt and has no secrets'], 'client_secret');
          if (found.secrets.length >= MAX_CLIENT_CREDENTIALS) {
            throw validationError([`client_secret: A client has at most ${MAX_CLIENT_CREDENTIALS} secrets; delete an inactive one first`], 'client_secret');
          }
          const value = input.client_secret ?? secretValue();
          const created: SimClientSecret = { id: oktaId('ocs'), secret: value, status: input.status ?? 'ACTIVE', created: now(), lastUpdated: now() };
          found.secrets.push(created);
          // The new secret is shown in full once, in this answer.
          return { status: 201, body: { ...this.secretView(found, created), client_secret: value } };
        },
        'json',
      ),
      route('GET', secret, 'getOAuth2ClientSecret', 'okta.apps.read', (request) => {
        const found = appOf(request.params);
        return ok(this.secretView(found, this.findSecret(found, request.params.secretId!)));
      }),
      route('POST', `${secret}/lifecycle/activate`, 'activateOAuth2ClientSecret', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        const item = this.findSecret(found, request.params.secretId!);
        this.setStatus(found.secrets, item, 'ACTIVE', now(), 'secret');
        return ok(this.secretView(found, item));
      }),
      route('POST', `${secret}/lifecycle/deactivate`, 'deactivateOAuth2ClientSecret', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        const item = this.findSecret(found, request.params.secretId!);
        this.setStatus(found.secrets, item, 'INACTIVE', now(), 'secret');
        return ok(this.secretView(found, item));
      }),
      route('DELETE', secret, 'deleteOAuth2ClientSecret', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        const item = this.findSecret(found, request.params.secretId!);
        if (item.status !== 'INACTIVE') throw validationError(['status: Only an inactive secret can be deleted; deactivate it first'], 'status');
        found.secrets.splice(found.secrets.indexOf(item), 1);
        return { status: 204 };
      }),

      route('GET', jwks, 'listJwk', 'okta.apps.read', (request) => {
        const found = appOf(request.params);
        return ok(found.jwks.map((key) => this.jwkView(found, key)));
      }),
      route(
        'POST',
        jwks,
        'addJwk',
        'okta.apps.manage',
        (request) => {
          const found = appOf(request.params);
          const input = parseBody(RsaJwkSchema, request.body);
          if (found.authMethod !== 'private_key_jwt') throw validationError(['kid: This client authenticates with a client secret and has no public keys'], 'kid');
          if (found.jwks.length >= MAX_CLIENT_CREDENTIALS) {
            throw validationError([`kid: A client has at most ${MAX_CLIENT_CREDENTIALS} public keys; delete an inactive one first`], 'kid');
          }
          if (found.jwks.some((key) => key.jwk.kid === input.kid)) throw validationError([`kid: The client already has a key with kid ${input.kid}`], 'kid');
          const added: SimClientJwk = {
            id: oktaId('pks'),
            jwk: { kty: 'RSA', kid: input.kid, e: input.e, n: input.n, ...(input.alg ? { alg: input.alg } : {}) },
            status: input.status ?? 'ACTIVE',
            created: now(),
            lastUpdated: now(),
          };
          found.jwks.push(added);
          return { status: 201, body: this.jwkView(found, added) };
        },
        'json',
      ),
      route('GET', jwk, 'getJwk', 'okta.apps.read', (request) => {
        const found = appOf(request.params);
        return ok(this.jwkView(found, this.findJwk(found, request.params.keyId!)));
      }),
      route('POST', `${jwk}/lifecycle/activate`, 'activateOAuth2ClientJsonWebKey', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        const item = this.findJwk(found, request.params.keyId!);
        this.setStatus(found.jwks, item, 'ACTIVE', now(), 'key');
        return ok(this.jwkView(found, item));
      }),
      route('POST', `${jwk}/lifecycle/deactivate`, 'deactivateOAuth2ClientJsonWebKey', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        const item = this.findJwk(found, request.params.keyId!);
        this.setStatus(found.jwks, item, 'INACTIVE', now(), 'key');
        return ok(this.jwkView(found, item));
      }),
      route('DELETE', jwk, 'deletejwk', 'okta.apps.manage', (request) => {
        const found = appOf(request.params);
        const item = this.findJwk(found, request.params.keyId!);
        if (item.status !== 'INACTIVE') throw validationError(['status: Only an inactive key can be deleted; deactivate it first'], 'status');
        found.jwks.splice(found.jwks.indexOf(item), 1);
        return { status: 204 };
      }),
    ];
  }
}
