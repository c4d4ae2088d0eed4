import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAMBDA_BUNDLING } from '../bundling.js';

/**
 * The Lambda code this package ships prebuilt (`npm run build` writes `assets/<function>/index.mjs`):
 * a consumer's synth copies it, and bundles nothing but their own transform.
 */
export const FUNCTION_ASSETS = ['token-hook', 'registrar', 'rotation'] as const;
export type FunctionAsset = (typeof FUNCTION_ASSETS)[number];

const PACKAGE_NAME = 'okta-token-hook';
let packageRoot: string | undefined;

/** The package's root: the same walk works from `infra/` in the repository and from `dist/<format>/infra/`. */
export function findPackageRoot(): string {
  if (packageRoot) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) {
      packageRoot = dir;
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The directory holding the prebuilt code of `name`; throws naming the fix when the package is not built. */
export function functionAssetDir(name: FunctionAsset): string {
  const dir = join(findPackageRoot(), 'assets', name);
  if (!existsSync(join(dir, LAMBDA_BUNDLING.outputFile))) {
    throw new Error(`the prebuilt Lambda code is missing (${dir}): run 'npm run build' in the ${PACKAGE_NAME} package`);
  }
  return dir;
}
