import { OktaApiError } from '../okta/errors.js';
import type { OktaApi } from '../okta/okta-api.js';
import type { ResolvedRule } from '../okta/resolve-target.js';
import type { AuthorizationServerPolicy } from '../okta/schemas.js';
import { hookIdOf } from './rule-hook.js';

/**
 * Rules are found again by the hook they call, never by name: an admin may rename a rule or move it to
 * another priority, and it must still be put back. A list, because a hook may serve several rules.
 */

// Okta ids and the `default` alias; anything else can only be a server's name.
const ID_SHAPE = /^[A-Za-z0-9_-]+$/;

function isNotFound(error: unknown): boolean {
  return error instanceof OktaApiError && error.isNotFound;
}

async function policiesOf(api: OktaApi, authServerId: string): Promise<AuthorizationServerPolicy[] | undefined> {
  try {
    return await api.listPolicies(authServerId);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function rulesIn(api: OktaApi, authServerId: string, policies: readonly AuthorizationServerPolicy[], hookId: string): Promise<ResolvedRule[]> {
  const found: ResolvedRule[] = [];
  for (const policy of policies) {
    for (const rule of await api.listPolicyRules(authServerId, policy.id)) {
      if (hookIdOf(rule) === hookId) found.push({ location: { authServerId, policyId: policy.id, ruleId: rule.id }, rule });
    }
  }
  return found;
}

/**
 * Every rule calling `hookId` in the authorization server `server` (an id, `default` or a name), or in
 * every server when `server` is not given or no longer exists (renamed or deleted since).
 */
export async function rulesCallingHook(api: OktaApi, server: string | undefined, hookId: string): Promise<ResolvedRule[]> {
  if (server !== undefined && ID_SHAPE.test(server)) {
    const policies = await policiesOf(api, server);
    if (policies) return rulesIn(api, server, policies, hookId);
  }
  const named = server === undefined ? [] : (await api.listAuthorizationServers(server)).filter((candidate) => candidate.name === server);
  const servers = named.length > 0 ? named : await api.listAuthorizationServers();
  const found: ResolvedRule[] = [];
  for (const { id } of servers) {
    const policies = await policiesOf(api, id);
    if (policies) found.push(...(await rulesIn(api, id, policies, hookId)));
  }
  return found;
}
