import { OktaApiError } from '../okta/errors.js';
import { OPERATION_SCOPES, ROLE_PERMISSION } from '../okta/scopes.js';
import { OktaPermissionError } from './errors.js';

/**
 * Turns Okta's 401/403 into a message that names what is missing (scope and admin-role permission), so
 * a stack stuck in DELETE_FAILED says how to get out. Other errors pass through unchanged.
 */
export function explainAccessError(error: unknown): unknown {
  if (!(error instanceof OktaApiError) || (error.status !== 401 && error.status !== 403)) return error;
  const scope = OPERATION_SCOPES[error.operation];
  const what = scope
    ? `scope ${scope} granted to the service app and an admin role with permission ${ROLE_PERMISSION[scope] ?? scope}`
    : 'the scopes and admin role listed in the README';
  const request = error.requestId ? ` (okta request id ${error.requestId})` : '';
  const message =
    error.status === 401
      ? `okta rejected the credentials for ${error.operation}${request}: check the credentials secret ` +
        '(an api token expires after 30 days unused), then retry'
      : `okta refused ${error.operation}${request}: the credentials need ${what} (an api token needs an admin ` +
        'with that permission), then retry';
  return new OktaPermissionError(message, { cause: error });
}
