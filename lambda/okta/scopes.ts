/**
 * OAuth scopes of the Okta management API this project uses, and which operation needs which, so a 403
 * can name the missing scope instead of leaving the user to guess.
 */

export const SCOPES = {
  inlineHooksRead: 'okta.inlineHooks.read',
  inlineHooksManage: 'okta.inlineHooks.manage',
  authorizationServersRead: 'okta.authorizationServers.read',
  authorizationServersManage: 'okta.authorizationServers.manage',
} as const;

/**
 * The OAuth client of a hook secured with OAuth 2.0 (`auth.type: oauth2` only). Not among the default
 * scopes, for the reason `LOGS_READ_SCOPE` is not: the service app's credentials list them when needed.
 */
export const APPS_SCOPES = { read: 'okta.apps.read', manage: 'okta.apps.manage' } as const;

/**
 * Okta's System Log, read by `status` only. Not among the default scopes: a service app that was not
 * granted it would be refused every token; the CLI's `OKTA_SCOPES` asks for it.
 */
export const LOGS_READ_SCOPE = 'okta.logs.read';

/** What a service app asks for when its credentials name no scopes. */
export const DEFAULT_SCOPES: readonly string[] = Object.values(SCOPES);

/** The scope each operation needs (the spec's per-operation `security`), keyed by our operation names. */
export const OPERATION_SCOPES: Readonly<Record<string, string>> = {
  listInlineHooks: SCOPES.inlineHooksRead,
  getInlineHook: SCOPES.inlineHooksRead,
  createInlineHook: SCOPES.inlineHooksManage,
  replaceInlineHook: SCOPES.inlineHooksManage,
  activateInlineHook: SCOPES.inlineHooksManage,
  deactivateInlineHook: SCOPES.inlineHooksManage,
  deleteInlineHook: SCOPES.inlineHooksManage,
  executeInlineHook: SCOPES.inlineHooksManage,
  listAuthorizationServers: SCOPES.authorizationServersRead,
  getAuthorizationServer: SCOPES.authorizationServersRead,
  listPolicies: SCOPES.authorizationServersRead,
  listPolicyRules: SCOPES.authorizationServersRead,
  getPolicyRule: SCOPES.authorizationServersRead,
  replacePolicyRule: SCOPES.authorizationServersManage,
  createHookKey: SCOPES.inlineHooksManage,
  listHookKeys: SCOPES.inlineHooksRead,
  getHookPublicKey: SCOPES.inlineHooksRead,
  deleteHookKey: SCOPES.inlineHooksManage,
  createServiceApp: APPS_SCOPES.manage,
  listApps: APPS_SCOPES.read,
  deactivateApp: APPS_SCOPES.manage,
  deleteApp: APPS_SCOPES.manage,
  listScopes: SCOPES.authorizationServersRead,
  createScope: SCOPES.authorizationServersManage,
  deleteScope: SCOPES.authorizationServersManage,
  createPolicy: SCOPES.authorizationServersManage,
  deletePolicy: SCOPES.authorizationServersManage,
  createPolicyRule: SCOPES.authorizationServersManage,
  listLogEvents: LOGS_READ_SCOPE,
};

/** The admin-role permission (custom roles) behind a scope; the names differ from the scopes. */
export const ROLE_PERMISSION: Readonly<Record<string, string>> = {
  [SCOPES.inlineHooksRead]: 'okta.inlinehooks.read',
  [SCOPES.inlineHooksManage]: 'okta.inlinehooks.manage',
  [SCOPES.authorizationServersRead]: 'okta.authzServers.read',
  [SCOPES.authorizationServersManage]: 'okta.authzServers.manage',
  [APPS_SCOPES.read]: 'okta.apps.read',
  [APPS_SCOPES.manage]: 'okta.apps.manage',
};
