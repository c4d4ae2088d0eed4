import { build, type BuildOptions } from 'esbuild';

/**
 * How every Lambda of the project is bundled: one description read by the CDK construct
 * (`NodejsFunction` bundling) and by the local tools (sandbox, bench), so what runs here is what
 * runs in AWS.
 */
export const LAMBDA_BUNDLING = {
  minify: true,
  sourceMap: false,
  target: 'node24',
  format: 'esm',
  /** The Node.js 24 runtime ships AWS SDK v3; bundling it again only costs cold start. */
  externalModules: ['@aws-sdk/*'],
  mainFields: ['module', 'main'],
  /** ESM bundles still meet CommonJS dependencies that call `require` for Node built-ins. */
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  outputFile: 'index.mjs',
} as const;

export interface LocalBundleOptions {
  /** Also bundle the AWS SDK (to measure it, or to run where no SDK is provided). @default false */
  readonly includeAwsSdk?: boolean;
}

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
  };
}

/** Bundles `entry` to `outfile` as CDK would; returns the bundle's size in bytes. */
export async function bundleLocally(entry: string, outfile: string, options: LocalBundleOptions = {}): Promise<number> {
  const result = await build({ ...esbuildOptions(entry, outfile, options), metafile: true });
  const output = Object.values(result.metafile?.outputs ?? {})[0];
  if (!output) throw new Error(`esbuild wrote no output for ${entry}`);
  return output.bytes;
}
