import * as z from 'zod/mini';
import { describeIssues, HookConfigError } from './hook-config.js';
import { API_KEY_AUTH } from './hook-settings.js';

/**
 * How the hook tells Okta from anyone else (`HOOK_AUTH`): the API key Okta sends in a header (the
 * default), or the OAuth 2.0 access token Okta gets from `issuer` for the hook's channel. While an
 * environment moves between the two, `acceptApiKey` keeps the key working beside the token, so no
 * request is refused during the switch.
 */

/** RFC 6749 `scope-token`: printable ASCII without space, `"` or `\`. */
export const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

const HttpsUrl = z.string().check(
  z.refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && (url.hostname === '127.0.0.1' || url.hostname === 'localhost'));
    } catch {
      return false;
    }
  }, 'must be an https URL such as https://example.okta.com/oauth2/aus1a2b3c4d5e6f7g8h9'),
);

export const HookAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('apiKey') }),
  z.strictObject({
    type: z.literal('oauth2'),
    /** `https://{org}/oauth2/{authorizationServerId}`: the server that issues Okta's tokens for the hook. */
    issuer: HttpsUrl,
    audience: z.string().check(z.minLength(1)),
    scope: z.string().check(z.regex(SCOPE_TOKEN, 'must be one OAuth scope: no spaces or quotes')),
    /** Also accept the API key (a migration between the two is under way). */
    acceptApiKey: z._default(z.boolean(), false),
  }),
]);
export type HookAuth = z.infer<typeof HookAuthSchema>;
export type OAuthHookAuth = Extract<HookAuth, { type: 'oauth2' }>;

/** `HOOK_AUTH` (JSON text) or an object; unset means the API key. Throws `HookConfigError` naming the key. */
export function parseHookAuth(input: unknown): HookAuth {
  if (input === undefined || input === '') return API_KEY_AUTH;
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      throw new HookConfigError('hook auth is not valid JSON: check HOOK_AUTH');
    }
  }
  const result = HookAuthSchema.safeParse(value);
  if (!result.success) throw new HookConfigError(`invalid hook auth: ${describeIssues(result.error.issues, 'auth')}`);
  return result.data;
}
