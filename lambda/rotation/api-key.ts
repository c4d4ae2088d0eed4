import { randomInt } from 'node:crypto';

/** Same shape as the key the stack generates first: 64 letters and digits (about 380 bits). */
export const API_KEY_LENGTH = 64;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new API key: letters and digits only, so it travels in an HTTP header as is (Okta sends the
 * registered value verbatim) and needs no escaping anywhere.
 */
export function generateApiKey(): string {
  let key = '';
  for (let i = 0; i < API_KEY_LENGTH; i += 1) key += ALPHABET[randomInt(ALPHABET.length)];
  return key;
}
