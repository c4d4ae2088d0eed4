import { OktaApiError } from '../okta/errors.js';
import type { OktaApi } from '../okta/okta-api.js';
import type { AuthorizationServer, AuthorizationServerPolicy, OAuthChannelConfig } from '../okta/schemas.js';
import type { OAuthAuthProperty } from '../shared/contract.js';
import type { SecretStore } from '../shared/secret-store.js';
import { InvalidPropertiesError, UnexpectedOktaStateError } from './errors.js';
import type { UndoStack } from './undo-stack.js';

/**
 * What Okta needs to call the hook with OAuth 2.0, provisioned and removed by the registrar: the hook key
 * (private_key_jwt; Okta keeps the private half), the OAuth client (an API Services app knowing only the
 * public key, or holding a client secret that goes straight to Secrets Manager), the custom scope on the
 * issuing server, and an access policy there that lets only that client get only that scope. The policy
 * is needed: a custom server grants the client credentials grant only through a policy naming the client.
 */

/** Marks what the registrar created, so delete removes only that (a scope someone else made stays). */
const MARKER = 'added by okta-token-hook';
/** Okta's default lifetime; the hook's token is fetched per call anyway. */
const TOKEN_LIFETIME_MINUTES = 60;
// Okta ids and the `default` alias are single tokens; a value with other characters can only be a name.
const ID_SHAPE = /^[A-Za-z0-9_-]+$/;

/** The names of what the registrar creates for a hook, from the hook's name (unique in an org). */
export function oauthNames(hookName: string) {
  return {
    hookKey: hookName.slice(0, 255),
    appLabel: hookName.slice(0, 100),
    policy: `Token hook ${hookName}`.slice(0, 100),
    policyDescription: `Lets the OAuth client of inline hook ${hookName} get its token (${MARKER})`.slice(0, 255),
    scopeDescription: `Okta calls inline hook ${hookName} with this scope (${MARKER})`.slice(0, 1024),
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof OktaApiError && error.status === 404;
}

async function unlessGone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** The issuing server by id (or `default`) or exact name; undefined when Okta has none. */
async function findServer(api: OktaApi, wanted: string): Promise<AuthorizationServer | undefined> {
  if (ID_SHAPE.test(wanted)) {
    try {
      return await api.getAuthorizationServer(wanted);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const matches = (await api.listAuthorizationServers(wanted)).filter((server) => server.name === wanted);
  if (matches.length > 1) {
    throw new InvalidPropertiesError(`${matches.length} authorization servers are named "${wanted}": set auth.authorizationServer to the id of the one that issues the hook's tokens`);
  }
  return matches[0];
}

/**
 * The server that issues the hook's tokens, checked against what only Okta knows: it exists and is
 * active, it is not a server whose rule calls the hook (a name hides that from synth), and it issues
 * tokens for the audience the hook requires.
 */
export async function issuingServer(api: OktaApi, auth: OAuthAuthProperty, targetServerIds: readonly string[]): Promise<AuthorizationServer> {
  const server = await findServer(api, auth.AuthorizationServer);
  if (!server) {
    throw new InvalidPropertiesError(`no authorization server "${auth.AuthorizationServer}" in ${api.orgUrl}: set auth.authorizationServer to the id or exact name of the server that issues the hook's tokens`);
  }
  if (targetServerIds.includes(server.id)) {
    throw new InvalidPropertiesError(
      `auth.authorizationServer "${auth.AuthorizationServer}" (${server.id}) is also the server whose rule calls the hook: to call the hook Okta needs a token from that server, ` +
        "and issuing that token calls the hook again. Issue the hook's tokens from another custom authorization server",
    );
  }
  if (server.status !== undefined && server.status !== 'ACTIVE') {
    throw new InvalidPropertiesError(`the authorization server "${server.name}" (${server.id}) is ${server.status}: activate it, or issue the hook's tokens from an active server`);
  }
  if (server.audiences && !server.audiences.includes(auth.Audience)) {
    throw new InvalidPropertiesError(
      `the authorization server "${server.name}" (${server.id}) issues tokens for ${server.audiences.join(', ')}, not ${auth.Audience}: set auth.audience to one of them`,
    );
  }
  return server;
}

/** The token endpoint of a custom server, as Okta's OAUTH channel names it. */
export function tokenUrlOf(orgUrl: string, serverId: string): string {
  return `${orgUrl.replace(/\/+$/, '')}/oauth2/${serverId}/v1/token`;
}

function serverIdOf(tokenUrl: string): string | undefined {
  return /\/oauth2\/([^/]+)\/v1\/token$/.exec(tokenUrl)?.[1];
}

export interface ProvisionContext {
  readonly api: OktaApi;
  /** What undo and removal call (their own deadline). */
  readonly undoApi: OktaApi;
  readonly secrets: SecretStore;
  readonly log: (event: object) => void;
}

/**
 * Creates the hook key (private_key_jwt), the OAuth client, the scope (unless the server has it) and the
 * access policy with its rule; registers each removal on `undo` before its write. Leftovers of an
 * earlier attempt of this hook (found by their names and markers) are removed first. Returns the
 * OAUTH channel for the hook.
 */
export async function provisionOAuth(
  ctx: ProvisionContext,
  auth: OAuthAuthProperty,
  hookName: string,
  server: AuthorizationServer,
  undo: UndoStack,
): Promise<OAuthChannelConfig> {
  const names = oauthNames(hookName);
  const { api } = ctx;

  let hookKey: { id: string; jwk: { kty: string; kid: string; e: string; n: string } } | undefined;
  if (auth.Method === 'private_key_jwt') {
    const leftover = (await api.listHookKeys()).find((key) => key.name === names.hookKey);
    if (leftover) {
      ctx.log({ event: 'hook-key-leftover', hookKeyId: leftover.id, action: 'deleting' });
      await unlessGone(() => api.deleteHookKey(leftover.id));
    }
    let createdId: string | undefined;
    undo.push(`delete hook key "${names.hookKey}"`, async () => {
      const id = createdId ?? (await ctx.undoApi.listHookKeys()).find((key) => key.name === names.hookKey)?.id;
      if (id) await unlessGone(() => ctx.undoApi.deleteHookKey(id));
    });
    const created = await api.createHookKey(names.hookKey);
    createdId = created.id;
    hookKey = { id: created.id, jwk: created._embedded ?? (await api.getHookPublicKey(created.keyId)) };
  }

  let appId: string | undefined;
  undo.push(`delete OAuth client "${names.appLabel}"`, async () => {
    if (appId) await removeApp(ctx.undoApi, appId);
  });
  const app = await api.createServiceApp({ label: names.appLabel, authMethod: auth.Method, ...(hookKey ? { jwks: [hookKey.jwk] } : {}) });
  appId = app.id;
  const clientId = app.credentials?.oauthClient?.client_id ?? app.id;
  ctx.log({ event: 'oauth-client-created', clientId, method: auth.Method });
  if (auth.Method === 'client_secret_post') {
    const secret = app.credentials?.oauthClient?.client_secret;
    if (!secret) throw new UnexpectedOktaStateError(`okta created the OAuth client ${clientId} without a client secret: check the app in the okta admin console and retry`);
    // Okta shows the secret once; it goes to Secrets Manager, nowhere else.
    await ctx.secrets.putCurrentSecret(auth.ClientSecretArn as string, secret);
  }

  const scopes = await api.listScopes(server.id);
  if (!scopes.some((scope) => scope.name === auth.Scope)) {
    let scopeId: string | undefined;
    undo.push(`delete scope ${auth.Scope}`, async () => {
      if (scopeId) await unlessGone(() => ctx.undoApi.deleteScope(server.id, scopeId as string));
    });
    scopeId = (await api.createScope(server.id, { name: auth.Scope, description: names.scopeDescription })).id;
  }

  for (const leftover of ourPolicies(await api.listPolicies(server.id), names)) {
    ctx.log({ event: 'policy-leftover', policyId: leftover.id, action: 'deleting' });
    await unlessGone(() => api.deletePolicy(server.id, leftover.id));
  }
  let policyId: string | undefined;
  undo.push(`delete access policy "${names.policy}"`, async () => {
    const id = policyId ?? ourPolicies(await ctx.undoApi.listPolicies(server.id), names)[0]?.id;
    if (id) await unlessGone(() => ctx.undoApi.deletePolicy(server.id, id));
  });
  // First, and for this client only: other clients never match it, and this one gets nothing else.
  policyId = (await api.createPolicy(server.id, { name: names.policy, description: names.policyDescription, priority: 1, clients: [clientId] })).id;
  await api.createPolicyRule(server.id, policyId, {
    name: names.policy,
    priority: 1,
    grantTypes: ['client_credentials'],
    scopes: [auth.Scope],
    accessTokenLifetimeMinutes: TOKEN_LIFETIME_MINUTES,
  });

  const common = { clientId, tokenUrl: tokenUrlOf(api.orgUrl, server.id), scope: auth.Scope };
  return hookKey ? { ...common, authType: 'private_key_jwt', hookKeyId: hookKey.id } : { ...common, authType: 'client_secret_post' };
}

function ourPolicies(policies: readonly AuthorizationServerPolicy[], names: ReturnType<typeof oauthNames>): AuthorizationServerPolicy[] {
  return policies.filter((policy) => policy.name === names.policy && policy.description === names.policyDescription);
}

async function removeApp(api: OktaApi, appId: string): Promise<void> {
  await unlessGone(() => api.deactivateApp(appId));
  await unlessGone(() => api.deleteApp(appId));
}

/**
 * Removes what `provisionOAuth` created for the hook, once the hook is gone (Okta refuses to delete a
 * key a hook uses). Found from the hook's channel when it is known, else by names and markers; a 404
 * counts as done. A scope the registrar did not create, or one another rule still uses, stays.
 */
export async function removeOAuth(
  ctx: Pick<ProvisionContext, 'log'> & { readonly api: OktaApi },
  hookName: string,
  channel: OAuthChannelConfig | undefined,
  auth: Pick<OAuthAuthProperty, 'AuthorizationServer' | 'Scope'> | undefined,
): Promise<void> {
  const { api } = ctx;
  const names = oauthNames(hookName);
  let serverId = channel ? serverIdOf(channel.tokenUrl) : undefined;
  if (!serverId && auth) serverId = (await findServer(api, auth.AuthorizationServer))?.id;

  const clientIds = new Set(channel ? [channel.clientId] : []);
  if (serverId) {
    const id = serverId;
    try {
      for (const policy of ourPolicies(await api.listPolicies(id), names)) {
        for (const client of policy.conditions?.clients?.include ?? []) if (client !== 'ALL_CLIENTS') clientIds.add(client);
        await unlessGone(() => api.deletePolicy(id, policy.id));
      }
      const scopeName = channel?.scope ?? auth?.Scope;
      const scope = (await api.listScopes(id)).find((candidate) => candidate.name === scopeName && candidate.description === names.scopeDescription);
      if (scope) {
        try {
          await unlessGone(() => api.deleteScope(id, scope.id));
        } catch (error) {
          // Okta keeps a scope a rule still names: someone else uses it now.
          if (!(error instanceof OktaApiError && [400, 409].includes(error.status))) throw error;
          ctx.log({ event: 'scope-kept', scope: scope.name, reason: error.message });
        }
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ctx.log({ event: 'issuing-server-gone', serverId: id });
    }
  }
  for (const clientId of clientIds) await removeApp(api, clientId);

  const hookKeyId = channel
    ? channel.authType === 'private_key_jwt'
      ? channel.hookKeyId
      : undefined
    : (await api.listHookKeys()).find((key) => key.name === names.hookKey)?.id;
  if (hookKeyId) await unlessGone(() => api.deleteHookKey(hookKeyId));
  ctx.log({ event: 'oauth-removed', clientIds: [...clientIds], hookKeyId: hookKeyId ?? null });
}
