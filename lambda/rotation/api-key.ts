import { randomBytes } from 'node:crypto';

/** Bytes of entropy in a new key: 256 bits, as many as the SHA-256 digest the hook compares. */
export const API_KEY_BYTES = 32;

/**
 * A new API key: base64url, so it travels in an HTTP header as is (Okta sends the registered value
 * verbatim) and needs no escaping in JSON.
 */
export function generateApiKey(): string {
  return randomBytes(API_KEY_BYTES).toString('base64url');
}
