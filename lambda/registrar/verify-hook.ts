import type { OktaApi } from '../okta/okta-api.js';
import { OktaApiError } from '../okta/errors.js';
import { HookVerificationError } from './errors.js';
import { FAILED_OPEN_CONTEXT_KEY } from '../token-hook/errors.js';
import { TokenHookResponseSchema } from './hook-response-schema.js';

export interface VerifyOptions {
  /** Tries before giving up (a cold start can fail the first one). */
  readonly tries: number;
  /** Wait between tries. */
  readonly delayMs: number;
  /** No new try starts after this long. */
  readonly withinMs: number;
}

export const DEFAULT_VERIFY: VerifyOptions = { tries: 3, delayMs: 2_000, withinMs: 30_000 };

export interface VerifyDeps {
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly log: (event: object) => void;
}

// Okta's answers when the hook could not be reached or answered badly (contract §3.6): worth another try.
const TRANSIENT_STATUSES = new Set([400, 502, 504]);

function describeAnswer(error: unknown): string {
  if (error instanceof OktaApiError) {
    return `okta answered ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''}${error.errorSummary ? ` (${error.errorSummary})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Has Okta call the hook through `/execute` and requires a valid 200 answer without `error`. A hook that
 * cannot be reached is tried again (bounded in tries and time); an answer that is wrong is final.
 */
export async function verifyHook(
  api: OktaApi,
  hookId: string,
  payload: object,
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<void> {
  const started = deps.now();
  let lastReason = 'not tried';
  for (let attempt = 1; attempt <= options.tries; attempt += 1) {
    let answer: unknown;
    try {
      answer = await api.executeInlineHook(hookId, payload);
    } catch (error) {
      // Status 0: no answer from Okta in time, after the client's own retries; worth another try too.
      const transient =
        error instanceof OktaApiError && (error.status === 0 || error.status >= 500 || TRANSIENT_STATUSES.has(error.status));
      if (!transient) throw error;
      lastReason = describeAnswer(error);
      deps.log({ event: 'verify-retry', hookId, attempt, reason: lastReason });
      if (attempt < options.tries && deps.now() - started + options.delayMs <= options.withinMs) {
        await deps.sleep(options.delayMs);
        continue;
      }
      break;
    }
    const parsed = TokenHookResponseSchema.safeParse(answer ?? {});
    if (!parsed.success) {
      throw new HookVerificationError(
        `hook ${hookId} answered okta's /execute with a body that is not a token hook response ` +
          `(${parsed.error.issues.map((i) => `${i.path.join('.') || '/'}: ${i.message}`).join('; ')}): ` +
          'fix the hook, then redeploy',
      );
    }
    if (parsed.data.error) {
      throw new HookVerificationError(
        `hook ${hookId} answered okta's /execute with an error ("${parsed.data.error.errorSummary ?? ''}"): ` +
          'fix the claim logic (rules, transform) so that it works on the sample request (npx okta-token-hook preview runs it locally), and see the hook logs',
      );
    }
    const failedOpen = parsed.data.debugContext?.[FAILED_OPEN_CONTEXT_KEY];
    if (failedOpen !== undefined) {
      throw new HookVerificationError(
        `hook ${hookId} failed open on okta's /execute (${String(failedOpen)}): its claim logic fails on the sample request, ` +
          'so real tokens would be issued without the claims; check the hook logs, fix the claim logic, then redeploy',
      );
    }
    deps.log({ event: 'verified', hookId, attempt });
    return;
  }
  throw new HookVerificationError(
    `hook ${hookId} did not answer okta's /execute with a valid 200 (${lastReason}): check that the ` +
      'function url is reachable from okta, that the hook reads the same api key secret, and the hook logs',
  );
}
