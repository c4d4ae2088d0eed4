/** The two tokens a token hook can change, named after Okta's command types (`com.okta.<token>.patch`). */
export type TokenKind = 'access' | 'identity';

export const TOKEN_KINDS: readonly TokenKind[] = ['access', 'identity'];

/** The tokens a rule target (`token` of a setter or a removal) stands for. */
export function tokensOf(target: TokenKind | 'both'): readonly TokenKind[] {
  return TOKENS_OF[target];
}

// Read for every setter of every rule on every request: no array built each time.
const TOKENS_OF: Record<TokenKind | 'both', readonly TokenKind[]> = { access: ['access'], identity: ['identity'], both: TOKEN_KINDS };

// Okta's "Reserved claims for Token Hooks" table (contract §2.4): a command touching one of them makes
// Okta skip the whole patch, so we refuse them before Okta sees them.
const RESERVED_IN_BOTH = [
  'acr', 'auth_time', 'cid', 'cnf', 'exp', 'groups', 'iat', 'iss', 'jti', 'sid', 'token_type', 'ver',
];
const RESERVED_IN_ID_ONLY = [
  'active', 'aid', 'amr', 'app_id', 'app_type', 'at_hash', 'aud', 'c_hash', 'client_id', 'client_ip',
  'client_req_id', 'client_type', 'client_user_agent', 'device_compliance', 'device_id', 'device_known',
  'device_managed', 'device_name', 'device_trust', 'did', 'dst', 'group', 'hotk', 'idp', 'idp_iss', 'mac_key',
  'may_act', 'nonce', 'oid', 'okta_emailVerified', 'okta_lastUpdated', 'orig', 'permissions', 'purpose',
  'pwd_exp_days', 'pwd_exp_time', 'rid', 'role', 'scope', 'scopes', 'sub', 'term', 'user_ip',
];
const RESERVED_IN_ACCESS_ONLY = ['as_uri', 'authorization_details', 'rpt', 'rsi', 'scp', 'uid', 'username'];

const RESERVED: Record<TokenKind, ReadonlySet<string>> = {
  access: new Set([...RESERVED_IN_BOTH, ...RESERVED_IN_ACCESS_ONLY]),
  identity: new Set([...RESERVED_IN_BOTH, ...RESERVED_IN_ID_ONLY]),
};

/** Token lifetime bounds Okta accepts, in seconds (5 minutes to 24 hours). */
export const LIFETIME_SECONDS = { min: 300, max: 86_400 } as const;

const TOKEN_LABEL: Record<TokenKind, string> = { access: 'access tokens', identity: 'ID tokens' };

// Okta refuses claim names with control characters, and trims names it stores: ' team' would not be 'team'.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const OUTER_WHITESPACE = /^\s|\s$/;

/** Why a hook may not set or remove `claim` in `token`, or undefined when it may. */
export function claimProblem(token: TokenKind, claim: string): string | undefined {
  if (claim.length === 0) return 'claim names must not be empty';
  if (CONTROL_CHARACTER.test(claim)) return `claim ${JSON.stringify(claim)} has a control character in its name`;
  if (OUTER_WHITESPACE.test(claim)) return `claim ${JSON.stringify(claim)} starts or ends with whitespace: trim the name`;
  // fast-json-patch refuses it, and no token needs it.
  if (claim === '__proto__') return "claim '__proto__' cannot be patched";
  if (RESERVED[token].has(claim)) return `claim '${claim}' is reserved in ${TOKEN_LABEL[token]}`;
  return undefined;
}

// Okta's system claims of an access token: it may take a new value, but never be removed.
const KEPT_IN_ACCESS = new Set(['sub', 'aud']);

/** Why a hook may not remove `claim` from `token`, or undefined when it may. */
export function removalProblem(token: TokenKind, claim: string): string | undefined {
  const problem = claimProblem(token, claim);
  if (problem) return problem;
  if (token === 'access' && KEPT_IN_ACCESS.has(claim)) return `claim '${claim}' cannot be removed from access tokens (okta requires it)`;
  return undefined;
}

/** Why Okta would refuse `seconds` as a token lifetime, or undefined when it is accepted. */
export function lifetimeProblem(seconds: number): string | undefined {
  if (!Number.isInteger(seconds) || seconds < LIFETIME_SECONDS.min || seconds > LIFETIME_SECONDS.max) {
    return `lifetime must be a whole number of seconds from ${LIFETIME_SECONDS.min} to ${LIFETIME_SECONDS.max}`;
  }
  return undefined;
}
