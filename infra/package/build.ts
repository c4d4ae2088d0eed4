import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { bundleLocally, HOOK_TRANSFORM_FILE, LAMBDA_BUNDLING, NO_TRANSFORM_MODULE } from '../bundling.js';
import type { FunctionAsset } from '../constructs/package-assets.js';

/**
 * `npm run build` (also run by `npm ci` and `npm pack`): the package as a consumer installs it.
 * - `assets/<function>/`: each Lambda bundled once, here, so a consumer's synth only copies it;
 * - `dist/esm/`: the library and the CLI as ES modules with type declarations (tsc);
 * - `dist/cjs/`: the same as CommonJS, for apps made by `cdk init` (no `"type": "module"`).
 * With `--assets`, only the assets: what the tests and the repository's own synth need after an edit.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const root = (path: string): string => join(ROOT, path);

const ENTRIES: Record<FunctionAsset, string> = {
  'token-hook': 'lambda/token-hook/handler.ts',
  registrar: 'lambda/registrar/handler.ts',
  rotation: 'lambda/rotation/handler.ts',
};

/**
 * Bundles into a scratch directory, then moves each file into place only when it changed: a synth or a
 * test reading `assets/` while another run rebuilds it never sees a missing or half-written file.
 */
async function buildAssets(): Promise<void> {
  const scratch = root(`assets/.building-${process.pid}`);
  rmSync(scratch, { recursive: true, force: true });
  try {
    await Promise.all(
      Object.entries(ENTRIES).map(async ([name, entry]) => {
        const dir = join(scratch, name);
        mkdirSync(dir, { recursive: true });
        // The hook's claim logic is a file of its own: a consumer's transform replaces it at synth.
        await bundleLocally(root(entry), join(dir, LAMBDA_BUNDLING.outputFile), { transformBeside: name === 'token-hook' });
        if (name === 'token-hook') writeFileSync(join(dir, HOOK_TRANSFORM_FILE), NO_TRANSFORM_MODULE);
      }),
    );
    for (const file of filesUnder(scratch)) {
      const target = root(join('assets', relative(scratch, file)));
      if (existsSync(target) && readFileSync(target).equals(readFileSync(file))) continue;
      mkdirSync(dirname(target), { recursive: true });
      renameSync(file, target);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

/** `import.meta.url` in CommonJS: the file's own URL, as the ES module would see it. */
const IMPORT_META_SHIM = "const __importMetaUrl=require('node:url').pathToFileURL(__filename).href;";

function buildLibrary(): void {
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
}

await buildAssets();
if (!process.argv.includes('--assets')) buildLibrary();
