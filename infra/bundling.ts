import type { BuildOptions, Plugin } from 'esbuild';

/**
 * How every Lambda of the project is bundled: one description read by the package build (the prebuilt
 * `assets/<function>/`), by the construct (a user's transform, bundled at synth) and by the local tools
 * (sandbox, bench), so what runs here is what runs in AWS. esbuild is loaded only when something is
 * bundled: a consumer without a transform never needs it.
 */
export const LAMBDA_BUNDLING = {
  minify: true,
  sourceMap: false,
  target: 'node24',
  format: 'esm',
  /**
   * The Node.js 24 runtime ships AWS SDK v3, which the registrar and rotation load from it. The hook
   * does without the SDK (one signed fetch reads its key): bundling the SDK imports faster than the
   * runtime's copy, but neither comes near the signed fetch (`npm run bench`, cold start).
   */
  externalModules: ['@aws-sdk/*'],
  mainFields: ['module', 'main'],
  /** ESM bundles still meet CommonJS dependencies that call `require` for Node built-ins. */
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  outputFile: 'index.mjs',
} as const;

/**
 * The token hook ships as two files: the prebuilt runtime (`index.mjs`) and the claim logic it imports
 * (`transform.mjs`): the user's transform bundled at synth, or a module without one.
 */
export const HOOK_TRANSFORM_FILE = 'transform.mjs';
/** `transform.mjs` of a hook that runs the claim rules only. */
export const NO_TRANSFORM_MODULE = 'export const transform = undefined;\n';
/** The export a transform module must have. */
export const TRANSFORM_EXPORT = 'transform';

export interface LocalBundleOptions {
  /** Also bundle the AWS SDK (to measure it, or to run where no SDK is provided). @default false */
  readonly includeAwsSdk?: boolean;
  /** Leave `./transform.js` out of the bundle, imported from `transform.mjs` beside it. @default false */
  readonly transformBeside?: boolean;
}

/** Turns the hook handler's `./transform.js` import into an import of `transform.mjs` next to the bundle. */
const transformBeside: Plugin = {
  name: 'transform-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/transform\.js$/ }, () => ({ path: `./${HOOK_TRANSFORM_FILE}`, external: true }));
  },
};

/** esbuild options equivalent to what CDK runs for `entry`. */
export function esbuildOptions(entry: string, outfile: string, options: LocalBundleOptions = {}): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLING.target,
    format: LAMBDA_BUNDLING.format,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    external: options.includeAwsSdk ? [] : [...LAMBDA_BUNDLING.externalModules],
    banner: { js: LAMBDA_BUNDLING.banner },
    logLevel: 'silent',
    ...(options.transformBeside ? { plugins: [transformBeside] } : {}),
  };
}

/** Bundles `entry` to `outfile` as CDK would; returns the bundle's size in bytes. */
export async function bundleLocally(entry: string, outfile: string, options: LocalBundleOptions = {}): Promise<number> {
  const { build } = await import('esbuild');
  const result = await build({ ...esbuildOptions(entry, outfile, options), metafile: true });
  const output = Object.values(result.metafile?.outputs ?? {})[0];
  if (!output) throw new Error(`esbuild wrote no output for ${entry}`);
  return output.bytes;
}
