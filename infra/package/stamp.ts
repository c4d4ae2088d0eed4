import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What a build was made from and what it wrote, kept between runs so a build with nothing changed is
 * skipped. Under node_modules/.cache: never committed or packed, and gone with node_modules.
 */
const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/okta-token-hook/', import.meta.url));

export const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** A file's hash, or undefined when it is gone. */
export function hashOf(path: string): string | undefined {
  try {
    return sha256(readFileSync(path));
  } catch {
    return undefined;
  }
}

export function readStamp<T>(name: string): T | undefined {
  try {
    return JSON.parse(readFileSync(join(CACHE_DIR, name), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Written whole (a rename): parallel builds never read half of one. */
export function writeStamp(name: string, stamp: unknown): void {
  const file = join(CACHE_DIR, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.${process.pid}`, JSON.stringify(stamp));
  renameSync(`${file}.${process.pid}`, file);
}
