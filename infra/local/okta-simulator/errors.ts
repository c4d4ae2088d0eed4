import { randomBytes } from 'node:crypto';
import { ID_PREFIX } from './ids.js';

/** Okta's error codes the simulator answers with, and their HTTP status (devdocs `error-codes.json`). */
export const OKTA_ERRORS = {
  E0000001: { status: 400, summary: 'Api validation failed' },
  E0000003: { status: 400, summary: 'The request body was not well-formed.' },
  E0000006: { status: 403, summary: 'You do not have permission to perform the requested action' },
  E0000007: { status: 404, summary: 'Not found' },
  E0000008: { status: 404, summary: 'The requested path was not found' },
  E0000009: { status: 500, summary: 'Internal Server Error' },
  E0000011: { status: 401, summary: 'Invalid token provided' },
  E0000015: { status: 401, summary: 'You do not have permission to access the feature you are requesting' },
  E0000022: { status: 405, summary: 'The endpoint does not support the provided HTTP method' },
  E0000047: { status: 429, summary: 'API call exceeded rate limit due to too many requests.' },
  E0000134: { status: 502, summary: 'Okta could not communicate correctly with an inline hook.' },
  E0000135: { status: 400, summary: 'An inline hook responded with an error.' },
  E0000137: { status: 504, summary: 'Okta did not receive a response from an inline hook.' },
} as const;
export type OktaErrorCode = keyof typeof OKTA_ERRORS;

/** Okta's error object (spec `Error`). */
export interface OktaErrorBody {
  errorCode: string;
  errorSummary: string;
  errorLink: string;
  errorId: string;
  errorCauses: { errorSummary: string }[];
}

/** A management API failure the simulator answers with Okta's error object. */
export class OktaSimError extends Error {
  override readonly name = 'OktaSimError';
  readonly status: number;
  readonly errorCode: string;
  readonly causes: readonly string[];
  readonly headers: Record<string, string>;

  constructor(
    code: OktaErrorCode,
    options: { detail?: string; causes?: string[]; status?: number; headers?: Record<string, string> } = {},
  ) {
    const known = OKTA_ERRORS[code];
    super(options.detail ? `${known.summary}: ${options.detail}` : known.summary);
    this.status = options.status ?? known.status;
    this.errorCode = code;
    this.causes = options.causes ?? [];
    this.headers = options.headers ?? {};
  }

  body(): OktaErrorBody {
    return {
      errorCode: this.errorCode,
      errorSummary: this.message,
      errorLink: this.errorCode,
      // Okta's error ids are longer than object ids: `oae` and 22 base64url characters.
      errorId: `${ID_PREFIX.errorId}${randomBytes(16).toString('base64url').slice(0, 22)}`,
      errorCauses: this.causes.map((errorSummary) => ({ errorSummary })),
    };
  }
}

/** 400 E0000001 with one cause per problem, as Okta reports invalid fields. */
export function validationError(causes: string[], detail?: string): OktaSimError {
  return new OktaSimError('E0000001', { causes, detail: detail ?? causes[0]?.split(':')[0] });
}

/** 404 E0000007 as Okta words it: `Not found: Resource not found: <id> (InlineHook)`. */
export function notFound(id: string, type: string): OktaSimError {
  return new OktaSimError('E0000007', { detail: `Resource not found: ${id} (${type})` });
}

/** An OAuth endpoint failure (RFC 6749 body), e.g. `invalid_client`, `use_dpop_nonce`. */
export class OAuthSimError extends Error {
  override readonly name = 'OAuthSimError';
  readonly status: number;
  readonly error: string;
  readonly headers: Record<string, string>;

  constructor(error: string, description: string, options: { status?: number; headers?: Record<string, string> } = {}) {
    super(description);
    this.error = error;
    this.status = options.status ?? 400;
    this.headers = options.headers ?? {};
  }
}
