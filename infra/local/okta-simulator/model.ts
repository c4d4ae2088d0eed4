import type { JWK } from 'jose';

/** A stored inline hook. `authValue`/`clientSecret` are the write-only secrets: kept here, never answered. */
export interface SimInlineHook {
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  name: string;
  type: string;
  version: string;
  channel: {
    type: 'HTTP' | 'OAUTH';
    version: string;
    config: Record<string, unknown> & {
      uri: string;
      method: string;
      headers: { key: string; value: string }[];
    };
  };
  created: string;
  lastUpdated: string;
  /** The stored `channel.config.authScheme.value` (HTTP channel). */
  authValue?: string;
  /** The stored `channel.config.clientSecret` (OAUTH channel, client_secret_post). */
  clientSecret?: string;
}

/** A stored access-policy rule: what Okta keeps, without `_links`. PUT replaces it. */
export type SimRule = Record<string, unknown> & {
  id: string;
  name: string;
  type: string;
  status: 'ACTIVE' | 'INACTIVE';
  priority: number;
  system: boolean;
  conditions: Record<string, unknown>;
  actions: Record<string, unknown>;
  created: string;
  lastUpdated: string;
};

export interface SimPolicy {
  id: string;
  type: 'OAUTH_AUTHORIZATION_POLICY';
  name: string;
  description: string;
  status: 'ACTIVE' | 'INACTIVE';
  priority: number;
  system: boolean;
  conditions: { clients: { include: string[] } };
  created: string;
  lastUpdated: string;
  rules: SimRule[];
}

export interface SimAuthorizationServer {
  id: string;
  name: string;
  /** `null` when the create left it out, as Okta answers. */
  description: string | null;
  audiences: string[];
  issuerMode: 'ORG_URL' | 'DYNAMIC' | 'CUSTOM_URL';
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  /** Signing key rotation: `AUTO` every 90 days (with a `nextRotation`), or `MANUAL`. */
  rotationMode: 'AUTO' | 'MANUAL';
  lastRotated: string;
  /** Scope names with their Okta ids (`scp…`), as the hook request shows them. */
  scopes: Record<string, string>;
  policies: SimPolicy[];
}

/** An OAuth client of the org that can ask a custom authorization server for tokens. */
export interface SimClient {
  clientId: string;
  name: string;
  type: 'PUBLIC' | 'CONFIDENTIAL';
  grantTypes: string[];
  redirectUri?: string;
}

export interface SimUser {
  id: string;
  passwordChanged: string;
  profile: { login: string; firstName: string; lastName: string; email: string; locale: string; timeZone: string };
  groups: string[];
}

/** A service app allowed to call the management API with OAuth 2.0 (private_key_jwt). */
export interface SimServiceApp {
  clientId: string;
  publicJwk: JWK;
  scopes: string[];
  requireDpop?: boolean;
}

export interface SimState {
  inlineHooks: SimInlineHook[];
  authorizationServers: SimAuthorizationServer[];
  clients: SimClient[];
  users: SimUser[];
}
