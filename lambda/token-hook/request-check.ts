import type { TokenHookRequest } from './request-schema.js';

export const TOKEN_HOOK_EVENT_TYPE = 'com.okta.oauth2.tokens.transform';

/**
 * `TokenHookRequestSchema` checked in place, without zod's copy of every object (most of the hook's cost
 * on Okta's request): it accepts exactly the JSON values the schema accepts (test/lambda/token-hook/
 * request-schema.property.test.ts proves it on arbitrary valid and damaged requests) and makes the value
 * what the schema would output, up to key order: an absent `data.context` becomes `{}`, and an own
 * `__proto__` key, which zod drops from objects it copies, goes. On a reject, zod runs to say why
 * (`parseTokenHookRequest`). It imports no zod, so the hook loads zod only for a request it refuses.
 */
export function isTokenHookRequest(value: unknown): value is TokenHookRequest {
  if (!looseObject(value)) return false;
  if (typeof value['eventId'] !== 'string' || value['eventId'].length === 0 || value['eventType'] !== TOKEN_HOOK_EVENT_TYPE) return false;
  if (!optionalString(value['source']) || !optionalString(value['eventTime'])) return false;
  const data = value['data'];
  if (!looseObject(data)) return false;
  if (data['context'] !== undefined && !isContext(data['context'])) return false;
  if (data['identity'] !== undefined && !isHookToken(data['identity'])) return false;
  const access = data['access'];
  if (access !== undefined && !(isHookToken(access) && (access['scopes'] === undefined || isScopes(access['scopes'])))) return false;
  const refresh = data['refresh_token'];
  if (refresh !== undefined && !(looseObject(refresh) && optionalString(refresh['jti']))) return false;
  data['context'] ??= {};
  return true;
}

type JsonObject = Record<string, unknown>;

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `z.looseObject` level: an object, without the own `__proto__` zod would not copy. */
function looseObject(value: unknown): value is JsonObject {
  if (!isObject(value)) return false;
  if (Object.hasOwn(value, '__proto__')) delete value['__proto__'];
  return true;
}

const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';

/** `undefined`, or a `z.looseObject` whose `keys` are optional strings. */
function optionalStrings(value: unknown, ...keys: string[]): value is JsonObject | undefined {
  if (value === undefined) return true;
  if (!looseObject(value)) return false;
  for (const key of keys) if (!optionalString(value[key])) return false;
  return true;
}

function isContext(context: unknown): boolean {
  if (!looseObject(context)) return false;
  const request = context['request'];
  if (!optionalStrings(request, 'id') || !optionalStrings(request?.['url'], 'value')) return false;
  const protocol = context['protocol'];
  if (!optionalStrings(protocol, 'type')) return false;
  if (!optionalStrings(protocol?.['request'], 'client_id', 'grant_type', 'scope', 'response_type') || !optionalStrings(protocol?.['client'], 'id')) return false;
  const user = context['user'];
  if (!optionalStrings(user, 'id') || !optionalStrings(user?.['profile'], 'login', 'firstName', 'lastName')) return false;
  const policy = context['policy'];
  return optionalStrings(policy, 'id') && optionalStrings(policy?.['rule'], 'id');
}

function isHookToken(token: unknown): token is JsonObject {
  // Claims are the custom check's own object: zod neither copies nor strips them.
  if (!looseObject(token) || !isObject(token['claims'])) return false;
  const meta = token['token'];
  if (meta === undefined) return true;
  if (!looseObject(meta)) return false;
  const lifetime = meta['lifetime'];
  if (lifetime === undefined) return true;
  if (!looseObject(lifetime)) return false;
  const expiration = lifetime['expiration'];
  return expiration === undefined || (typeof expiration === 'number' && Number.isFinite(expiration));
}

/** `z.record(z.string(), Scope)`: zod skips a `__proto__` key without checking its value. */
function isScopes(scopes: unknown): boolean {
  if (!isObject(scopes)) return false;
  if (Object.hasOwn(scopes, '__proto__')) delete scopes['__proto__'];
  for (const name in scopes) {
    if (!optionalStrings(scopes[name], 'id', 'action')) return false;
  }
  return true;
}
