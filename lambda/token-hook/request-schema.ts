import * as z from 'zod/mini';

/**
 * Okta's token inline hook request (`TokenRequest` of the spec, contract §1), typed where the hook reads
 * it. Unknown fields are kept (Okta adds fields over time, and rules copy any of them by JSON pointer).
 * `zod/mini` keeps it off the cold-start path's heaviest import.
 */

// Claims are read by name, never walked: a plain-object check costs nothing per claim, unlike a record
// schema that would copy and check every key of every request.
const Claims = z.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'expected an object of claims',
);

const Lifetime = z.looseObject({ expiration: z.optional(z.number()) });

export const HookTokenSchema = z.looseObject({
  claims: Claims,
  token: z.optional(z.looseObject({ lifetime: z.optional(Lifetime) })),
});
export type HookToken = z.infer<typeof HookTokenSchema>;

const OptionalString = z.optional(z.string());

const Scope = z.looseObject({ id: OptionalString, action: OptionalString });

const ProtocolRequest = z.looseObject({
  client_id: OptionalString,
  grant_type: OptionalString,
  scope: OptionalString,
  response_type: OptionalString,
});

export const TokenHookContextSchema = z.looseObject({
  request: z.optional(z.looseObject({ id: OptionalString, url: z.optional(z.looseObject({ value: OptionalString })) })),
  protocol: z.optional(
    z.looseObject({
      type: OptionalString,
      request: z.optional(ProtocolRequest),
      client: z.optional(z.looseObject({ id: OptionalString })),
    }),
  ),
  user: z.optional(
    z.looseObject({
      id: OptionalString,
      profile: z.optional(z.looseObject({ login: OptionalString, firstName: OptionalString, lastName: OptionalString })),
    }),
  ),
  policy: z.optional(z.looseObject({ id: OptionalString, rule: z.optional(z.looseObject({ id: OptionalString })) })),
});

export const TOKEN_HOOK_EVENT_TYPE = 'com.okta.oauth2.tokens.transform';

export const TokenHookRequestSchema = z.looseObject({
  eventId: z.string().check(z.minLength(1)),
  eventType: z.literal(TOKEN_HOOK_EVENT_TYPE),
  source: OptionalString,
  eventTime: OptionalString,
  data: z.looseObject({
    context: z._default(TokenHookContextSchema, {}),
    /** Present only when an ID token is being minted. */
    identity: z.optional(HookTokenSchema),
    access: z.optional(z.extend(HookTokenSchema, { scopes: z.optional(z.record(z.string(), Scope)) })),
    refresh_token: z.optional(z.looseObject({ jti: OptionalString })),
  }),
});
export type TokenHookRequest = z.infer<typeof TokenHookRequestSchema>;

/** Where a request failed validation, as JSON pointers with the kind of problem: never the value. */
export interface RequestProblem {
  readonly path: string;
  readonly problem: string;
}

export type ParsedRequest = { ok: true; request: TokenHookRequest } | { ok: false; problems: RequestProblem[] };

/**
 * `TokenHookRequestSchema` checked in place, without zod's copy of every object (most of the hook's cost
 * on Okta's request): it accepts exactly the JSON values the schema accepts (test/lambda/token-hook/
 * request-schema.property.test.ts proves it on arbitrary valid and damaged requests) and makes the value
 * what the schema would output, up to key order: an absent `data.context` becomes `{}`, and an own
 * `__proto__` key, which zod drops from objects it copies, goes. On a reject, zod runs to say why.
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

export function parseTokenHookRequest(body: unknown): ParsedRequest {
  if (isTokenHookRequest(body)) return { ok: true, request: body };
  const result = TokenHookRequestSchema.safeParse(body);
  if (result.success) return { ok: true, request: result.data };
  return {
    ok: false,
    problems: result.error.issues.slice(0, 20).map((issue) => ({
      path: '/' + issue.path.map((key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1')).join('/'),
      problem: issue.code,
    })),
  };
}
