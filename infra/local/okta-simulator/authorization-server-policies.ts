import * as z from 'zod';
import { findPolicy, findServer } from './authorization-servers.js';
import { validationError } from './errors.js';
import { ID_PREFIX, oktaId } from './ids.js';
import type { SimPolicy, SimState } from './model.js';
import { parseBody } from './request-validation.js';
import type { Route } from './router.js';
import { policyView } from './views.js';

/** `AuthorizationServerPolicy` as a create sends it; read-only fields are ignored. */
const PolicyRequestSchema = z.object({
  type: z.literal('OAUTH_AUTHORIZATION_POLICY'),
  name: z.string().min(1).max(100),
  description: z.string().min(1).max(255),
  status: z.enum(['ACTIVE', 'INACTIVE']).optional(),
  priority: z.int().min(1).optional(),
  conditions: z.object({ clients: z.object({ include: z.array(z.string().min(1)).min(1) }) }),
});

/**
 * Creating, replacing and deleting access policies: what an OAuth client for a hook needs on the server
 * that issues the hook's tokens (a policy naming the client, then a rule for the client credentials
 * grant), and what the recorded Terraform runs do.
 */
export function authorizationServerPolicyRoutes(state: SimState, orgUrl: () => string, now: () => string): Route[] {
  const policies = '/api/v1/authorizationServers/{authServerId}/policies';
  const common = { auth: 'management', bucket: '/api/v1', scope: 'okta.authorizationServers.manage' } as const;
  return [
    {
      ...common,
      method: 'POST',
      template: policies,
      operationId: 'createAuthorizationServerPolicy',
      body: 'json',
      handle: (request) => {
        const server = findServer(state, request.params.authServerId!);
        const input = parseBody(PolicyRequestSchema, request.body);
        if (server.policies.some((policy) => policy.name === input.name)) {
          throw validationError(['name: A policy with this name already exists on the authorization server'], 'name');
        }
        const last = Math.max(0, ...server.policies.map((policy) => policy.priority));
        const priority = Math.min(input.priority ?? last + 1, last + 1);
        for (const policy of server.policies) if (policy.priority >= priority) policy.priority += 1;
        const created: SimPolicy = {
          id: oktaId(ID_PREFIX.policy),
          type: 'OAUTH_AUTHORIZATION_POLICY',
          name: input.name,
          description: input.description,
          status: input.status ?? 'ACTIVE',
          priority,
          system: false,
          conditions: { clients: { include: [...input.conditions.clients.include] } },
          created: now(),
          lastUpdated: now(),
          rules: [],
        };
        server.policies.push(created);
        return { status: 201, body: policyView(orgUrl(), server.id, created) };
      },
    },
    {
      ...common,
      method: 'PUT',
      template: `${policies}/{policyId}`,
      operationId: 'replaceAuthorizationServerPolicy',
      body: 'json',
      handle: (request) => {
        const server = findServer(state, request.params.authServerId!);
        const policy = findPolicy(state, server.id, request.params.policyId!);
        const input = parseBody(PolicyRequestSchema, request.body);
        if (server.policies.some((other) => other !== policy && other.name === input.name)) {
          throw validationError(['name: A policy with this name already exists on the authorization server'], 'name');
        }
        Object.assign(policy, {
          name: input.name,
          description: input.description,
          status: input.status ?? policy.status,
          priority: input.priority ?? policy.priority,
          conditions: { clients: { include: [...input.conditions.clients.include] } },
          lastUpdated: now(),
        });
        return { status: 200, body: policyView(orgUrl(), server.id, policy) };
      },
    },
    {
      ...common,
      method: 'DELETE',
      template: `${policies}/{policyId}`,
      operationId: 'deleteAuthorizationServerPolicy',
      handle: (request) => {
        const server = findServer(state, request.params.authServerId!);
        const policy = findPolicy(state, server.id, request.params.policyId!);
        if (policy.system) throw validationError(['system: A system policy cannot be deleted'], 'system');
        server.policies.splice(server.policies.indexOf(policy), 1);
        return { status: 204 };
      },
    },
  ];
}
