import * as z from 'zod';

/**
 * Okta management payloads as the project reads them. Loose objects: Okta adds fields over time and a
 * rule must go back to Okta whole (PUT replaces), so unknown keys are kept, not stripped.
 */

export const TOKEN_HOOK_TYPE = 'com.okta.oauth2.tokens.transform';

export const InlineHookHeaderSchema = z.looseObject({ key: z.string(), value: z.string() });

export const InlineHookSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['ACTIVE', 'INACTIVE']),
  name: z.string(),
  type: z.string(),
  version: z.string(),
  channel: z.looseObject({
    type: z.string(),
    version: z.string(),
    config: z.looseObject({
      uri: z.string(),
      method: z.string().optional(),
      headers: z.array(InlineHookHeaderSchema).nullish(),
      authScheme: z.looseObject({ type: z.string(), key: z.string() }).nullish(),
      // OAUTH channels (`InlineHookOAuthChannelConfig`); the client secret is write-only, never answered.
      authType: z.string().nullish(),
      clientId: z.string().nullish(),
      tokenUrl: z.string().nullish(),
      scope: z.string().nullish(),
      hookKeyId: z.string().nullish(),
    }),
  }),
  created: z.string().optional(),
  lastUpdated: z.string().optional(),
});
export type InlineHook = z.infer<typeof InlineHookSchema>;

/** How Okta gets a token for an OAUTH channel: a Hook Key signs its client assertion, or a client secret. */
export type OAuthChannelConfig = {
  readonly clientId: string;
  /** `https://{org}/oauth2/{authorizationServerId}/v1/token`. */
  readonly tokenUrl: string;
  readonly scope: string;
} & ({ readonly authType: 'private_key_jwt'; readonly hookKeyId: string } | { readonly authType: 'client_secret_post' });

interface HookDefinitionBase {
  readonly name: string;
  readonly uri: string;
  readonly headers?: readonly { readonly key: string; readonly value: string }[];
}

/**
 * What the project sends to create or replace a hook: an HTTP channel with header auth (`authValue` is
 * the write-only key), or an OAUTH channel (`clientSecret` is write-only, for client_secret_post).
 */
export type InlineHookDefinition =
  | (HookDefinitionBase & { readonly authHeader: string; readonly authValue: string })
  | (HookDefinitionBase & { readonly oauth: OAuthChannelConfig; readonly clientSecret?: string });

/** A public RSA key as a Hook Key shows it and an OAuth client's JWKS takes it. */
export interface PublicJwk {
  readonly kty: string;
  readonly kid: string;
  readonly e: string;
  readonly n: string;
}

const PublicJwkSchema = z.looseObject({ kty: z.string(), kid: z.string(), e: z.string(), n: z.string() });

/** A Hook Keys API key: Okta holds the private half; `_embedded` is the public JWK (in create answers). */
export const HookKeySchema = z.looseObject({
  id: z.string(),
  keyId: z.string(),
  name: z.string(),
  isUsed: z.union([z.string(), z.boolean()]).optional(),
  created: z.string().nullish(),
  _embedded: PublicJwkSchema.nullish(),
});
export type HookKey = z.infer<typeof HookKeySchema>;

/** The public JWK of a hook key (`GET /api/v1/hook-keys/public/{keyId}`). */
export const HookPublicKeySchema = z.looseObject({ _embedded: PublicJwkSchema });

/** An OAuth client's secret (`OAuth2ClientSecret`); `client_secret` is masked except in a create's answer. */
export const ClientSecretSchema = z.looseObject({
  id: z.string(),
  status: z.enum(['ACTIVE', 'INACTIVE']),
  created: z.string().nullish(),
  lastUpdated: z.string().nullish(),
});
export type ClientSecret = z.infer<typeof ClientSecretSchema>;

/** A public key of an OAuth client's JWKS (`OAuth2ClientJsonWebKeyRsaResponse`). */
export const ClientJwkSchema = z.looseObject({
  id: z.string(),
  kid: z.string().nullish(),
  status: z.enum(['ACTIVE', 'INACTIVE']),
  created: z.string().nullish(),
  lastUpdated: z.string().nullish(),
});
export type ClientJwk = z.infer<typeof ClientJwkSchema>;

/** An API Services app (OIDC service app) as the registrar reads it. */
export const ServiceAppSchema = z.looseObject({
  id: z.string(),
  label: z.string(),
  status: z.string(),
  signOnMode: z.string().optional(),
  credentials: z
    .looseObject({
      oauthClient: z.looseObject({ client_id: z.string().optional(), token_endpoint_auth_method: z.string().optional(), client_secret: z.string().optional() }).optional(),
    })
    .optional(),
  settings: z.looseObject({ oauthClient: z.looseObject({ application_type: z.string().optional() }).optional() }).optional(),
});
export type ServiceApp = z.infer<typeof ServiceAppSchema>;

/** What the registrar creates: an API Services app for the client credentials grant. */
export interface ServiceAppDefinition {
  readonly label: string;
  readonly authMethod: 'client_secret_post' | 'private_key_jwt';
  /** private_key_jwt: the public keys the app accepts client assertions from. */
  readonly jwks?: readonly PublicJwk[];
}

export const OAuth2ScopeSchema = z.looseObject({ id: z.string(), name: z.string(), description: z.string().nullish(), system: z.boolean().optional() });
export type OAuth2Scope = z.infer<typeof OAuth2ScopeSchema>;

/** A new access policy of an authorization server (`clients.include`: client ids or `ALL_CLIENTS`). */
export interface AuthorizationServerPolicyDefinition {
  readonly name: string;
  readonly description: string;
  readonly priority: number;
  readonly clients: readonly string[];
}

/** A new rule of an access policy: the grant types and scopes it lets through. */
export interface PolicyRuleDefinition {
  readonly name: string;
  readonly priority: number;
  readonly grantTypes: readonly string[];
  readonly scopes: readonly string[];
  readonly accessTokenLifetimeMinutes: number;
}

export const AuthorizationServerSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  status: z.string().optional(),
  issuer: z.string().optional(),
  audiences: z.array(z.string()).optional(),
});
export type AuthorizationServer = z.infer<typeof AuthorizationServerSchema>;

export const AuthorizationServerPolicySchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().nullish(),
  conditions: z.looseObject({ clients: z.looseObject({ include: z.array(z.string()).optional() }).optional() }).nullish(),
  type: z.string().optional(),
  status: z.string().optional(),
  priority: z.number().optional(),
});
export type AuthorizationServerPolicy = z.infer<typeof AuthorizationServerPolicySchema>;

export const AuthorizationServerPolicyRuleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  status: z.string().optional(),
  priority: z.number().optional(),
  system: z.boolean().optional(),
  conditions: z.looseObject({}),
  actions: z
    .looseObject({
      token: z
        .looseObject({
          inlineHook: z.looseObject({ id: z.string() }).nullish(),
        })
        .optional(),
    })
    .optional(),
});
export type AuthorizationServerPolicyRule = z.infer<typeof AuthorizationServerPolicyRuleSchema>;

/** A System Log event (spec `LogEvent`): the fields `status` reads; loose, as Okta adds fields. */
export const LogEventSchema = z.looseObject({
  uuid: z.string(),
  published: z.string(),
  eventType: z.string(),
  displayMessage: z.string().nullish(),
  severity: z.string().nullish(),
  outcome: z.looseObject({ result: z.string().nullish(), reason: z.string().nullish() }).nullish(),
  target: z.array(z.looseObject({ id: z.string().nullish(), type: z.string().nullish(), displayName: z.string().nullish() })).nullish(),
  actor: z.looseObject({ id: z.string().nullish(), type: z.string().nullish(), alternateId: z.string().nullish() }).nullish(),
  debugContext: z.looseObject({ debugData: z.record(z.string(), z.unknown()).nullish() }).nullish(),
});
export type LogEvent = z.infer<typeof LogEventSchema>;

/** A bounded System Log query (`until` is always sent, so paging ends; see `listLogEvents`). */
export interface LogQuery {
  /** ISO 8601, inclusive. */
  readonly since: string;
  /** ISO 8601, exclusive. @default now */
  readonly until?: string;
  /** A SCIM filter expression, e.g. `eventType sw "inline_hook." and target.id eq "cal…"`. */
  readonly filter?: string;
  readonly q?: string;
  /** Page size, at most 1000. */
  readonly limit?: number;
}

/** Okta's error object (spec `Error`); every field optional because proxies and 5xx pages omit them. */
export const OktaErrorBodySchema = z.looseObject({
  errorCode: z.string().optional(),
  errorSummary: z.string().optional(),
  errorLink: z.string().optional(),
  errorId: z.string().optional(),
  errorCauses: z.array(z.looseObject({ errorSummary: z.string().optional() })).optional(),
});
export type OktaErrorBody = z.infer<typeof OktaErrorBodySchema>;
