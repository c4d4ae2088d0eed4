import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';
import { checkEsmOnly, esbuildOptions, HOOK_RUNTIME_BUNDLE, HOOK_TRANSFORM_FILE, LAMBDA_BUNDLING, NO_TRANSFORM_MODULE } from '../bundling.js';
import type { FunctionAsset } from '../constructs/package-assets.js';
import { hashOf as hashOfFile, readStamp, sha256, writeStamp } from './stamp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const root = (path: string): string => join(ROOT, path);

/** The Lambda code the package ships prebuilt in `assets/<function>/`, from these entries. */
const ENTRIES: Record<FunctionAsset, string> = {
  'token-hook': 'lambda/token-hook/handler.ts',
  registrar: 'lambda/registrar/handler.ts',
  rotation: 'lambda/rotation/handler.ts',
};

/** What the last asset build read and wrote, with their hashes: a build with nothing changed is skipped. */
const STAMP = 'assets.json';

interface Stamp {
  /** The build's settings: this module, the bundling options, tsconfig.json (esbuild reads it), the lockfile, esbuild's version. */
  readonly settings: string;
  /** Every file esbuild read (from its metafile) and every file written, relative to the root. */
  readonly files: Record<string, string>;
}

function settingsHash(): string {
  const files = [fileURLToPath(import.meta.url), root('infra/bundling.ts'), root('tsconfig.json'), root('package-lock.json')];
  return sha256(JSON.stringify([...files.map((file) => readFileSync(file, 'utf8')), esbuildVersion]));
}

const hashOf = (path: string): string | undefined => hashOfFile(root(path));

function assetsUpToDate(settings: string): boolean {
  const stamp = readStamp<Stamp>(STAMP);
  return stamp?.settings === settings && Object.entries(stamp.files).every(([path, hash]) => hashOf(path) === hash);
}

/**
 * Bundles into a scratch directory, then moves each file into place only when it changed: a synth or a
 * test reading `assets/` while another run rebuilds it never sees a missing or half-written file. Chunks
 * of an earlier build (their names carry a hash) go once the new files are in place. Skipped when no
 * file the last build read or wrote has changed since (every synth runs this).
 */
export async function buildAssets(): Promise<void> {
  const settings = settingsHash();
  if (assetsUpToDate(settings)) return;
  const scratch = root(`assets/.building-${process.pid}`);
  const read = new Set<string>();
  rmSync(scratch, { recursive: true, force: true });
  try {
    await Promise.all(
      Object.entries(ENTRIES).map(async ([name, entry]) => {
        const dir = join(scratch, name);
        mkdirSync(dir, { recursive: true });
        // The hook's claim logic is a file of its own: a consumer's transform replaces it at synth.
        const bundling = name === 'token-hook' ? HOOK_RUNTIME_BUNDLE : {};
        const { metafile } = await build({ ...esbuildOptions(root(entry), join(dir, LAMBDA_BUNDLING.outputFile), bundling), absWorkingDir: ROOT, metafile: true });
        if (bundling.esmOnly) checkEsmOnly(entry, metafile);
        for (const input of Object.keys(metafile.inputs)) read.add(input);
        if (name === 'token-hook') writeFileSync(join(dir, HOOK_TRANSFORM_FILE), NO_TRANSFORM_MODULE);
      }),
    );
    const written: string[] = [];
    for (const file of filesUnder(scratch)) {
      const target = join('assets', relative(scratch, file));
      written.push(target);
      if (existsSync(root(target)) && readFileSync(root(target)).equals(readFileSync(file))) continue;
      mkdirSync(dirname(root(target)), { recursive: true });
      renameSync(file, root(target));
    }
    for (const name of Object.keys(ENTRIES)) {
      for (const file of filesUnder(root(join('assets', name)))) if (!written.includes(relative(ROOT, file))) rmSync(file);
    }
    const files: Record<string, string> = {};
    for (const path of [...read, ...written]) {
      const hash = hashOf(path);
      if (hash) files[path] = hash;
    }
    writeStamp(STAMP, { settings, files } satisfies Stamp);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

