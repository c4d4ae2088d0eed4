import type { OktaErrorBody } from './schemas.js';

/** What kind of failure: an HTTP answer, no answer, or an answer this client cannot read. */
export type OktaFailureKind = 'http' | 'network' | 'timeout' | 'deadline' | 'response';

export interface OktaApiErrorDetails {
  /** What the client was doing, e.g. `createInlineHook`. */
  readonly operation: string;
  /** HTTP status; 0 when no answer came (network error, deadline). */
  readonly status: number;
  readonly body?: OktaErrorBody;
  readonly requestId?: string;
  readonly cause?: unknown;
  /** @default 'http' when status > 0, else 'network' */
  readonly kind?: OktaFailureKind;
  /** Attempts made, the first included. @default 1 */
  readonly attempts?: number;
  /** The request may have been applied although no success came back. @default false */
  readonly outcomeUnknown?: boolean;
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
  readonly kind: OktaFailureKind;
  readonly attempts: number;
  /**
   * True when Okta may have applied the request (timeout, dropped connection, 5xx after the body was
   * sent). For a create, look the object up by name before trying again.
   */
  readonly outcomeUnknown: boolean;

  constructor(message: string, details: OktaApiErrorDetails) {
    super(message, { cause: details.cause });
    this.operation = details.operation;
    this.status = details.status;
    this.errorCode = details.body?.errorCode;
    this.errorSummary = details.body?.errorSummary;
    this.errorCauses = (details.body?.errorCauses ?? []).flatMap((c) => (c.errorSummary ? [c.errorSummary] : []));
    this.requestId = details.requestId;
    this.kind = details.kind ?? (details.status > 0 ? 'http' : 'network');
    this.attempts = details.attempts ?? 1;
    this.outcomeUnknown = details.outcomeUnknown ?? false;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}
