import { FAILED_OPEN_CONTEXT_KEY } from '../../../lambda/token-hook/errors.js';
import { renderClaimsTable, summarizeChanges } from '../../cli/claims-table.js';
import type { MintRequest, MintResult } from '../okta-simulator/index.js';
import { SEED } from '../okta-simulator/index.js';
import { tokenView } from './token-views.js';

/** The two sample clients the sandbox mints for: a user signing in to a web app, and a service app. */
export function sampleMints(authorizationServer: string): { title: string; request: MintRequest }[] {
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
