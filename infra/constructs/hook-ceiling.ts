/**
 * The hook's concurrency ceiling. Its Function URL is public (Okta cannot sign requests), so without a
 * ceiling a flood of unauthenticated calls could take the account's whole Lambda concurrency.
 *
 * Okta itself bounds how many calls a real org can have in flight: a token hook call belongs to a token
 * request, and Okta limits an org to 75 simultaneous requests (its concurrent rate limit for all
 * traffic but Office 365, Workforce and Customer Identity orgs; 35 on the Integrator free plan; more
 * with DynamicScale). So 75 reserved executions never throttle Okta, however slow the hook gets.
 */
export const OKTA_ORG_CONCURRENCY_LIMIT = 75;

/** Lambda refuses a reservation that leaves the account fewer unreserved executions than this. */
export const LAMBDA_MIN_UNRESERVED = 100;

export interface CeilingInput {
  /**
   * Token requests per second the org makes at its peak. Each call holds an execution for at most the
   * timeout, so rate × timeout executions always suffice (Little's law at the worst duration).
   */
  readonly expectedTokensPerSecond?: number;
  /** The hook function's timeout in whole seconds. */
  readonly timeoutSeconds: number;
  /** Warm instances on the alias; Lambda needs reserved ≥ provisioned. */
  readonly provisionedConcurrency?: number;
}

/**
 * The default reserved concurrency: what the expected token rate needs at the worst duration, never
 * above what Okta can have in flight, and never below the provisioned instances.
 */
export function defaultReservedConcurrency(input: CeilingInput): number {
  const rate = input.expectedTokensPerSecond;
  const needed = rate === undefined ? OKTA_ORG_CONCURRENCY_LIMIT : Math.ceil(rate * input.timeoutSeconds);
  return Math.max(Math.min(needed, OKTA_ORG_CONCURRENCY_LIMIT), input.provisionedConcurrency ?? 1, 1);
}
