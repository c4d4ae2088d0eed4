import {
  byPriority,
  createRule,
  createServer,
  deleteRule,
  deleteServer,
  findPolicy,
  findRule,
  findServer,
  listServers,
  replaceRule,
  replaceServer,
  setPolicyStatus,
  setRuleStatus,
  setServerStatus,
} from './authorization-servers.js';
import { validationError } from './errors.js';
import {
  createInlineHook,
  deleteInlineHook,
  findInlineHook,
  replaceInlineHook,
  setInlineHookStatus,
} from './inline-hooks.js';
import type { SimInlineHook, SimState } from './model.js';
import type { Route, SimAnswer, SimRequest } from './router.js';
import { authorizationServerView, inlineHookView, policyView, ruleView } from './views.js';

/** What the management operations need from the running simulator. */
export interface ManagementContext {
  readonly state: SimState;
  orgUrl(): string;
  now(): string;
  /** Okta's `/execute`: calls the hook through its channel and answers with its response or an error. */
  executeInlineHook(hook: SimInlineHook, payload: unknown): Promise<SimAnswer>;
  /** Called after a rule GET is answered: the place where a console admin's edit lands. */
  afterRuleRead(serverId: string, policyId: string, ruleId: string): (() => void) | undefined;
}

const HOOKS_READ = 'okta.inlineHooks.read';
const HOOKS_MANAGE = 'okta.inlineHooks.manage';
const AS_READ = 'okta.authorizationServers.read';
const AS_MANAGE = 'okta.authorizationServers.manage';
const MAX_PAGE = 200;

const ok = (body: unknown): SimAnswer => ({ status: 200, body });
const noContent = (): SimAnswer => ({ status: 204 });

/** The management API operations the simulator implements, named by the spec's operationIds. */
export function managementRoutes(ctx: ManagementContext): Route[] {
  const hooks = '/api/v1/inlineHooks';
  const hook = `${hooks}/{inlineHookId}`;
  const servers = '/api/v1/authorizationServers';
  const server = `${servers}/{authServerId}`;
  const policy = `${server}/policies/{policyId}`;
  const rule = `${policy}/rules/{ruleId}`;
  const hookView = (h: SimInlineHook) => inlineHookView(ctx.orgUrl(), h);

  const route = (
    method: string,
    template: string,
    operationId: string,
    scope: string,
    handle: (request: SimRequest, params: Record<string, string>) => SimAnswer | Promise<SimAnswer>,
    body?: 'json',
  ): Route => ({
    method,
    template,
    operationId,
    scope,
    auth: 'management',
    bucket: '/api/v1',
    ...(body ? { body } : {}),
    handle: (request) => handle(request, request.params as Record<string, string>),
  });

  return [
    route('GET', hooks, 'listInlineHooks', HOOKS_READ, (request) => {
      const type = request.query.get('type');
      return ok(ctx.state.inlineHooks.filter((h) => !type || h.type === type).map((h) => hookView(h)));
    }),
    route('POST', hooks, 'createInlineHook', HOOKS_MANAGE, (request) => ok(hookView(createInlineHook(ctx.state, request.body, ctx.now()))), 'json'),
    route('GET', hook, 'getInlineHook', HOOKS_READ, (_, p) => ok(hookView(findInlineHook(ctx.state, p.inlineHookId!)))),
    route('PUT', hook, 'replaceInlineHook', HOOKS_MANAGE, (request, p) => ok(hookView(replaceInlineHook(ctx.state, p.inlineHookId!, request.body, ctx.now()))), 'json'),
    route('POST', hook, 'updateInlineHook', HOOKS_MANAGE, (request, p) => ok(hookView(replaceInlineHook(ctx.state, p.inlineHookId!, request.body, ctx.now()))), 'json'),
    route('DELETE', hook, 'deleteInlineHook', HOOKS_MANAGE, (_, p) => {
      deleteInlineHook(ctx.state, p.inlineHookId!);
      return noContent();
    }),
    route('POST', `${hook}/lifecycle/activate`, 'activateInlineHook', HOOKS_MANAGE, (_, p) =>
      ok(hookView(setInlineHookStatus(ctx.state, p.inlineHookId!, 'ACTIVE', ctx.now()))),
    ),
    route('POST', `${hook}/lifecycle/deactivate`, 'deactivateInlineHook', HOOKS_MANAGE, (_, p) =>
      ok(hookView(setInlineHookStatus(ctx.state, p.inlineHookId!, 'INACTIVE', ctx.now()))),
    ),
    route(
      'POST',
      `${hook}/execute`,
      'executeInlineHook',
      HOOKS_MANAGE,
      async (request, p) => {
        const found = findInlineHook(ctx.state, p.inlineHookId!);
        if (request.body === null || typeof request.body !== 'object' || Array.isArray(request.body)) {
          throw validationError(['body: The execute request must be the JSON payload Okta would send to the hook']);
        }
        return ctx.executeInlineHook(found, request.body);
      },
      'json',
    ),

    route('GET', servers, 'listAuthorizationServers', AS_READ, (request) => listServersPage(ctx, request)),
    route('POST', servers, 'createAuthorizationServer', AS_MANAGE, (request) => ({
      status: 201,
      body: authorizationServerView(ctx.orgUrl(), createServer(ctx.state, request.body, ctx.now())),
    }), 'json'),
    route('GET', server, 'getAuthorizationServer', AS_READ, (_, p) => ok(authorizationServerView(ctx.orgUrl(), findServer(ctx.state, p.authServerId!)))),
    route('PUT', server, 'replaceAuthorizationServer', AS_MANAGE, (request, p) =>
      ok(authorizationServerView(ctx.orgUrl(), replaceServer(ctx.state, p.authServerId!, request.body, ctx.now()))), 'json'),
    route('DELETE', server, 'deleteAuthorizationServer', AS_MANAGE, (_, p) => {
      deleteServer(ctx.state, p.authServerId!);
      return noContent();
    }),
    route('POST', `${server}/lifecycle/activate`, 'activateAuthorizationServer', AS_MANAGE, (_, p) => {
      setServerStatus(ctx.state, p.authServerId!, 'ACTIVE', ctx.now());
      return noContent();
    }),
    route('POST', `${server}/lifecycle/deactivate`, 'deactivateAuthorizationServer', AS_MANAGE, (_, p) => {
      setServerStatus(ctx.state, p.authServerId!, 'INACTIVE', ctx.now());
      return noContent();
    }),
    route('GET', `${server}/policies`, 'listAuthorizationServerPolicies', AS_READ, (_, p) =>
      ok(byPriority(findServer(ctx.state, p.authServerId!).policies).map((x) => policyView(ctx.orgUrl(), p.authServerId!, x))),
    ),
    route('GET', policy, 'getAuthorizationServerPolicy', AS_READ, (_, p) =>
      ok(policyView(ctx.orgUrl(), p.authServerId!, findPolicy(ctx.state, p.authServerId!, p.policyId!))),
    ),
    route('POST', `${policy}/lifecycle/activate`, 'activateAuthorizationServerPolicy', AS_MANAGE, (_, p) => {
      setPolicyStatus(ctx.state, p.authServerId!, p.policyId!, 'ACTIVE', ctx.now());
      return noContent();
    }),
    route('POST', `${policy}/lifecycle/deactivate`, 'deactivateAuthorizationServerPolicy', AS_MANAGE, (_, p) => {
      setPolicyStatus(ctx.state, p.authServerId!, p.policyId!, 'INACTIVE', ctx.now());
      return noContent();
    }),
    route(
      'POST',
      `${policy}/rules`,
      'createAuthorizationServerPolicyRule',
      AS_MANAGE,
      (request, p) => ({
        status: 201,
        body: ruleView(ctx.orgUrl(), p.authServerId!, p.policyId!, createRule(ctx.state, p.authServerId!, p.policyId!, request.body, ctx.now())),
      }),
      'json',
    ),
    route('DELETE', rule, 'deleteAuthorizationServerPolicyRule', AS_MANAGE, (_, p) => {
      deleteRule(ctx.state, p.authServerId!, p.policyId!, p.ruleId!);
      return noContent();
    }),
    route('GET', `${policy}/rules`, 'listAuthorizationServerPolicyRules', AS_READ, (_, p) =>
      ok(byPriority(findPolicy(ctx.state, p.authServerId!, p.policyId!).rules).map((r) => ruleView(ctx.orgUrl(), p.authServerId!, p.policyId!, r))),
    ),
    route('GET', rule, 'getAuthorizationServerPolicyRule', AS_READ, (_, p) => {
      const found = findRule(ctx.state, p.authServerId!, p.policyId!, p.ruleId!);
      const afterAnswer = ctx.afterRuleRead(p.authServerId!, p.policyId!, p.ruleId!);
      return { ...ok(ruleView(ctx.orgUrl(), p.authServerId!, p.policyId!, found)), ...(afterAnswer ? { afterAnswer } : {}) };
    }),
    route(
      'PUT',
      rule,
      'replaceAuthorizationServerPolicyRule',
      AS_MANAGE,
      (request, p) => ok(ruleView(ctx.orgUrl(), p.authServerId!, p.policyId!, replaceRule(ctx.state, p.authServerId!, p.policyId!, p.ruleId!, request.body, ctx.now()))),
      'json',
    ),
    route('POST', `${rule}/lifecycle/activate`, 'activateAuthorizationServerPolicyRule', AS_MANAGE, (_, p) => {
      setRuleStatus(ctx.state, p.authServerId!, p.policyId!, p.ruleId!, 'ACTIVE', ctx.now());
      return noContent();
    }),
    route('POST', `${rule}/lifecycle/deactivate`, 'deactivateAuthorizationServerPolicyRule', AS_MANAGE, (_, p) => {
      setRuleStatus(ctx.state, p.authServerId!, p.policyId!, p.ruleId!, 'INACTIVE', ctx.now());
      return noContent();
    }),
  ];
}

/** Cursor pagination like Okta's: `limit` (max 200), `after` = the last id of the previous page, `Link` headers. */
function listServersPage(ctx: ManagementContext, request: SimRequest): SimAnswer {
  const all = listServers(ctx.state, request.query.get('q'));
  const limitParam = Number(request.query.get('limit') ?? MAX_PAGE);
  const limit = Number.isInteger(limitParam) && limitParam > 0 ? Math.min(limitParam, MAX_PAGE) : MAX_PAGE;
  const after = request.query.get('after');
  const start = after ? all.findIndex((s) => s.id === after) + 1 : 0;
  const page = all.slice(start, start + limit);
  const base = `${ctx.orgUrl()}/api/v1/authorizationServers`;
  const query = (extra: Record<string, string>) => {
    const params = new URLSearchParams(request.query);
    for (const [key, value] of Object.entries(extra)) params.set(key, value);
    const text = params.toString();
    return text ? `${base}?${text}` : base;
  };
  const links = [`<${query({})}>; rel="self"`];
  const last = page.at(-1);
  if (last && start + limit < all.length) links.push(`<${query({ after: last.id, limit: String(limit) })}>; rel="next"`);
  return { status: 200, body: page.map((s) => authorizationServerView(ctx.orgUrl(), s)), headers: { Link: links.join(', ') } };
}
