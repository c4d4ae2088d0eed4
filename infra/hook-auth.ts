import { SCOPE_TOKEN, type HookAuth } from '../lambda/shared/hook-auth.js';

/**
 * How Okta authenticates its calls to the hook: the API key (a header Okta sends, rotated by the
 * stack) or OAuth 2.0, where Okta gets an access token from a custom authorization server with the
 * client credentials grant and sends it as a bearer token.
 */
export type OktaHookAuthProps =
  | {
      readonly type: 'apiKey';
      /**
       * Also accept OAuth 2.0 tokens of this issuer, for the deploy that moves back from `oauth2`: the hook
       * takes both while Okta's channel switches back to the key. Remove it on the next deploy.
       * @default - the API key only
       */
      readonly acceptOAuth2?: { readonly authorizationServer: string; readonly scope: string; readonly audience: string };
    }
  | {
      readonly type: 'oauth2';
      /** `private_key_jwt`: Okta signs with a Hook Key, no shared secret; `client_secret_post`: Okta holds a client secret. */
      readonly method: 'client_secret_post' | 'private_key_jwt';
      /**
       * The id of the custom authorization server that issues Okta's tokens for the hook (`aus…`, or
       * `default`). Never the server whose rule calls the hook: issuing the hook's own token would call
       * the hook again.
       */
      readonly authorizationServer: string;
      /** The custom scope Okta asks for and the hook requires, e.g. `okta-token-hook:invoke`. */
      readonly scope: string;
      /** The audience of that server's tokens (its `audiences[0]`; `api://default` for the default server). */
      readonly audience: string;
      /** Also accept the API key, while an environment moves between the two. @default false */
      readonly acceptApiKey?: boolean;
    };

export const API_KEY_AUTH_PROPS: OktaHookAuthProps = { type: 'apiKey' };

/** Scopes every authorization server defines for OpenID Connect; a hook scope must be its own. */
const RESERVED_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access', 'device_sso', 'groups']);
const SERVER_ID = /^(default|aus[A-Za-z0-9]{5,})$/;
const DEFAULT_SERVER_AUDIENCE = 'api://default';

/**
 * What is wrong with `auth` for a hook attached to rules on `targetServers`, each problem naming the
 * key (under `prefix`) and the fix. What can only be known in Okta (the server's audience when it is
 * not the default, a server named rather than given by id) is left to the deploy.
 */
export function hookAuthProblems(auth: OktaHookAuthProps, targetServers: readonly string[], authHeader: string, prefix = 'auth'): string[] {
  if (auth.type === 'apiKey') {
    if (!auth.acceptOAuth2) return [];
    // The issuer is checked as it was for oauth2; tokens and the key share the Authorization header.
    return hookAuthProblems({ type: 'oauth2', method: 'private_key_jwt', ...auth.acceptOAuth2, acceptApiKey: true }, targetServers, authHeader, `${prefix}.acceptOAuth2`);
  }
  const problems: string[] = [];
  const server = auth.authorizationServer;
  if (!SERVER_ID.test(server)) {
    problems.push(`${prefix}.authorizationServer: '${server}' is not an authorization server id: set the id (aus…, or default) of the server that issues the hook's tokens, as the hook derives the token issuer from it`);
  } else if (targetServers.includes(server)) {
    problems.push(
      `${prefix}.authorizationServer: '${server}' is also the server whose rule calls the hook (target.authorizationServer): to call the hook Okta needs a token from that server, and issuing that token calls the hook again. Issue the hook's tokens from another custom authorization server`,
    );
  }
  if (!SCOPE_TOKEN.test(auth.scope)) problems.push(`${prefix}.scope: '${auth.scope}' is not one OAuth scope: use letters, digits and :._- without spaces, e.g. okta-token-hook:invoke`);
  else if (RESERVED_SCOPES.has(auth.scope) || auth.scope.startsWith('okta.')) {
    problems.push(`${prefix}.scope: '${auth.scope}' is reserved by OpenID Connect or Okta: name a custom scope for the hook, e.g. okta-token-hook:invoke`);
  }
  if (!auth.audience || /\s/.test(auth.audience)) problems.push(`${prefix}.audience: set the audience of the issuing server's tokens, e.g. api://okta-token-hook`);
  else if (server === 'default' && auth.audience !== DEFAULT_SERVER_AUDIENCE) {
    problems.push(`${prefix}.audience: the default authorization server's tokens are for ${DEFAULT_SERVER_AUDIENCE}: set that, or use a server of your own`);
  }
  if (authHeader !== 'authorization') {
    problems.push(`${prefix}: Okta sends OAuth 2.0 tokens in the Authorization header, but hook.authHeader is '${authHeader}': remove hook.authHeader or set it to Authorization`);
  }
  return problems;
}

/** Whether the hook takes the API key (and so needs its secret): always with `apiKey`, with OAuth 2.0 only during a migration. */
export function acceptsApiKeyProps(auth: OktaHookAuthProps): boolean {
  return auth.type === 'apiKey' || (auth.acceptApiKey ?? false);
}

/** What the hook function receives as `HOOK_AUTH`; undefined for the API key (the variable stays unset). */
export function runtimeHookAuth(orgUrl: string, auth: OktaHookAuthProps): HookAuth | undefined {
  if (auth.type === 'apiKey') {
    if (!auth.acceptOAuth2) return undefined;
    const { authorizationServer, audience, scope } = auth.acceptOAuth2;
    return { type: 'oauth2', issuer: `${orgUrl.replace(/\/$/, '')}/oauth2/${authorizationServer}`, audience, scope, acceptApiKey: true };
  }
  return {
    type: 'oauth2',
    issuer: `${orgUrl.replace(/\/$/, '')}/oauth2/${auth.authorizationServer}`,
    audience: auth.audience,
    scope: auth.scope,
    acceptApiKey: auth.acceptApiKey ?? false,
  };
}
