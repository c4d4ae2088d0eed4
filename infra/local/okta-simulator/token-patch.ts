import jsonPatch, { type Operation as PatchOperation } from 'fast-json-patch';

/** A token as the hook sees it: its claims and its lifetime in seconds. */
export interface TokenContent {
  claims: Record<string, unknown>;
  lifetime: number;
}

export interface MintedTokens {
  access: TokenContent;
  identity?: TokenContent;
}

export type PatchVerdict = { ok: true; tokens: MintedTokens } | { ok: false; reason: string };

export const IDENTITY_PATCH = 'com.okta.identity.patch';
export const ACCESS_PATCH = 'com.okta.access.patch';

/** Okta's limit on a hook response. */
export const MAX_RESPONSE_BYTES = 256 * 1024;
export const MIN_LIFETIME_SECONDS = 300;
export const MAX_LIFETIME_SECONDS = 86_400;

const RESERVED_BOTH = ['acr', 'auth_time', 'cid', 'cnf', 'exp', 'groups', 'iat', 'iss', 'jti', 'sid', 'token_type', 'ver'];
/** Contract §2.4: claims a token hook may not add, change or remove, per token. */
export const RESERVED_CLAIMS = {
  identity: new Set([
    ...RESERVED_BOTH,
    ...['active', 'aid', 'amr', 'app_id', 'app_type', 'at_hash', 'aud', 'c_hash', 'client_id', 'client_ip', 'client_req_id'],
    ...['client_type', 'client_user_agent', 'device_compliance', 'device_id', 'device_known', 'device_managed', 'device_name'],
    ...['device_trust', 'did', 'dst', 'group', 'hotk', 'idp', 'idp_iss', 'mac_key', 'may_act', 'nonce', 'oid'],
    ...['okta_emailVerified', 'okta_lastUpdated', 'orig', 'permissions', 'purpose', 'pwd_exp_days', 'pwd_exp_time', 'rid'],
    ...['role', 'scope', 'scopes', 'sub', 'term', 'user_ip'],
  ]),
  access: new Set([...RESERVED_BOTH, 'as_uri', 'authorization_details', 'rpt', 'rsi', 'scp', 'uid', 'username']),
} as const;

type TokenName = keyof MintedTokens;
type Operation = { op: string; path: string; value?: unknown };

class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Okta's own rules for one operation, before JSON Patch semantics (existence, indexes) are checked. */
function checkOperation(token: TokenName, raw: unknown): Operation {
  if (raw === null || typeof raw !== 'object') throw new InvalidCommandError('an operation is not an object');
  const { op, path, value } = raw as Record<string, unknown>;
  if (op !== 'add' && op !== 'replace' && op !== 'remove') throw new InvalidCommandError(`unsupported op '${String(op)}'`);
  if (typeof path !== 'string') throw new InvalidCommandError('an operation has no path');
  if (op === 'remove' && value !== undefined && value !== null) throw new InvalidCommandError(`remove at ${path} carries a value`);
  if (path === '/token/lifetime/expiration') {
    if (op !== 'replace') throw new InvalidCommandError('the lifetime can only be replaced');
    if (!Number.isInteger(value) || (value as number) < MIN_LIFETIME_SECONDS || (value as number) > MAX_LIFETIME_SECONDS) {
      throw new InvalidCommandError(`lifetime ${JSON.stringify(value)} is outside ${MIN_LIFETIME_SECONDS}..${MAX_LIFETIME_SECONDS} seconds`);
    }
    return { op, path, value };
  }
  const segments = path.split('/');
  if (segments[0] !== '' || segments[1] !== 'claims' || !segments[2]) throw new InvalidCommandError(`unsupported path ${path}`);
  const claim = unescape(segments[2]);
  if (RESERVED_CLAIMS[token].has(claim)) throw new InvalidCommandError(`claim '${claim}' is reserved in the ${token} token`);
  if (op !== 'remove' && value === undefined) throw new InvalidCommandError(`${op} at ${path} has no value`);
  return op === 'remove' ? { op, path } : { op, path, value };
}

/**
 * Applies a token hook's `commands` with Okta's semantics: each command must target a token being
 * minted and use a current command type; each operation must respect reserved claims, existing claims
 * for `replace`/`remove`, and the lifetime bounds. One invalid operation skips the whole patch.
 */
export function applyTokenCommands(commands: unknown, tokens: MintedTokens): PatchVerdict {
  if (commands === undefined || commands === null) return { ok: true, tokens };
  try {
    if (!Array.isArray(commands)) throw new InvalidCommandError('commands is not an array');
    const documents: Partial<Record<TokenName, { claims: Record<string, unknown>; token: { lifetime: { expiration: number } } }>> = {};
    for (const name of ['access', 'identity'] as const) {
      const content = tokens[name];
      if (content) documents[name] = { claims: structuredClone(content.claims), token: { lifetime: { expiration: content.lifetime } } };
    }
    for (const command of commands as unknown[]) {
      const { type, value } = (command ?? {}) as Record<string, unknown>;
      const name: TokenName | undefined = type === ACCESS_PATCH ? 'access' : type === IDENTITY_PATCH ? 'identity' : undefined;
      if (!name) throw new InvalidCommandError(`unsupported command type '${String(type)}'`);
      const document = documents[name];
      if (!document) throw new InvalidCommandError(`${String(type)} targets a token that is not being minted`);
      if (!Array.isArray(value)) throw new InvalidCommandError(`${String(type)} has no list of operations`);
      const operations = value.map((operation) => checkOperation(name, operation));
      try {
        jsonPatch.applyPatch(document, operations as PatchOperation[], true, true);
      } catch (error) {
        throw new InvalidCommandError(error instanceof Error ? error.message.split('\n')[0]! : 'the patch does not apply');
      }
    }
    const patched = (name: TokenName): TokenContent | undefined => {
      const document = documents[name];
      return document ? { claims: document.claims, lifetime: document.token.lifetime.expiration } : undefined;
    };
    const identity = patched('identity');
    return { ok: true, tokens: { access: patched('access')!, ...(identity ? { identity } : {}) } };
  } catch (error) {
    if (error instanceof InvalidCommandError) return { ok: false, reason: error.message };
    throw error;
  }
}
