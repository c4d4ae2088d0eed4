import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { TOKEN_HOOK_TYPE } from '../../../lambda/okta/schemas.js';
import { byPriority } from './authorization-servers.js';
import { OAuthSimError } from './errors.js';
import { callHook, type HookCallOutcome, type HookChannelAuth } from './hook-channel.js';
import { ID_PREFIX, oktaId } from './ids.js';
import type { SimAuthorizationServer, SimClient, SimInlineHook, SimPolicy, SimRule, SimState, SimUser } from './model.js';
import { applyTokenCommands, MAX_RESPONSE_BYTES, type MintedTokens, type TokenContent } from './token-patch.js';

export const MintRequestSchema = z.object({
  /** Id or name of the authorization server (`default` works for both). */
  authorizationServer: z.string().min(1),
  clientId: z.string().min(1),
  grantType: z.string().min(1),
  scopes: z.array(z.string().min(1)),
  /** User id or login; grants with a user default to the seeded user. */
  user: z.string().min(1).optional(),
  /**
   * The `/authorize` request's `response_type` (space-separated) for the browser grants: `code` for
   * `authorization_code` (the default), `token`, `id_token` or `id_token token` for `implicit` (the default
   * is `id_token token` with `openid`, else `token`), or `code` with a token for a hybrid flow (grant
   * `authorization_code`, on a client that also allows `implicit`).
   */
  responseType: z.string().min(1).optional(),
  /** Extra query parameters of the `/authorize` request, visible to the hook in `data.context.request.url.value`. */
  extraParams: z.record(z.string(), z.string()).optional(),
});
export type MintRequest = z.infer<typeof MintRequestSchema>;

export interface MintResult {
  /** The access-policy rule that matched. */
  ruleId: string;
  policyId: string;
  /** The inline hook attached to the rule, if any. */
  hookId?: string;
  /** `none`: no hook or an inactive one; `applied`: the answer (maybe no commands) changed the tokens;
   *  `skipped`: tokens issued unchanged (timeout, non-200, bad JSON, an invalid command); `error`: no token. */
  hookOutcome: 'none' | 'applied' | 'skipped' | 'error';
  reason?: string;
  /** The hook's HTTP status, when it answered. */
  status?: number;
  /** The `debugContext` of the hook's answer, which Okta writes to its System Log (a failed-open hook names its error there). */
  debugContext?: Record<string, unknown>;
  /** The access token's claims and lifetime (seconds); empty claims and 0 when no token is issued (`error`). */
  access: TokenContent;
  identity?: TokenContent;
  error?: { error: 'server_error'; error_description: string };
  /** The request Okta builds for the token hook (sent only when the rule has an active hook). */
  hookRequest: unknown;
  durationMs: number;
}

/** Grants that involve a signed-in user (and so a session, and an ID token with `openid`). */
const USER_GRANTS = new Set(['authorization_code', 'implicit', 'password', 'refresh_token', 'interaction_code']);
/**
 * Browser grants start at `/authorize`, the others at `/token`. Okta sends the authorization-code flow's
 * hook request with the `/authorize` request (`response_type=code`, no `grant_type`), as a real one shows.
 */
const AUTHORIZE_GRANTS = new Set(['authorization_code', 'implicit']);
const RESPONSE_TYPE_WORDS = new Set(['code', 'token', 'id_token']);
const IDP_ID = '00oSimOktaIdp0000g3';

export interface MintOptions {
  orgUrl: string;
  hookTimeoutMs: number;
  /** Signs client assertions for hooks with a `private_key_jwt` channel. */
  channelAuth?: HookChannelAuth;
  /** Told of every call to a hook on the token path, for the System Log (system-log.ts). */
  onHookCall?: (report: HookCallReport) => void;
}

/** One token-path call to a hook: what the hook did, what came of its answer, for whom. */
export interface HookCallReport {
  hook: SimInlineHook;
  call: HookCallOutcome;
  /** The answer's JSON object, when the hook answered 200 with one. */
  answer?: Record<string, unknown>;
  hookOutcome: MintResult['hookOutcome'];
  reason?: string;
  client: SimClient;
  user?: SimUser;
  authorizationServerId: string;
  durationMs: number;
}

/** What runHook saw, for the report. */
type HookSeen = { hook?: SimInlineHook; call?: HookCallOutcome; answer?: Record<string, unknown> };

function serverByIdOrName(state: SimState, idOrName: string): SimAuthorizationServer {
  const server = state.authorizationServers.find((s) => s.id === idOrName) ?? state.authorizationServers.find((s) => s.name === idOrName);
  if (!server) throw new OAuthSimError('invalid_request', `There is no authorization server '${idOrName}'.`, { status: 404 });
  return server;
}

function findUser(state: SimState, grantType: string, user: string | undefined): SimUser | undefined {
  if (!USER_GRANTS.has(grantType)) {
    if (user) throw new OAuthSimError('invalid_request', `The ${grantType} grant has no user.`);
    return undefined;
  }
  const found = user ? state.users.find((u) => u.id === user || u.profile.login === user) : state.users[0];
  if (!found) throw new OAuthSimError('invalid_grant', `There is no user '${user}'.`);
  return found;
}

function includes(list: unknown, value: string): boolean {
  return Array.isArray(list) && list.includes(value);
}

function ruleMatches(rule: SimRule, grantType: string, scopes: readonly string[], user: SimUser | undefined): boolean {
  const conditions = rule.conditions as {
    grantTypes?: { include?: string[] };
    scopes?: { include?: string[] };
    people?: { users?: { include?: string[]; exclude?: string[] }; groups?: { include?: string[]; exclude?: string[] } };
  };
  const grants = conditions.grantTypes?.include ?? [];
  // A refresh is evaluated like the grant that issued the refresh token.
  const grantAllowed = grants.includes(grantType) || (grantType === 'refresh_token' && grants.includes('authorization_code'));
  if (!grantAllowed) return false;
  const allowedScopes = conditions.scopes?.include ?? [];
  if (!allowedScopes.includes('*') && !scopes.every((scope) => allowedScopes.includes(scope))) return false;
  if (!user) return true;
  const people = conditions.people ?? {};
  if (includes(people.users?.exclude, user.id) || user.groups.some((g) => includes(people.groups?.exclude, g))) return false;
  const userIncludes = people.users?.include ?? [];
  const groupIncludes = people.groups?.include ?? [];
  if (userIncludes.length === 0 && groupIncludes.length === 0) return true;
  return userIncludes.includes(user.id) || user.groups.some((g) => groupIncludes.includes(g));
}

/** First match wins: active policies by priority that name the client, then their active rules by priority. */
export function matchRule(
  server: SimAuthorizationServer,
  clientId: string,
  grantType: string,
  scopes: readonly string[],
  user: SimUser | undefined,
): { policy: SimPolicy; rule: SimRule } | undefined {
  for (const policy of byPriority(server.policies)) {
    if (policy.status !== 'ACTIVE') continue;
    const clients = policy.conditions.clients.include;
    if (!clients.includes('ALL_CLIENTS') && !clients.includes(clientId)) continue;
    for (const rule of byPriority(policy.rules)) {
      if (rule.status === 'ACTIVE' && ruleMatches(rule, grantType, scopes, user)) return { policy, rule };
    }
  }
  return undefined;
}

interface MintContext {
  orgUrl: string;
  /** The `/authorize` request's response_type; undefined for a `/token` grant. */
  responseType: string | undefined;
  issuer: string;
  server: SimAuthorizationServer;
  client: SimClient;
  user: SimUser | undefined;
  request: MintRequest;
  policy: SimPolicy;
  rule: SimRule;
  authTime: number;
}

/** The response_type the `/authorize` request carries, checked as Okta checks it; undefined at `/token`. */
function responseTypeOf(request: MintRequest, client: SimClient): string | undefined {
  if (!AUTHORIZE_GRANTS.has(request.grantType)) {
    if (request.responseType) throw new OAuthSimError('invalid_request', `The ${request.grantType} grant is a /token request; response_type belongs to /authorize.`);
    return undefined;
  }
  const responseType = request.responseType ?? (request.grantType === 'authorization_code' ? 'code' : request.scopes.includes('openid') ? 'id_token token' : 'token');
  const words = responseType.split(' ').filter(Boolean);
  if (words.length === 0 || words.some((word) => !RESPONSE_TYPE_WORDS.has(word)) || new Set(words).size !== words.length) {
    throw new OAuthSimError('unsupported_response_type', `The response type '${responseType}' is not supported.`);
  }
  const code = words.includes('code');
  if (code !== (request.grantType === 'authorization_code')) {
    throw new OAuthSimError('unsupported_response_type', `The response type '${responseType}' does not go with the ${request.grantType} grant: 'code' means authorization_code (or a hybrid), no 'code' means implicit.`);
  }
  if (code && words.length > 1 && !client.grantTypes.includes('implicit')) {
    throw new OAuthSimError('unauthorized_client', `The client is not authorized to use the provided grant type 'implicit' (a hybrid response type '${responseType}').`);
  }
  return words.join(' ');
}

function randomId(size = 16): string {
  return randomBytes(size).toString('base64url');
}

function tokensBeforeHook(ctx: MintContext): MintedTokens {
  const { issuer, server, client, user, request, rule } = ctx;
  const token = (rule.actions.token ?? {}) as { accessTokenLifetimeMinutes?: number };
  const access: TokenContent = {
    claims: {
      ver: 1,
      jti: `AT.${randomId()}`,
      iss: issuer,
      aud: server.audiences[0] ?? `api://${server.id}`,
      cid: client.clientId,
      ...(user ? { uid: user.id, sub: user.profile.login, auth_time: ctx.authTime } : { sub: client.clientId }),
    },
    lifetime: (token.accessTokenLifetimeMinutes ?? 60) * 60,
  };
  // At /authorize an ID token comes with `id_token`, or later with the code; at /token with `openid`.
  const idToken = ctx.responseType === undefined || /\b(id_token|code)\b/.test(ctx.responseType);
  if (!user || !request.scopes.includes('openid') || !idToken) return { access };
  const profile = request.scopes.includes('profile');
  const email = request.scopes.includes('email');
  const identity: TokenContent = {
    claims: {
      sub: user.id,
      ...(profile ? { name: `${user.profile.firstName} ${user.profile.lastName}`, locale: user.profile.locale, zoneinfo: user.profile.timeZone } : {}),
      ...(email ? { email: user.profile.email, email_verified: true } : {}),
      ver: 1,
      iss: issuer,
      aud: client.clientId,
      jti: `ID.${randomId()}`,
      amr: ['pwd'],
      idp: IDP_ID,
      ...(request.extraParams?.nonce ? { nonce: request.extraParams.nonce } : {}),
      ...(profile ? { preferred_username: user.profile.login } : {}),
      auth_time: ctx.authTime,
    },
    lifetime: 3600,
  };
  return { access, identity };
}

/** `protocol.request`: the `/authorize` request's parameters (no grant_type), or the `/token` request's. */
function protocolRequest(ctx: MintContext, grantType: string, responseType: string | undefined): Record<string, unknown> {
  const { client, request } = ctx;
  const scope = request.scopes.join(' ');
  if (responseType === undefined) return { scope, grant_type: grantType, client_id: client.clientId };
  return {
    scope,
    state: 'sim-state',
    ...(client.redirectUri ? { redirect_uri: client.redirectUri } : {}),
    response_mode: responseType === 'code' ? 'query' : 'fragment',
    response_type: responseType,
    client_id: client.clientId,
  };
}

/** The request Okta sends to a token hook (contract §1), with this mint's real values. */
function hookRequest(ctx: MintContext, tokens: MintedTokens): Record<string, unknown> {
  const { orgUrl, issuer, server, client, user, request, policy, rule } = ctx;
  const interactive = ctx.responseType !== undefined;
  const source = `${issuer}/v1/${interactive ? 'authorize' : 'token'}`;
  let url = source;
  if (interactive) {
    const query = new URLSearchParams({
      client_id: client.clientId,
      response_type: ctx.responseType ?? 'code',
      scope: request.scopes.join(' '),
      redirect_uri: client.redirectUri ?? '',
      state: 'sim-state',
      ...request.extraParams,
    });
    url = `${source}?${query.toString()}`;
  }
  const refreshJti = request.grantType === 'refresh_token' || request.scopes.includes('offline_access') ? oktaId(ID_PREFIX.refreshToken) : undefined;
  const now = new Date();
  const protocol: Record<string, unknown> = {
    type: 'OAUTH2.0',
    request: protocolRequest(ctx, request.grantType, ctx.responseType),
    issuer: { uri: issuer },
    client: { id: client.clientId, name: client.name, type: client.type },
  };
  if (request.grantType === 'refresh_token') {
    // The refresh token came from an authorization-code flow, which started at /authorize.
    protocol.OriginalGrant = { authorization: protocolRequest(ctx, 'authorization_code', 'code'), refresh_token: { jti: refreshJti } };
  }
  const context: Record<string, unknown> = {
    request: { id: oktaId(ID_PREFIX.request), method: interactive ? 'GET' : 'POST', url: { value: url }, ipAddress: '127.0.0.1' },
    protocol,
  };
  if (user) {
    const signedIn = new Date(ctx.authTime * 1000).toISOString();
    context.session = {
      id: oktaId(ID_PREFIX.session),
      userId: user.id,
      login: user.profile.login,
      createdAt: signedIn,
      expiresAt: new Date(ctx.authTime * 1000 + 2 * 3600_000).toISOString(),
      status: 'ACTIVE',
      lastPasswordVerification: signedIn,
      amr: ['PASSWORD'],
      idp: { id: IDP_ID, type: 'OKTA' },
      mfaActive: false,
    };
    const { email: _email, ...profile } = user.profile;
    context.user = {
      id: user.id,
      passwordChanged: user.passwordChanged,
      profile,
      _links: {
        groups: { href: `${orgUrl}/api/v1/users/${user.id}/groups` },
        factors: { href: `${orgUrl}/api/v1/users/${user.id}/factors` },
      },
    };
  }
  context.policy = { id: policy.id, rule: { id: rule.id } };
  const lifetime = (content: TokenContent) => ({ lifetime: { expiration: content.lifetime } });
  return {
    source,
    eventId: randomId(),
    eventTime: now.toISOString(),
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: TOKEN_HOOK_TYPE,
    data: {
      context,
      ...(tokens.identity ? { identity: { claims: tokens.identity.claims, token: lifetime(tokens.identity) } } : {}),
      access: {
        claims: tokens.access.claims,
        token: lifetime(tokens.access),
        scopes: Object.fromEntries(request.scopes.map((scope) => [scope, { id: server.scopes[scope] ?? oktaId(ID_PREFIX.scope), action: 'GRANT' }])),
      },
      ...(refreshJti ? { refresh_token: { jti: refreshJti } } : {}),
    },
  };
}

/** The claims a token carries once minted: the hook's view plus the times and scopes Okta adds. */
function finalTokens(tokens: MintedTokens, scopes: readonly string[]): { access: TokenContent; identity?: TokenContent } {
  const iat = Math.floor(Date.now() / 1000);
  const seal = (content: TokenContent, extra: Record<string, unknown>): TokenContent => ({
    claims: { ...content.claims, iat, exp: iat + content.lifetime, ...extra },
    lifetime: content.lifetime,
  });
  const access = seal(tokens.access, { scp: [...scopes] });
  return tokens.identity ? { access, identity: seal(tokens.identity, {}) } : { access };
}

type HookStep = Pick<MintResult, 'hookOutcome' | 'reason' | 'status' | 'error' | 'debugContext'> & { tokens: MintedTokens };

async function runHook(state: SimState, ctx: MintContext, tokens: MintedTokens, payload: unknown, timeoutMs: number, channelAuth: HookChannelAuth | undefined, seen: HookSeen): Promise<HookStep & { hookId?: string }> {
  const hookId = (ctx.rule.actions.token as { inlineHook?: { id?: string } } | undefined)?.inlineHook?.id;
  if (!hookId) return { hookOutcome: 'none', tokens };
  const hook = state.inlineHooks.find((h) => h.id === hookId);
  if (!hook || hook.status !== 'ACTIVE') return { hookId, hookOutcome: 'none', reason: 'the inline hook is missing or inactive', tokens };
  const outcome = await callHook(hook, payload, timeoutMs, channelAuth);
  Object.assign(seen, { hook, call: outcome });
  const skipped = (reason: string, status?: number): HookStep & { hookId: string } => ({
    hookId,
    hookOutcome: 'skipped',
    reason,
    ...(status !== undefined ? { status } : {}),
    tokens,
  });
  if (outcome.kind === 'timeout') return skipped(`the hook did not answer within ${timeoutMs} ms`);
  if (outcome.kind === 'unreachable') return skipped(`the hook could not be reached: ${outcome.reason}`);
  if (outcome.status !== 200) return skipped(`the hook answered HTTP ${outcome.status}`, outcome.status);
  if (Buffer.byteLength(outcome.text) > MAX_RESPONSE_BYTES) return skipped('the hook response is larger than 256 KB', 200);
  let body: unknown;
  try {
    body = JSON.parse(outcome.text);
  } catch {
    return skipped('could not deserialize inline hook response', 200);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return skipped('could not deserialize inline hook response', 200);
  const answer = body as { commands?: unknown; error?: unknown; debugContext?: unknown };
  seen.answer = answer;
  const debugContext = answer.debugContext !== null && typeof answer.debugContext === 'object' && !Array.isArray(answer.debugContext) ? { debugContext: answer.debugContext as Record<string, unknown> } : {};
  if (answer.error !== undefined && answer.error !== null) {
    const summary = (answer.error as { errorSummary?: unknown }).errorSummary;
    return {
      hookId,
      hookOutcome: 'error',
      status: 200,
      error: { error: 'server_error', error_description: typeof summary === 'string' && summary ? summary : 'The callback service returned an error' },
      tokens,
    };
  }
  const verdict = applyTokenCommands(answer.commands, tokens);
  if (!verdict.ok) return skipped(`the patch was skipped: ${verdict.reason}`, 200);
  return { hookId, hookOutcome: 'applied', status: 200, ...debugContext, tokens: verdict.tokens };
}

/**
 * Okta's token path on a custom authorization server: the client and scopes are checked, the first
 * matching rule is found, its token hook (if any) is called once under the timeout, and its answer
 * applied. Throws `OAuthSimError` where Okta would refuse the token request itself.
 */
export async function mintTokens(state: SimState, request: MintRequest, options: MintOptions): Promise<MintResult> {
  const started = performance.now();
  const server = serverByIdOrName(state, request.authorizationServer);
  const client = state.clients.find((c) => c.clientId === request.clientId);
  if (!client) throw new OAuthSimError('invalid_client', 'The client_id provided is not valid.', { status: 401 });
  if (!client.grantTypes.includes(request.grantType)) {
    throw new OAuthSimError('unauthorized_client', `The client is not authorized to use the provided grant type '${request.grantType}'.`);
  }
  const responseType = responseTypeOf(request, client);
  const unknownScopes = request.scopes.filter((scope) => !(scope in server.scopes));
  if (unknownScopes.length > 0) throw new OAuthSimError('invalid_scope', `One or more scopes are not configured for the authorization server resource: ${unknownScopes.join(', ')}`);
  const user = findUser(state, request.grantType, request.user);
  const matched = matchRule(server, client.clientId, request.grantType, request.scopes, user);
  if (!matched) throw new OAuthSimError('access_denied', 'Policy evaluation failed for this request, please check the policy configurations.');

  const issuer = `${options.orgUrl}/oauth2/${server.id}`;
  const ctx: MintContext = {
    orgUrl: options.orgUrl,
    responseType,
    issuer,
    server,
    client,
    user,
    request,
    policy: matched.policy,
    rule: matched.rule,
    authTime: Math.floor(Date.now() / 1000) - 60,
  };
  const before = tokensBeforeHook(ctx);
  const payload = hookRequest(ctx, before);
  const seen: HookSeen = {};
  const hookStarted = performance.now();
  const step = await runHook(state, ctx, before, structuredClone(payload), options.hookTimeoutMs, options.channelAuth, seen);
  const { tokens, ...outcome } = step;
  if (seen.hook && seen.call) {
    options.onHookCall?.({
      hook: seen.hook,
      call: seen.call,
      ...(seen.answer ? { answer: seen.answer } : {}),
      hookOutcome: outcome.hookOutcome,
      ...(outcome.reason ? { reason: outcome.reason } : {}),
      client,
      ...(user ? { user } : {}),
      authorizationServerId: server.id,
      durationMs: Math.round(performance.now() - hookStarted),
    });
  }
  const minted = outcome.hookOutcome === 'error' ? { access: { claims: {}, lifetime: 0 } } : finalTokens(tokens, request.scopes);
  return {
    ruleId: matched.rule.id,
    policyId: matched.policy.id,
    ...outcome,
    ...minted,
    hookRequest: payload,
    durationMs: Math.round(performance.now() - started),
  };
}
