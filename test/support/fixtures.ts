import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Loads `test/fixtures/<source>/<name>.json`, freshly parsed so a test may change it. */
export function loadFixture<T = unknown>(source: string, name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/${source}/${name}.json`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
