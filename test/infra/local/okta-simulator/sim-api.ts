import { operationSchemaName, specErrors } from '../../../support/okta-spec.js';

export interface ApiAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  authorization?: string;
  headers?: Record<string, string>;
  /** Sends a body the spec may reject (to test the simulator's refusals); the answer is still checked. */
  unchecked?: boolean;
}

/**
 * Calls a simulator operation by its spec path template and checks the exchange against Okta's spec:
 * the request body against the operation's request schema, the answer against its response schema (or
 * `Error`). Fails the test with the spec's complaint when either does not validate.
 */
/** `/execute` takes and answers a oneOf over every hook type; for token hooks these are the members. */
const TOKEN_HOOK_EXECUTE = { request: 'TokenRequest', response: 'TokenHookResponse' };
const EXECUTE_TEMPLATE = '/api/v1/inlineHooks/{inlineHookId}/execute';

export function simApi(orgUrl: string, token: string) {
  return async function call<T = any>(method: string, template: string, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    let path = template;
    for (const [name, value] of Object.entries(options.params ?? {})) path = path.replace(`{${name}}`, encodeURIComponent(value));
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    if (options.body !== undefined && !options.unchecked) {
      const requestSchema = template === EXECUTE_TEMPLATE ? TOKEN_HOOK_EXECUTE.request : operationSchemaName(template, method, 'request');
      if (requestSchema) assertSpec(requestSchema, options.body, `request of ${method} ${template}`);
    }
    const response = await fetch(`${orgUrl}${path}${query}`, {
      method,
      headers: {
        Accept: 'application/json',
        Authorization: options.authorization ?? `SSWS ${token}`,
        ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : method === 'POST' || method === 'PUT' ? { body: '' } : {}),
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    assertResponseMatchesSpec(template, method, response.status, body);
    return { status: response.status, headers: response.headers, body };
  };
}

export function assertResponseMatchesSpec(template: string, method: string, status: number, body: unknown): void {
  if (status >= 400) {
    assertSpec('Error', body, `${status} of ${method} ${template}`);
    return;
  }
  if (body === undefined) return;
  const schema = template === EXECUTE_TEMPLATE ? TOKEN_HOOK_EXECUTE.response : operationSchemaName(template, method, { status: String(status) });
  if (!schema) throw new Error(`the spec has no ${status} JSON answer for ${method} ${template}, but the simulator sent one`);
  assertSpec(schema, body, `${status} of ${method} ${template}`);
}

function assertSpec(schema: string, value: unknown, what: string): void {
  const values = Array.isArray(value) ? value : [value];
  for (const item of values) {
    const errors = specErrors(schema, item);
    if (errors) throw new Error(`${what} is not a valid ${schema}: ${errors}`);
  }
}

export const PATHS = {
  hooks: '/api/v1/inlineHooks',
  hook: '/api/v1/inlineHooks/{inlineHookId}',
  activate: '/api/v1/inlineHooks/{inlineHookId}/lifecycle/activate',
  deactivate: '/api/v1/inlineHooks/{inlineHookId}/lifecycle/deactivate',
  execute: '/api/v1/inlineHooks/{inlineHookId}/execute',
  servers: '/api/v1/authorizationServers',
  server: '/api/v1/authorizationServers/{authServerId}',
  policies: '/api/v1/authorizationServers/{authServerId}/policies',
  policy: '/api/v1/authorizationServers/{authServerId}/policies/{policyId}',
  rules: '/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules',
  rule: '/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}',
} as const;

/** A valid `InlineHookCreate` for a token hook with header auth. */
export function tokenHookCreate(overrides: { name?: string; uri?: string; secret?: string; headers?: { key: string; value: string }[] } = {}) {
  return {
    name: overrides.name ?? 'Token hook',
    type: 'com.okta.oauth2.tokens.transform',
    version: '1.0.0',
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: {
        uri: overrides.uri ?? 'https://example.com/tokenHook',
        headers: overrides.headers ?? [],
        method: 'POST',
        authScheme: { type: 'HEADER', key: 'Authorization', value: overrides.secret ?? 'my-shared-secret' },
      },
    },
  };
}
