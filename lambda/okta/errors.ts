import type { OktaErrorBody } from './schemas.js';

export interface OktaApiErrorDetails {
  /** What the client was doing, e.g. `createInlineHook`. */
  readonly operation: string;
  /** HTTP status; 0 when no answer came (network error, deadline). */
  readonly status: number;
  readonly body?: OktaErrorBody;
  readonly requestId?: string;
  readonly cause?: unknown;
}

/** A failed Okta management call. Branch on `status` and `errorCode` only (Okta's own rule). */
export class OktaApiError extends Error {
  override readonly name = 'OktaApiError';
  readonly operation: string;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly errorSummary: string | undefined;
  readonly errorCauses: readonly string[];
  readonly requestId: string | undefined;

  constructor(message: string, details: OktaApiErrorDetails) {
    super(message, { cause: details.cause });
    this.operation = details.operation;
    this.status = details.status;
    this.errorCode = details.body?.errorCode;
    this.errorSummary = details.body?.errorSummary;
    this.errorCauses = (details.body?.errorCauses ?? []).flatMap((c) => (c.errorSummary ? [c.errorSummary] : []));
    this.requestId = details.requestId;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}
