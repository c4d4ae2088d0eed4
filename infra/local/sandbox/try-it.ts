import type { MintRequest } from '../okta-simulator/index.js';

export interface TryItFacts {
  readonly oktaUrl: string;
  readonly apiToken: string;
  readonly hookUrl: string;
  readonly authHeader: string;
  /** Undefined when Okta authenticates with OAuth 2.0: the hook then wants a token Okta fetched. */
  readonly apiKey: string | undefined;
  readonly environment: string;
  readonly mint: MintRequest;
}

/** The commands a person can paste to poke the running sandbox. */
export function tryItText(f: TryItFacts): string {
  const cli = `OKTA_ORG_URL=${f.oktaUrl} OKTA_API_TOKEN=${f.apiToken} npx okta-token-hook`;
  return `try it:
  mint a token (Okta's token path, calls the hook):
    curl -s ${f.oktaUrl}/__sim/mint -H 'content-type: application/json' -d '${JSON.stringify(f.mint)}'
${
    f.apiKey
      ? `  call the hook as Okta does:
    curl -si ${f.hookUrl} -H 'content-type: application/json' -H '${f.authHeader}: ${f.apiKey}' --data @test/fixtures/token-hook/authorization-code.json
`
      : `  call the hook without a token (OAuth 2.0: only a token Okta fetched for the hook passes; this gets 401):
    curl -si ${f.hookUrl} -H 'content-type: application/json' --data @test/fixtures/token-hook/authorization-code.json
`
  }  the simulator's state (hooks, rules):
    curl -s ${f.oktaUrl}/__sim/state
  the operator CLI against this org:
    ${cli} status --env ${f.environment} --hook-url ${f.hookUrl}
    ${cli} verify --env ${f.environment}
`;
}
