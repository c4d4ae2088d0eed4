import type {
  AuthorizationServer,
  AuthorizationServerPolicy,
  AuthorizationServerPolicyDefinition,
  AuthorizationServerPolicyRule,
  ClientJwk,
  ClientSecret,
  HookKey,
  InlineHook,
  InlineHookDefinition,
  LogEvent,
  LogQuery,
  PublicJwk,
  OAuth2Scope,
  PolicyRuleDefinition,
  ServiceApp,
  ServiceAppDefinition,
} from './schemas.js';

/**
 * The port to Okta's management API: the calls this project makes, named for their intent. One real
 * implementation (the fetch-based client); the simulator stands in for Okta in tests.
 */
export interface OktaApi {
  /** The org this client talks to, e.g. `https://example.okta.com`. */
  readonly orgUrl: string;

  listInlineHooks(type?: string): Promise<InlineHook[]>;
  getInlineHook(hookId: string): Promise<InlineHook>;
  /** Not idempotent: after an ambiguous failure, look the hook up by name instead of calling again. */
  createInlineHook(definition: InlineHookDefinition): Promise<InlineHook>;
  /** PUT with the full object, including the write-only key (Okta never returns it). */
  replaceInlineHook(hookId: string, definition: InlineHookDefinition): Promise<InlineHook>;
  activateInlineHook(hookId: string): Promise<InlineHook>;
  deactivateInlineHook(hookId: string): Promise<InlineHook>;
  deleteInlineHook(hookId: string): Promise<void>;
  /**
   * Okta calls the hook with `payload` and returns the hook's JSON answer (`undefined` when it answered
   * 204). Okta's verdicts on the hook (400 E0000135, 502 E0000134, 504 E0000137) are `OktaApiError`s.
   */
  executeInlineHook(hookId: string, payload: unknown): Promise<unknown>;

  listAuthorizationServers(query?: string): Promise<AuthorizationServer[]>;
  getAuthorizationServer(authServerId: string): Promise<AuthorizationServer>;
  listPolicies(authServerId: string): Promise<AuthorizationServerPolicy[]>;
  listPolicyRules(authServerId: string, policyId: string): Promise<AuthorizationServerPolicyRule[]>;
  getPolicyRule(authServerId: string, policyId: string, ruleId: string): Promise<AuthorizationServerPolicyRule>;
  /** PUT replaces the whole rule: send everything read from `getPolicyRule`, changed where intended. */
  replacePolicyRule(
    authServerId: string,
    policyId: string,
    ruleId: string,
    rule: AuthorizationServerPolicyRule,
  ): Promise<AuthorizationServerPolicyRule>;

  /** Okta generates the key pair and keeps the private half; the answer's `_embedded` is the public JWK. */
  createHookKey(name: string): Promise<HookKey>;
  listHookKeys(): Promise<HookKey[]>;
  /** The public JWK of the hook key whose `keyId` (the JWK's `kid`) this is. */
  getHookPublicKey(keyId: string): Promise<PublicJwk>;
  /** Okta refuses while a hook uses the key. */
  deleteHookKey(id: string): Promise<void>;

  /** An OAuth client's secrets (`/api/v1/apps/{appId}/credentials/secrets`, at most two). */
  listClientSecrets(appId: string): Promise<ClientSecret[]>;
  /** Adds `clientSecret` (14 to 100 characters) as an active secret. Not idempotent. */
  createClientSecret(appId: string, clientSecret: string): Promise<ClientSecret>;
  activateClientSecret(appId: string, secretId: string): Promise<ClientSecret>;
  /** Okta refuses to deactivate the last active secret. */
  deactivateClientSecret(appId: string, secretId: string): Promise<ClientSecret>;
  /** Only an inactive secret can be deleted. */
  deleteClientSecret(appId: string, secretId: string): Promise<void>;

  /** An OAuth client's public keys (`/api/v1/apps/{appId}/credentials/jwks`). */
  listClientJwks(appId: string): Promise<ClientJwk[]>;
  /** Adds an active RSA signing key; Okta refuses a `kid` the client has already. */
  addClientJwk(appId: string, key: PublicJwk): Promise<ClientJwk>;
  activateClientJwk(appId: string, keyId: string): Promise<ClientJwk>;
  /** Okta refuses to deactivate the last active key of a `private_key_jwt` client. */
  deactivateClientJwk(appId: string, keyId: string): Promise<ClientJwk>;
  /** Only an inactive key can be deleted. */
  deleteClientJwk(appId: string, keyId: string): Promise<void>;

  /** Not idempotent (labels need not be unique): after an ambiguous failure, look the app up by label. */
  createServiceApp(definition: ServiceAppDefinition): Promise<ServiceApp>;
  /** Apps whose label or name starts with `query`. */
  listApps(query: string): Promise<ServiceApp[]>;
  deactivateApp(appId: string): Promise<void>;
  /** Only an inactive app can be deleted. */
  deleteApp(appId: string): Promise<void>;

  listScopes(authServerId: string): Promise<OAuth2Scope[]>;
  createScope(authServerId: string, scope: { name: string; description: string }): Promise<OAuth2Scope>;
  deleteScope(authServerId: string, scopeId: string): Promise<void>;
  createPolicy(authServerId: string, policy: AuthorizationServerPolicyDefinition): Promise<AuthorizationServerPolicy>;
  /** Deletes the policy with its rules. */
  deletePolicy(authServerId: string, policyId: string): Promise<void>;
  createPolicyRule(authServerId: string, policyId: string, rule: PolicyRuleDefinition): Promise<AuthorizationServerPolicyRule>;

  /** The System Log events of a bounded query, oldest first, every page (scope `okta.logs.read`). */
  listLogEvents(query: LogQuery): Promise<LogEvent[]>;
}

/** Where a hook is attached: ids resolved from the ids or names the user gave. */
export interface RuleLocation {
  readonly authServerId: string;
  readonly policyId: string;
  readonly ruleId: string;
}
