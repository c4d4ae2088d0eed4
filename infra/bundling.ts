import { basename, dirname, extname } from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';

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
   * does without the SDK (one signed request reads its key): bundling the SDK imports faster than the
   * runtime's copy, but neither comes near the signed request (`npm run bench`, cold start).
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
  /**
   * Put what is only imported on demand (`await import()`) in chunk files beside the entry, so a cold
   * start never reads or parses code it does not run. @default false
   */
  readonly splitting?: boolean;
  /**
   * Every input is an ES module, so no file gets the `require` banner (a `createRequire` per file at
   * cold start); bundling fails naming the input if a CommonJS one turns up. @default false
   */
  readonly esmOnly?: boolean;
}

/**
 * The token hook runtime as shipped: its claim logic in `transform.mjs` beside it; zod (needed only when
 * the settings do not match their digest) and jose (OAuth 2.0 only) in chunks the API key path never loads.
 */
export const HOOK_RUNTIME_BUNDLE: LocalBundleOptions = { transformBeside: true, splitting: true, esmOnly: true };

/** Turns the hook handler's `./transform.js` import into an import of `transform.mjs` next to the bundle. */
const transformBeside: Plugin = {
  name: 'transform-beside',
  setup(build) {
    build.onResolve({ filter: /^\.\/transform\.js$/ }, () => ({ path: `./${HOOK_TRANSFORM_FILE}`, external: true }));
  },
};

/** esbuild options equivalent to what CDK runs for `entry`. */
export function esbuildOptions(entry: string, outfile: string, options: LocalBundleOptions = {}): BuildOptions {
  const output: BuildOptions = options.splitting
    ? {
        outdir: dirname(outfile),
        entryNames: basename(outfile, extname(outfile)),
        chunkNames: 'chunk-[hash]',
        outExtension: { '.js': extname(outfile) },
        splitting: true,
      }
    : { outfile };
  return {
    entryPoints: [entry],
    ...output,
    bundle: true,
    platform: 'node',
    target: LAMBDA_BUNDLING.target,
    format: LAMBDA_BUNDLING.format,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    external: options.includeAwsSdk ? [] : [...LAMBDA_BUNDLING.externalModules],
    ...(options.esmOnly ? {} : { banner: { js: LAMBDA_BUNDLING.banner } }),
    logLevel: 'silent',
    ...(options.transformBeside ? { plugins: [transformBeside] } : {}),
  };
}

/** Throws naming the first CommonJS input of an `esmOnly` build of `entry`: it would need the `require` banner. */
export function checkEsmOnly(entry: string, metafile: Metafile): void {
  const commonJs = Object.entries(metafile.inputs).find(([, input]) => input.format === 'cjs')?.[0];
  if (commonJs) throw new Error(`${entry} is bundled without the require banner but imports the CommonJS ${commonJs}: bundle it without esmOnly`);
}

/** Bundles `entry` to `outfile` (and its chunks beside it) as CDK would; returns the size in bytes of all files written. */
export async function bundleLocally(entry: string, outfile: string, options: LocalBundleOptions = {}): Promise<number> {
  const { build } = await import('esbuild');
  const result = await build({ ...esbuildOptions(entry, outfile, options), metafile: true });
  const outputs = Object.values(result.metafile?.outputs ?? {});
  if (outputs.length === 0) throw new Error(`esbuild wrote no output for ${entry}`);
  if (options.esmOnly && result.metafile) checkEsmOnly(entry, result.metafile);
  return outputs.reduce((sum, output) => sum + output.bytes, 0);
}
