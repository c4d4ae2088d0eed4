import type { HookConfig } from '../shared/hook-config.js';
import { jsonResult, type FunctionUrlResult } from './function-url.js';
import { verificationFailureSummary } from './verification.js';

/**
 * A request the hook refuses (405, 413, 415, 401, 400). `expose` says whether the message may go to the
 * caller; details are JSON pointers and problem kinds, never values from the request.
 */
export class HookRequestError extends Error {
  override readonly name = 'HookRequestError';
  constructor(
    readonly statusCode: 400 | 401 | 405 | 413 | 415,
    message: string,
    readonly options: { readonly expose?: boolean; readonly headers?: Record<string, string>; readonly details?: unknown } = {},
  ) {
    super(message);
  }
}

/** The hook did not finish within its deadline; the failure mode decides what Okta gets. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
}

/** What the client sees when the hook fails closed: nothing about the cause. */
export const CLOSED_FAILURE_SUMMARY = 'the token hook could not process this request';

/** The `debugContext` key of a failed-open answer; its value is the error's class. */
export const FAILED_OPEN_CONTEXT_KEY = 'failedOpen';

export type FailureOutcome = 'rejected' | 'unauthorized' | 'failed-open' | 'failed-closed' | 'failed-verification';

/**
 * The one place an error becomes an HTTP answer. Refused requests keep their status; anything else is an
 * internal failure: 200 with only a `debugContext` (no commands: Okta issues the token unchanged, and
 * writes the context to its System Log, where `status` finds it) when the hook fails open, 200 with an
 * `error` (Okta issues no token) when it fails closed. Never a 5xx: Okta would issue the token unchanged
 * anyway, and the failure mode is the operator's decision. On a verification request (verification.ts),
 * `verificationReason` is given, and an internal failure answers 200 with an `error` naming it, whatever
 * the failure mode.
 */
export function errorToResponse(
  error: unknown,
  failureMode: HookConfig['failureMode'],
  verificationReason?: string,
): { result: FunctionUrlResult; outcome: FailureOutcome } {
  if (error instanceof HookRequestError) {
    const { statusCode, options } = error;
    const body = statusCode === 401 ? {} : { message: options.expose === false ? 'request refused' : error.message, ...(options.details ? { details: options.details } : {}) };
    const result = statusCode === 401 ? { statusCode } : jsonResult(statusCode, body);
    return {
      result: { ...result, headers: { ...result.headers, ...options.headers } },
      outcome: statusCode === 401 ? 'unauthorized' : 'rejected',
    };
  }
  if (verificationReason !== undefined) {
    return { result: jsonResult(200, { error: { errorSummary: verificationFailureSummary(verificationReason, failureMode) } }), outcome: 'failed-verification' };
  }
  if (failureMode === 'closed') {
    return { result: jsonResult(200, { error: { errorSummary: CLOSED_FAILURE_SUMMARY } }), outcome: 'failed-closed' };
  }
  // The error's class only: Okta shows the context to every admin who reads its System Log.
  const errorClass = error instanceof Error ? error.name : 'non-error thrown';
  return { result: jsonResult(200, { debugContext: { [FAILED_OPEN_CONTEXT_KEY]: errorClass } }), outcome: 'failed-open' };
}
