import { OktaApiError } from './errors.js';
import type { OktaLog } from './log.js';
import { backoffDelayMs, rateLimitWaitMs, type RetryPolicy } from './retry-policy.js';

/**
 * Sends one logical request with retries, per-attempt timeouts and an overall deadline. It returns the
 * final answer whatever its status; turning a non-2xx answer into an error is the caller's business
 * (the token endpoint and the management API word their errors differently).
 */

export interface HttpAttempt {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Attempts made, the first included. */
  readonly attempts: number;
  /** Why the retries stopped early, when they did (e.g. a 429 reset beyond the deadline). */
  readonly gaveUp?: string;
}

export interface ExchangeRequest {
  readonly operation: string;
  /**
   * Whether sending twice is harmless. A non-idempotent request is retried only when Okta surely did
   * not process it (429, connection refused); after a timeout, a dropped connection or a 5xx it may
   * have been applied, so it fails with `outcomeUnknown` and the caller checks instead.
   */
  readonly idempotent: boolean;
  /** Retry 5xx answers. Off for calls whose 5xx is a verdict, not an outage (`/execute`). @default true */
  readonly retryServerErrors?: boolean;
  /** Epoch ms after which no attempt starts and running ones are aborted. */
  readonly deadlineMs?: number;
  /** Replaces the policy's `maxRateLimitWaitMs` for this call (the deadline still bounds the wait). */
  readonly maxRateLimitWaitMs?: number;
  readonly signal?: AbortSignal;
  /** Builds each attempt afresh (new auth headers, new DPoP proof). */
  build(): Promise<HttpAttempt>;
  /**
   * Sees every non-2xx answer first; `true` means the auth state changed (token refreshed, DPoP nonce
   * adopted) and the request should be sent again at once. Bounded to `MAX_REAUTHORIZATIONS` per call.
   */
  reauthorize?(result: HttpResult): Promise<boolean> | boolean;
}

export interface TransportOptions {
  readonly fetch: typeof fetch;
  readonly retry: RetryPolicy;
  readonly callTimeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly random: () => number;
  readonly log: OktaLog;
}

const MAX_REAUTHORIZATIONS = 2;

// Connection never established: the request surely did not reach Okta, so even a create may be resent.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = cause?.code ?? (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

export function createTransport(options: TransportOptions) {
  const { retry, log, now } = options;

  /** One HTTP attempt, aborted after `timeoutMs` or by the caller's signal. */
  async function attemptOnce(
    request: ExchangeRequest,
    attempt: HttpAttempt,
    timeoutMs: number,
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    const response = await options.fetch(attempt.url, {
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body,
      signal,
      redirect: 'manual',
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  async function exchange(request: ExchangeRequest): Promise<HttpResult> {
    const { operation } = request;
    let reauthorizations = 0;
    for (let attemptNumber = 1; ; attemptNumber++) {
      if (request.deadlineMs !== undefined && now() >= request.deadlineMs) {
        throw new OktaApiError(
          `okta call ${operation} was not started: the deadline passed; give the whole operation more time`,
          { operation, status: 0, kind: 'deadline', attempts: attemptNumber - 1 },
        );
      }
      const attempt = await request.build();
      const started = now();
      const remaining = request.deadlineMs === undefined ? Infinity : request.deadlineMs - started;
      // The attempt ends at its own limit or at the deadline, whichever comes first.
      const cutByDeadline = remaining <= options.callTimeoutMs;
      let answer: { status: number; headers: Headers; text: string };
      try {
        answer = await attemptOnce(request, attempt, Math.min(options.callTimeoutMs, remaining));
      } catch (error) {
        const code = errorCode(error);
        const aborted = isAbort(error);
        const deadlineHit = (aborted && cutByDeadline) || (request.deadlineMs !== undefined && now() >= request.deadlineMs);
        const externallyAborted = request.signal?.aborted === true;
        const notSent = code !== undefined && NOT_SENT_CODES.has(code);
        log({
          event: 'okta.request.failed',
          operation,
          method: attempt.method,
          path: pathOf(attempt.url),
          attempt: attemptNumber,
          reason: aborted ? 'timeout' : (code ?? 'network'),
          durationMs: now() - started,
        });
        const retryable = (request.idempotent || notSent) && !externallyAborted && attemptNumber < retry.maxAttempts;
        const wait = backoffDelayMs(attemptNumber, retry, options.random);
        const fits = request.deadlineMs === undefined || now() + wait < request.deadlineMs;
        if (retryable && fits && !deadlineHit) {
          log({ event: 'okta.retry', operation, attempt: attemptNumber, waitMs: wait, reason: aborted ? 'timeout' : 'network' });
          await options.sleep(wait);
          continue;
        }
        const kind = deadlineHit || externallyAborted ? 'deadline' : aborted ? 'timeout' : 'network';
        const what = externallyAborted
          ? 'was aborted by its caller'
          : kind === 'deadline'
            ? 'did not finish before the deadline; give the whole operation more time'
            : kind === 'timeout'
              ? `got no answer within ${options.callTimeoutMs} ms; check that the org URL is reachable from here`
              : `could not reach okta (${code ?? 'network error'}); check the org URL and the network path to it`;
        throw new OktaApiError(`okta call ${operation} ${what}`, {
          operation,
          status: 0,
          kind,
          attempts: attemptNumber,
          outcomeUnknown: !notSent,
          cause: error,
        });
      }

      const requestId = answer.headers.get('x-okta-request-id') ?? undefined;
      log({
        event: 'okta.request',
        operation,
        method: attempt.method,
        path: pathOf(attempt.url),
        status: answer.status,
        requestId,
        attempt: attemptNumber,
        durationMs: now() - started,
      });
      const result: HttpResult = { ...answer, attempts: attemptNumber };
      if (answer.status < 300) return result;

      if (request.reauthorize && reauthorizations < MAX_REAUTHORIZATIONS && (await request.reauthorize(result))) {
        reauthorizations++;
        attemptNumber--; // a re-authorization is not a failed attempt
        continue;
      }

      const rateLimited = answer.status === 429;
      const serverError = answer.status >= 500 && (request.retryServerErrors ?? true);
      // A 429 is refused before processing; a 5xx on a non-idempotent request may have been applied.
      if (!rateLimited && !(serverError && request.idempotent)) return result;
      if (attemptNumber >= retry.maxAttempts) return result;

      const resetWait = rateLimited ? rateLimitWaitMs(answer.headers, now()) : undefined;
      const wait = resetWait ?? backoffDelayMs(attemptNumber, retry, options.random);
      if (resetWait !== undefined && resetWait > (request.maxRateLimitWaitMs ?? retry.maxRateLimitWaitMs)) {
        return { ...result, gaveUp: `the rate limit resets in ${Math.ceil(resetWait / 1000)} s, longer than the allowed wait` };
      }
      if (request.deadlineMs !== undefined && now() + wait >= request.deadlineMs) {
        return { ...result, gaveUp: `the next attempt (in ${Math.ceil(wait / 1000)} s) would pass the deadline` };
      }
      log({ event: 'okta.retry', operation, attempt: attemptNumber, waitMs: wait, reason: `status-${answer.status}`, requestId });
      await options.sleep(wait);
    }
  }

  return { exchange };
}

export type Transport = ReturnType<typeof createTransport>;
