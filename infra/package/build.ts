import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { buildAssets, filesUnder } from './assets.js';
import { hashOf, readStamp, sha256, writeStamp } from './stamp.js';

/**
 * `npm run build` (also run by `npm ci` and `npm pack`): the package as a consumer installs it.
 * - `assets/<function>/`: each Lambda bundled once, here, so a consumer's synth only copies it
 *   (`assets.ts`; skipped when nothing it is built from changed);
 * - `dist/esm/`: the library and the CLI as ES modules with type declarations (tsc);
 * - `dist/cjs/`: the same as CommonJS, for apps made by `cdk init` (no `"type": "module"`).
 * With `--assets`, only the assets: what the tests and the repository's own synth need after an edit.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const root = (path: string): string => join(ROOT, path);

/** `import.meta.url` in CommonJS: the file's own URL, as the ES module would see it. */
const IMPORT_META_SHIM = "const __importMetaUrl=require('node:url').pathToFileURL(__filename).href;";

/** What the last library build was made from and wrote: `npm run build` with nothing changed is skipped. */
const LIBRARY_STAMP = 'library.json';

interface LibraryStamp {
  readonly sources: string;
  /** Every file written under dist/, relative to the root, with its hash. */
  readonly files: Record<string, string>;
}

/**
 * Every file tsc and this script read for dist/: a superset (all of infra/ and lambda/), so an unrelated
 * edit rebuilds and a related one is never missed.
 */
function librarySources(): string {
  const files = [...filesUnder(root('infra')), ...filesUnder(root('lambda'))].sort();
  files.push(...['tsconfig.json', 'package-lock.json'].map(root));
  return sha256(JSON.stringify(files.map((file) => [relative(ROOT, file), hashOf(file)])));
}

function distFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const file of filesUnder(root('dist'))) files[relative(ROOT, file)] = hashOf(file) ?? '';
  return files;
}

function libraryUpToDate(sources: string): boolean {
  const stamp = readStamp<LibraryStamp>(LIBRARY_STAMP);
  if (stamp?.sources !== sources || !existsSync(root('dist'))) return false;
  const files = distFiles();
  const paths = Object.keys(stamp.files);
  return paths.length === Object.keys(files).length && paths.every((path) => files[path] === stamp.files[path]);
}

/**
 * Skipped when nothing changed since the last build: `npm ci` builds once, and the first
 * `npx okta-token-hook` in the repository installs it into npx's cache, which runs `prepare` again.
 */
function buildLibrary(): void {
  const sources = librarySources();
  if (libraryUpToDate(sources)) return;
  rmSync(root('dist'), { recursive: true, force: true });
  execFileSync(process.execPath, [root('node_modules/typescript/bin/tsc'), '-p', root('infra/package/tsconfig.json')], { stdio: 'inherit' });
  const esm = root('dist/esm');
  const cjs = root('dist/cjs');
  for (const file of filesUnder(esm)) {
    const target = join(cjs, relative(esm, file));
    mkdirSync(dirname(target), { recursive: true });
    if (!file.endsWith('.js')) {
      copyFileSync(file, target);
      continue;
    }
    const source = readFileSync(file, 'utf8');
    const usesImportMeta = source.includes('import.meta.url');
    const { code } = transformSync(source, {
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      ...(usesImportMeta ? { define: { 'import.meta.url': '__importMetaUrl' }, banner: IMPORT_META_SHIM } : {}),
    });
    writeFileSync(target, code);
  }
  // The package is `"type": "module"`: this marks the `.js` files below as CommonJS.
  writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  writeStamp(LIBRARY_STAMP, { sources, files: distFiles() } satisfies LibraryStamp);
}

await buildAssets();
if (!process.argv.includes('--assets')) buildLibrary();
