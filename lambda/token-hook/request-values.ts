import type { TokenHookRequest } from './request-schema.js';

/** What the rules read from Okta's request: pointers into it and facts the conditions test. */

/** The value at RFC 6901 `pointer` in `document`, or undefined. Own properties only. */
export function valueAtPointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const key of pointerSegments(pointer)) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

// Rules name a handful of pointers, read on every request: each is split and unescaped once.
const SEGMENTS = new Map<string, readonly string[]>();
const MAX_CACHED_POINTERS = 1_024;

function pointerSegments(pointer: string): readonly string[] {
  let segments = SEGMENTS.get(pointer);
  if (segments) return segments;
  segments = pointer === '' ? [] : pointer.slice(1).split('/').map((raw) => (raw.includes('~') ? raw.replaceAll('~1', '/').replaceAll('~0', '~') : raw));
  if (SEGMENTS.size < MAX_CACHED_POINTERS) SEGMENTS.set(pointer, segments);
  return segments;
}

/** A query parameter of `url` (works on Okta's `https://{yourOktaDomain}/...` too, which URL refuses). */
export function queryParameter(url: string, name: string): string | undefined {
  const raw = queryParameters(url).get(name);
  return raw === undefined ? undefined : decodeComponent(raw);
}

/**
 * The query of `url` as decoded names to raw values, the first of a repeated name winning: one scan,
 * however many rules then read it. Values are decoded when read (`decodeComponent`).
 */
export function queryParameters(url: string): Map<string, string> {
  const parameters = new Map<string, string>();
  const start = url.indexOf('?');
  if (start < 0) return parameters;
  const end = url.indexOf('#', start);
  // Scanned by hand: URLSearchParams decodes every value, and most are never read.
  for (const pair of url.slice(start + 1, end < 0 ? undefined : end).split('&')) {
    const split = pair.indexOf('=');
    const key = decodeComponent(split < 0 ? pair : pair.slice(0, split));
    if (key !== undefined && !parameters.has(key)) parameters.set(key, split < 0 ? '' : pair.slice(split + 1));
  }
  return parameters;
}

/** A URL-encoded query component decoded (`+` as a space), or undefined when it is malformed. */
export function decodeComponent(text: string): string | undefined {
  if (!text.includes('%') && !text.includes('+')) return text;
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

export function clientIdOf(request: TokenHookRequest): string | undefined {
  const protocol = request.data.context.protocol;
  const cid = request.data.access?.claims['cid'];
  return protocol?.client?.id ?? protocol?.request?.client_id ?? (typeof cid === 'string' ? cid : undefined);
}

/**
 * The flow that minted the tokens, as the `grantTypes` condition names it. A `/token` request carries
 * its `grant_type` (`refresh_token`, `client_credentials`, `password`, ...). A request that comes from
 * `/authorize` carries none, only its `response_type`: Okta sends the authorization-code flow's hook
 * request with the `/authorize` request (`response_type=code`). So `code` alone is `authorization_code`,
 * `token` and `id_token` without `code` are `implicit`, and `code` with either is `hybrid`.
 */
export function grantTypeOf(request: TokenHookRequest): string | undefined {
  const protocolRequest = request.data.context.protocol?.request;
  if (protocolRequest?.grant_type) return protocolRequest.grant_type;
  const responseType = protocolRequest?.response_type;
  if (!responseType) return undefined;
  const words = responseType.split(' ');
  const code = words.includes('code');
  const token = words.includes('token') || words.includes('id_token');
  if (code) return token ? 'hybrid' : 'authorization_code';
  return token ? 'implicit' : undefined;
}

/**
 * Scope entries read from one request. An authorization server's tokens carry tens; the cap keeps a
 * conditions check (rules x scopes) far inside the deadline whatever a 256 KB body holds.
 */
export const MAX_SCOPES_READ = 500;

/** Scopes granted to the access token, else the scopes asked for; at most `MAX_SCOPES_READ`. */
export function grantedScopesOf(request: TokenHookRequest): string[] {
  const scopes = request.data.access?.scopes;
  const granted: string[] = [];
  if (scopes) {
    for (const name in scopes) {
      if (granted.length >= MAX_SCOPES_READ) break;
      const action = scopes[name]?.action;
      if (Object.hasOwn(scopes, name) && (action === undefined || action === 'GRANT')) granted.push(name);
    }
    return granted;
  }
  for (const scope of (request.data.context.protocol?.request?.scope ?? '').split(' ', MAX_SCOPES_READ * 2)) {
    if (granted.length >= MAX_SCOPES_READ) break;
    if (scope) granted.push(scope);
  }
  return granted;
}

export function policyRuleIdOf(request: TokenHookRequest): string | undefined {
  return request.data.context.policy?.rule?.id;
}
