import * as z from 'zod/mini';
import { isTokenHookRequest, TOKEN_HOOK_EVENT_TYPE } from './request-check.js';

/**
 * Okta's token inline hook request (`TokenRequest` of the spec, contract §1), typed where the hook reads
 * it. Unknown fields are kept (Okta adds fields over time, and rules copy any of them by JSON pointer).
 * The hook checks requests with `isTokenHookRequest` (request-check.ts) and loads this module only to
 * say why it refuses one, so zod is not part of its cold start.
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

/** The request checked, the quick way first; zod says what is wrong with one it refuses. */
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
