import { FAILED_OPEN_CONTEXT_KEY } from '../../../lambda/token-hook/errors.js';
import { renderClaimsTable, summarizeChanges } from '../../cli/claims-table.js';
import type { MintRequest, MintResult, SimAuthorizationServer } from '../okta-simulator/index.js';
import { matchRule, OIDC_SCOPES, SEED, seedState } from '../okta-simulator/index.js';
import { tokenView } from './token-views.js';

export interface SampleMint {
  readonly title: string;
  readonly request: MintRequest;
}

/** The two sample clients the sandbox mints for: a user signing in to a web app, and a service app. */
export function sampleMints(authorizationServer: string): SampleMint[] {
  return [
    {
      title: `${SEED.webClient.name} (${SEED.webClient.clientId}): ${SEED.user.login} signs in, authorization code`,
      request: {
        authorizationServer,
        clientId: SEED.webClient.clientId,
        grantType: 'authorization_code',
        scopes: ['openid', 'profile', 'email'],
        user: SEED.user.login,
        extraParams: { campaign: 'spring-sale' },
      },
    },
    {
      title: `${SEED.serviceClient.name} (${SEED.serviceClient.clientId}): client credentials, no user`,
      request: {
        authorizationServer,
        clientId: SEED.serviceClient.clientId,
        grantType: 'client_credentials',
        scopes: ['orders:read'],
      },
    },
  ];
}

/** The rule Okta's rule matching sends `request` through on `server`, if any. */
function ruleReachedBy(server: SimAuthorizationServer, request: MintRequest): string | undefined {
  const { users } = seedState();
  const user = request.grantType === 'client_credentials' ? undefined : users.find((u) => u.profile.login === (request.user ?? SEED.user.login));
  return matchRule(server, request.clientId, request.grantType, request.scopes, user)?.rule.id;
}

/**
 * A request of a seeded client that goes through `ruleId` of `server`: a grant and scopes the rule's
 * conditions allow that no rule before it takes, found with the simulator's own rule matching; none
 * when no seeded client can reach it.
 */
function sampleThroughRule(server: SimAuthorizationServer, ruleId: string): SampleMint | undefined {
  const rule = server.policies.flatMap((p) => p.rules).find((r) => r.id === ruleId);
  const ownScopes = Object.keys(server.scopes).filter((scope) => !(scope in OIDC_SCOPES));
  const candidates: MintRequest[] = [
    ...[SEED.user.login, SEED.otherUser.login].flatMap((user) =>
      [['openid', 'profile', 'email'], ...ownScopes.map((scope) => ['openid', scope])].map((scopes) => ({
        authorizationServer: server.id,
        clientId: SEED.webClient.clientId,
        grantType: 'authorization_code',
        scopes,
        user,
      })),
    ),
    ...ownScopes.map((scope) => ({ authorizationServer: server.id, clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: [scope] })),
  ];
  const request = candidates.find((candidate) => ruleReachedBy(server, candidate) === ruleId);
  if (!rule || !request) return undefined;
  const client = request.clientId === SEED.webClient.clientId ? SEED.webClient : SEED.serviceClient;
  const who = request.user ? `${request.user} signs in, authorization code` : 'client credentials, no user';
  return {
    title: `${client.name} (${client.clientId}) through rule '${rule.name}' of authorization server '${server.name}': ${who}, scope ${request.scopes.join(' ')}`,
    request,
  };
}

/**
 * The two sample clients on the first target's authorization server, then, for every rule the hook is
 * attached to that neither reaches, a request that goes through it: tokens minted through each rule.
 * `unreachable` names the rules no seeded client reaches.
 */
export function sampleMintsThrough(
  servers: readonly SimAuthorizationServer[],
  firstServer: string,
  rules: readonly { readonly authServerId: string; readonly ruleId: string }[],
): { samples: SampleMint[]; unreachable: string[] } {
  const serverOf = (idOrName: string) => servers.find((s) => s.id === idOrName || s.name === idOrName);
  const samples = sampleMints(firstServer);
  const reached = new Set(
    samples.map((sample) => {
      const server = serverOf(sample.request.authorizationServer);
      return server ? `${server.id}/${ruleReachedBy(server, sample.request)}` : '';
    }),
  );
  const unreachable: string[] = [];
  for (const { authServerId, ruleId } of rules) {
    if (reached.has(`${authServerId}/${ruleId}`)) continue;
    const server = serverOf(authServerId);
    const sample = server && sampleThroughRule(server, ruleId);
    if (sample) samples.push(sample);
    else unreachable.push(ruleId);
  }
  return { samples, unreachable };
}

interface SentTokens {
  data?: { access?: { claims?: Record<string, unknown> }; identity?: { claims?: Record<string, unknown> } };
}

function lifetimeText(before: number | undefined, after: number): string {
  return before === undefined || before === after ? `lifetime ${after} s` : `lifetime ${before} s -> ${after} s`;
}

/** The lines that show what one minted token request got: the hook's outcome and a table per token. */
export function renderMint(title: string, result: MintResult): string[] {
  const lines = [title];
  const failedOpen = result.debugContext?.[FAILED_OPEN_CONTEXT_KEY];
  const outcome =
    result.hookOutcome === 'none'
      ? `no hook ran${result.reason ? `: ${result.reason}` : ' (the matching rule has none)'}`
      : result.hookOutcome === 'applied'
        ? failedOpen !== undefined
          ? `hook ${result.hookId} failed open (${String(failedOpen)}): Okta issued the tokens unchanged`
          : `hook ${result.hookId} answered ${result.status}, Okta applied its commands`
        : result.hookOutcome === 'skipped'
          ? `hook ${result.hookId}: ${result.reason ?? 'skipped'}; Okta issued the tokens unchanged`
          : `hook ${result.hookId} denied the request: ${result.error?.error_description ?? ''}; no token`;
  lines.push(`  rule ${result.ruleId} matched; ${outcome} (${result.durationMs} ms)`);
  if (result.hookOutcome === 'error') return lines;
  const sent = (result.hookRequest ?? {}) as SentTokens;
  const tokens = [
    { kind: 'access', title: 'access token', minted: result.access, sent: sent.data?.access },
    { kind: 'identity', title: 'ID token', minted: result.identity, sent: sent.data?.identity },
  ] as const;
  for (const token of tokens) {
    if (!token.minted) continue;
    // Without a hook call, the token is what Okta issues unchanged.
    const view = tokenView(token.kind, token.sent ?? { claims: token.minted.claims, token: { lifetime: { expiration: token.minted.lifetime } } }, token.minted);
    lines.push('', `  ${token.title}: ${summarizeChanges(view.before, view.after)}, ${lifetimeText(view.lifetimeBefore, view.lifetimeAfter)}`);
    lines.push(...renderClaimsTable(view.before, view.after).split('\n').map((line) => `  ${line}`));
  }
  return lines;
}
