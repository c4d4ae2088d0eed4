import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { describeIssue, issuePath } from './config-issues.js';
import { claimProblem, lifetimeProblem, removalProblem, tokensOf } from '../token-hook/reserved-claims.js';

/**
 * The hook's configuration: failure mode, deadline, auth header, body cap and the declarative claim
 * rules. The same schema validates `environments.<name>.hook` of cdk.json at synth and `HOOK_CONFIG` at
 * cold start, so a rule Okta would refuse never reaches a deployed function.
 *
 * Written with `zod/mini` (interoperable with `zod` schemas): it is on the hook's cold-start path, where
 * classic zod costs about 15 ms more to load and build.
 */

// zod/mini ships without messages; these are the ones classic zod shows.
z.config(en());

/** Okta waits 3 s for a token hook; the hook must answer before that. */
export const MAX_DEADLINE_MS = 2_900;
/** Time the hook keeps between its own deadline and the Lambda timeout, to answer instead of being killed. */
export const DEADLINE_MARGIN_MS = 500;
/** The deadline of a hook with the default 2 s timeout; an unset deadline follows the timeout (`deadlineFor`). */
export const DEFAULT_DEADLINE_MS = 1_500;
/** Okta's request for a user with many claims stays far below this; Function URLs stop at 6 MB. */
export const DEFAULT_MAX_BODY_BYTES = 262_144;
export const MAX_BODY_BYTES_LIMIT = 6_291_456;

const HeaderName = z.pipe(
  z.string().check(z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'must be an HTTP header name (letters, digits, - and the like)')),
  z.transform((name: string) => name.toLowerCase()),
);

const TokenTarget = z.enum(['access', 'identity', 'both']);
export type TokenTarget = z.infer<typeof TokenTarget>;

// One pass, no nested quantifier: `[^~]` takes the '/' between segments too, so matching stays linear.
export const JSON_POINTER = /^\/(?:[^~]|~[01])*$/;
const JsonPointer = z.string().check(z.regex(JSON_POINTER, "must be a JSON pointer such as '/data/context/user/profile/login'"));

const StringList = z.array(z.string().check(z.minLength(1))).check(z.minLength(1));

/** Every condition given must hold; a condition holds when any of its values matches. */
export const RuleConditionsSchema = z.strictObject({
  clientIds: z.optional(StringList),
  /** Scopes granted to the access token (`data.access.scopes`, else the requested `scope`). */
  scopes: z.optional(StringList),
  /**
   * The flow: the `grant_type` of a /token request (`refresh_token`, `client_credentials`, `password`...);
   * for a request from /authorize, by its `response_type`: `authorization_code` (`code`), `implicit`
   * (`token`, `id_token`, `id_token token`) or `hybrid` (`code` with a token).
   */
  grantTypes: z.optional(StringList),
  /** The access-policy rule that matched (`data.context.policy.rule.id`). */
  policyRuleIds: z.optional(StringList),
});
export type RuleConditions = z.infer<typeof RuleConditionsSchema>;

const StaticClaim = z.strictObject({
  claim: z.string(),
  token: TokenTarget,
  /** Any JSON value except null (use `remove` to drop a claim). */
  value: z.json(),
});

const CopiedClaim = z.strictObject({
  claim: z.string(),
  token: TokenTarget,
  /** JSON pointer into Okta's request; the claim is not set when nothing is there. */
  from: JsonPointer,
  /** Read this query parameter of the URL found at `from` (e.g. `/data/context/request/url/value`). */
  query: z.optional(z.string().check(z.minLength(1))),
});

export const ClaimSetterSchema = z.union([StaticClaim, CopiedClaim], {
  error: 'must be {claim, token, value} with a JSON value (numbers finite: 1e400 is not) or {claim, token, from, query?}',
});
export type ClaimSetter = z.infer<typeof ClaimSetterSchema>;

export const ClaimRemovalSchema = z.strictObject({ claim: z.string(), token: TokenTarget });
export type ClaimRemoval = z.infer<typeof ClaimRemovalSchema>;

// Range checked with the rule, so the message names the rule.
const Lifetime = z.number();

/** A static value this large alone would push the answer past Okta's 256 KB. */
const MAX_STATIC_VALUE_BYTES = 200 * 1024;

export const ClaimRuleSchema = z
  .strictObject({
    name: z.string().check(z.minLength(1)),
    when: z._default(RuleConditionsSchema, {}),
    set: z._default(z.array(ClaimSetterSchema), []),
    remove: z._default(z.array(ClaimRemovalSchema), []),
    /** Token lifetimes in seconds (300..86400). */
    lifetime: z._default(z.strictObject({ access: z.optional(Lifetime), identity: z.optional(Lifetime) }), {}),
  })
  .check(z.superRefine((rule, ctx) => {
    const check = (kind: 'set' | 'remove', index: number, claim: string, target: TokenTarget) => {
      for (const token of tokensOf(target)) {
        const problem = kind === 'set' ? claimProblem(token, claim) : removalProblem(token, claim);
        if (problem) {
          ctx.addIssue({ code: 'custom', path: [kind, index, 'claim'], message: `rule '${rule.name}': ${problem}` });
          return;
        }
      }
    };
    rule.set.forEach((setter, index) => {
      check('set', index, setter.claim, setter.token);
      if (!('value' in setter)) return;
      const problem =
        setter.value === null
          ? 'must not be null: use remove to drop a claim'
          : JSON.stringify(setter.value).length > MAX_STATIC_VALUE_BYTES
            ? `is too large for Okta's 256 KB answer`
            : undefined;
      if (problem) ctx.addIssue({ code: 'custom', path: ['set', index, 'value'], message: `rule '${rule.name}': the value of claim '${setter.claim}' ${problem}` });
    });
    for (const token of ['access', 'identity'] as const) {
      const seconds = rule.lifetime[token];
      const problem = seconds === undefined ? undefined : lifetimeProblem(seconds);
      if (problem) ctx.addIssue({ code: 'custom', path: ['lifetime', token], message: `rule '${rule.name}': ${token} token ${problem}` });
    }
    rule.remove.forEach((removal, index) => check('remove', index, removal.claim, removal.token));
  }));
export type ClaimRule = z.infer<typeof ClaimRuleSchema>;

export const HookConfigSchema = z
  .strictObject({
    /** `open`: an internal error or the deadline lets Okta issue the token unchanged (204); `closed`: no token. */
    failureMode: z._default(z.enum(['open', 'closed']), 'open'),
    /**
     * Internal deadline for deciding the claims, in ms; Okta gives up after 3 s. At most the Lambda timeout
     * less 500 ms; unset, it is exactly that (1500 for the default 2 s timeout).
     */
    deadlineMs: z._default(z.int().check(z.gte(1), z.lte(MAX_DEADLINE_MS)), DEFAULT_DEADLINE_MS),
    /** Header carrying the API key (Okta's `authScheme.key`), compared lower-cased. */
    authHeader: z._default(HeaderName, 'authorization'),
    maxBodyBytes: z._default(z.int().check(z.gte(1_024), z.lte(MAX_BODY_BYTES_LIMIT)), DEFAULT_MAX_BODY_BYTES),
    rules: z._default(z.array(ClaimRuleSchema), []),
  })
  .check(z.superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.rules.forEach((rule, index) => {
      if (seen.has(rule.name)) {
        ctx.addIssue({ code: 'custom', path: ['rules', index, 'name'], message: `rule '${rule.name}' is defined twice: give each rule its own name` });
      }
      seen.add(rule.name);
    });
  }));
export type HookConfig = z.infer<typeof HookConfigSchema>;
/** What a user writes (defaults optional). */
export type HookConfigInput = z.input<typeof HookConfigSchema>;

/** The one deadline rule: the deadline an unset `deadlineMs` gets, and the latest one allowed, for a Lambda timeout. */
export function deadlineFor(timeoutMs: number): number {
  return timeoutMs - DEADLINE_MARGIN_MS;
}

/** Why `deadlineMs` does not fit `timeoutMs`, or undefined when it does. */
export function deadlineProblem(deadlineMs: number, timeoutMs: number): string | undefined {
  const limit = deadlineFor(timeoutMs);
  if (deadlineMs <= limit) return undefined;
  return `${deadlineMs} ms leaves the hook less than ${DEADLINE_MARGIN_MS} ms before the ${timeoutMs / 1000} s Lambda timeout: set it to at most ${limit}, or leave it out to follow the timeout`;
}

export class HookConfigError extends Error {
  override readonly name = 'HookConfigError';
}

/**
 * Zod issues as `path: message` lines, the path written the way the config is. Given the schema and the
 * input that was parsed, rules are named by name (`rules['tier'].set[1].claim`), a misspelt key gets a
 * "did you mean" and a malformed set entry says what is wrong with it.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix = '',
  parsed?: { readonly schema: z.core.$ZodType; readonly input: unknown },
): string {
  return issues
    .map((issue) => (parsed ? describeIssue(issue, { ...parsed, prefix }) : `${issuePath(issue.path, undefined, prefix)}: ${issue.message}`))
    .join('; ');
}

/** Validates a hook config (an object or its JSON text); throws `HookConfigError` naming every bad key. */
export function parseHookConfig(input: unknown): HookConfig {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new HookConfigError('hook config is not valid JSON: check HOOK_CONFIG or the hook block of the environment');
    }
  }
  const result = HookConfigSchema.safeParse(value);
  if (!result.success) throw new HookConfigError(`invalid hook config: ${describeIssues(result.error.issues, '', { schema: HookConfigSchema, input: value })}`);
  return result.data;
}
