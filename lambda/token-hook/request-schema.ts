import * as z from 'zod';

/**
 * Okta's token inline hook request (`TokenRequest` of the spec, contract §1), typed where the hook reads
 * it. Unknown fields are kept (Okta adds fields over time, and rules copy any of them by JSON pointer).
 */

const Claims = z.record(z.string(), z.unknown());

const Lifetime = z.looseObject({ expiration: z.number().optional() });

export const HookTokenSchema = z.looseObject({
  claims: Claims,
  token: z.looseObject({ lifetime: Lifetime.optional() }).optional(),
});
export type HookToken = z.infer<typeof HookTokenSchema>;

const Scope = z.looseObject({ id: z.string().optional(), action: z.string().optional() });

const ProtocolRequest = z.looseObject({
  client_id: z.string().optional(),
  grant_type: z.string().optional(),
  scope: z.string().optional(),
  response_type: z.string().optional(),
});

export const TokenHookContextSchema = z.looseObject({
  request: z.looseObject({ id: z.string().optional(), url: z.looseObject({ value: z.string().optional() }).optional() }).optional(),
  protocol: z
    .looseObject({
      type: z.string().optional(),
      request: ProtocolRequest.optional(),
      client: z.looseObject({ id: z.string().optional() }).optional(),
    })
    .optional(),
  user: z
    .looseObject({
      id: z.string().optional(),
      profile: z.looseObject({ login: z.string().optional(), firstName: z.string().optional(), lastName: z.string().optional() }).optional(),
    })
    .optional(),
  policy: z.looseObject({ id: z.string().optional(), rule: z.looseObject({ id: z.string().optional() }).optional() }).optional(),
});

export const TOKEN_HOOK_EVENT_TYPE = 'com.okta.oauth2.tokens.transform';

export const TokenHookRequestSchema = z.looseObject({
  eventId: z.string().min(1),
  eventType: z.literal(TOKEN_HOOK_EVENT_TYPE),
  source: z.string().optional(),
  eventTime: z.string().optional(),
  data: z.looseObject({
    context: TokenHookContextSchema.default({}),
    /** Present only when an ID token is being minted. */
    identity: HookTokenSchema.optional(),
    access: HookTokenSchema.extend({ scopes: z.record(z.string(), Scope).optional() }).optional(),
    refresh_token: z.looseObject({ jti: z.string().optional() }).optional(),
  }),
});
export type TokenHookRequest = z.infer<typeof TokenHookRequestSchema>;

/** Where a request failed validation, as JSON pointers with the kind of problem: never the value. */
export interface RequestProblem {
  readonly path: string;
  readonly problem: string;
}

export type ParsedRequest = { ok: true; request: TokenHookRequest } | { ok: false; problems: RequestProblem[] };

export function parseTokenHookRequest(body: unknown): ParsedRequest {
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
