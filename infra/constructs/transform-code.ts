import { copyFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage, type ILocalBundling } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { esbuildOptions, HOOK_TRANSFORM_FILE, LAMBDA_BUNDLING, TRANSFORM_EXPORT } from '../bundling.js';
import { functionAssetDir } from './package-assets.js';

type Esbuild = typeof import('esbuild');

/** esbuild from the consumer's project (beside their transform), else from beside this package. */
function loadEsbuild(transformPath: string): Esbuild {
  for (const base of [transformPath, fileURLToPath(import.meta.url)]) {
    try {
      return createRequire(base)('esbuild') as Esbuild;
    } catch {
      // Try the next place.
    }
  }
  throw new Error(`bundling the transform ${transformPath} needs esbuild: run 'npm install --save-dev esbuild' in your CDK app`);
}

/**
 * Bundles the user's transform at synth, on this machine (never Docker), next to a copy of the prebuilt
 * hook runtime. The transform's path is a field: CDK keys its asset cache on the bundling options.
 */
class TransformBundling implements ILocalBundling {
  constructor(readonly transformPath: string) {}

  tryBundle(outputDir: string): boolean {
    const esbuild = loadEsbuild(this.transformPath);
    // The runtime and its chunks (code loaded on demand); only its transform module is replaced.
    const runtime = functionAssetDir('token-hook');
    for (const file of readdirSync(runtime)) if (file !== HOOK_TRANSFORM_FILE) copyFileSync(join(runtime, file), join(outputDir, file));
    const result = esbuild.buildSync({ ...esbuildOptions(this.transformPath, join(outputDir, HOOK_TRANSFORM_FILE)), metafile: true });
    const exported = Object.values(result.metafile?.outputs ?? {})[0]?.exports ?? [];
    if (!exported.includes(TRANSFORM_EXPORT)) {
      throw new Error(
        `${this.transformPath} exports ${exported.length ? exported.join(', ') : 'nothing'}, not '${TRANSFORM_EXPORT}': add 'export const transform: Transform = (request, edit) => { ... }'`,
      );
    }
    return true;
  }
}

/**
 * The hook's code: the prebuilt runtime with the claim rules only, or with `transformPath` (absolute, or
 * relative to where cdk runs) bundled beside it. The asset hash follows the bundle, so an edit of the transform deploys a new version.
 */
export function tokenHookCode(transformPath: string | undefined): lambda.Code {
  const runtime = functionAssetDir('token-hook');
  if (transformPath === undefined) return lambda.Code.fromAsset(runtime);
  return lambda.Code.fromAsset(runtime, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Required by the type; never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: new TransformBundling(resolve(transformPath)),
    },
  });
}
