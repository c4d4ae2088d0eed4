import * as z from 'zod';
import { OktaApiError } from './errors.js';
import { OktaErrorBodySchema, type OktaErrorBody } from './schemas.js';
import { OPERATION_SCOPES, ROLE_PERMISSION } from './scopes.js';
import type { HttpResult } from './transport.js';

/**
 * Turns a non-2xx answer into an `OktaApiError` whose message says what failed and what to check.
 * Okta's own summary and causes are quoted (they name fields, not secrets); our tokens never are.
 */

export type AuthKind = 'ssws' | 'service-app';

// The token endpoint answers in OAuth's format, not Okta's.
const OAuthErrorBodySchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

export function parseErrorBody(text: string): OktaErrorBody | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const oauth = OAuthErrorBodySchema.safeParse(json);
  if (oauth.success) return { errorCode: oauth.data.error, errorSummary: oauth.data.error_description };
  const okta = OktaErrorBodySchema.safeParse(json);
  return okta.success ? okta.data : undefined;
}

function advice(operation: string, status: number, body: OktaErrorBody | undefined, auth: AuthKind): string {
  const code = body?.errorCode;
  if (operation === 'getAccessToken') return tokenAdvice(code);
  if (operation === 'executeInlineHook') {
    if (code === 'E0000135') return 'the hook answered with an error object; check the hook logs for why it refused';
    if (code === 'E0000134' || status === 502) {
      return 'okta could not talk to the hook; check that the hook URL is public https and answers 200 with JSON';
    }
    if (code === 'E0000137' || status === 504) {
      return 'the hook did not answer within okta\'s 3 s; check its latency and cold start';
    }
    if (status === 400) return 'okta rejected the hook\'s answer or the payload; check the hook logs and the execute payload';
  }
  // Okta's code says more than the status: E0000015 comes as a 401 although the token is fine.
  if (code === 'E0000015') return featureAdvice(operation);
  if (code === 'E0000007' || status === 404) return notFoundAdvice(body?.errorSummary);
  switch (status) {
    case 401:
      return auth === 'ssws'
        ? 'check that the API token is valid (SSWS tokens expire after 30 days without use and die with their admin)'
        : 'check the service app client id, its registered public key and keyId, and whether it requires DPoP';
    case 403: {
      const scope = OPERATION_SCOPES[operation];
      const role = scope ? ROLE_PERMISSION[scope] : undefined;
      return auth === 'ssws'
        ? `the admin who created the API token lacks the role for this${role ? ` (permission ${role})` : ''}; use a token of a Super Admin or of a role that allows it`
        : `grant the service app the scope ${scope ?? 'this operation needs'} and assign it an admin role that allows it${role ? ` (permission ${role}, or Super Admin)` : ''}`;
    }
    case 429:
      return 'the org\'s rate limit is exhausted; retry later or raise the limit for this token or app';
    default:
      return status >= 500
        ? 'okta failed; retry later and quote the X-Okta-Request-Id to Okta support if it persists'
        : 'check the request against okta\'s error summary and causes';
  }
}

const isAuthorizationServerCall = (operation: string): boolean => OPERATION_SCOPES[operation]?.startsWith('okta.authorizationServers') ?? false;

/** E0000015 ("You do not have permission to access the feature you are requesting"): a feature the org lacks. */
function featureAdvice(operation: string): string {
  const missing = 'API Access Management (custom authorization servers, which token inline hooks run on)';
  return isAuthorizationServerCall(operation)
    ? `${missing} is not enabled for this org; the credentials are fine: use an org that has it, or ask Okta to enable it`
    : `the org lacks the feature this call needs (token inline hooks need ${missing}); the credentials are fine: use an org that has it, or ask Okta to enable it`;
}

// Okta names the kind of object at the end of the summary: `Not found: Resource not found: <id> (InlineHook)`.
const NOT_FOUND_ADVICE: Readonly<Record<string, string>> = {
  AuthorizationServer: 'the authorization server does not exist (any more); check the authorization server of the target (id, name or default)',
  InlineHook: 'the inline hook does not exist (any more), maybe deleted outside this stack; check the id',
};

function notFoundAdvice(summary: string | undefined): string {
  const kind = /\((\w+)\)\s*$/.exec(summary ?? '')?.[1];
  return (kind ? NOT_FOUND_ADVICE[kind] : undefined) ?? 'the object does not exist (any more); check the id';
}

function tokenAdvice(code: string | undefined): string {
  switch (code) {
    case 'invalid_client':
      return 'check the client id, that the app uses private_key_jwt, and that its public key (and keyId) match privateKey';
    case 'invalid_scope':
      return 'grant the requested scopes to the service app (Okta API Scopes tab), or list only granted ones in "scopes"';
    case 'invalid_dpop_proof':
    case 'use_dpop_nonce':
      return 'the DPoP negotiation failed; check the clock and the app\'s DPoP setting';
    case 'unauthorized_client':
      return 'allow the client_credentials grant on the service app';
    default:
      return 'check the service app settings and the org URL';
  }
}

export interface FailureContext {
  readonly operation: string;
  readonly auth: AuthKind;
  /** The request may have been applied (5xx on a non-idempotent call). */
  readonly outcomeUnknown?: boolean;
}

export function failureFromResult(result: HttpResult, context: FailureContext): OktaApiError {
  const { operation } = context;
  const body = parseErrorBody(result.text);
  const requestId = result.headers.get('x-okta-request-id') ?? undefined;
  const code = body?.errorCode ? ` ${body.errorCode}` : '';
  const summary = body?.errorSummary ? `: ${body.errorSummary}` : '';
  const causes = (body?.errorCauses ?? []).flatMap((c) => (c.errorSummary ? [c.errorSummary] : []));
  const parts = [
    `okta call ${operation} failed with ${result.status}${code}${summary}`,
    ...(causes.length ? [`causes: ${causes.join('; ')}`] : []),
    ...(result.attempts > 1 ? [`after ${result.attempts} attempts`] : []),
    ...(result.gaveUp ? [`stopped retrying because ${result.gaveUp}`] : []),
    advice(operation, result.status, body, context.auth),
    ...(requestId ? [`X-Okta-Request-Id ${requestId}`] : []),
  ];
  return new OktaApiError(parts.join('; '), {
    operation,
    status: result.status,
    ...(body ? { body } : {}),
    ...(requestId ? { requestId } : {}),
    attempts: result.attempts,
    outcomeUnknown: context.outcomeUnknown ?? false,
  });
}

/** A 2xx answer whose body does not match what the operation returns. */
export function unreadableResponse(result: HttpResult, operation: string, problem: string): OktaApiError {
  const requestId = result.headers.get('x-okta-request-id') ?? undefined;
  return new OktaApiError(
    `okta call ${operation} answered ${result.status} with a body this client cannot read (${problem}); check that orgUrl points at an Okta org`,
    { operation, status: result.status, kind: 'response', attempts: result.attempts, ...(requestId ? { requestId } : {}) },
  );
}
