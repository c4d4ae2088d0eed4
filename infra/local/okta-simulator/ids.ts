import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** An Okta-looking id: a three-character type prefix and 17 random characters, 20 in all (e.g. `cal…`). */
export function oktaId(prefix: string): string {
  const bytes = randomBytes(17);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % ALPHABET.length];
  return id;
}

/** Prefixes Okta uses for the objects the simulator stores. */
export const ID_PREFIX = {
  inlineHook: 'cal',
  authorizationServer: 'aus',
  policy: '00p',
  rule: '0pr',
  client: '0oa',
  user: '00u',
  session: '102',
  scope: 'scp',
  request: 'req',
  errorId: 'oae',
  refreshToken: 'oar',
} as const;
