import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';

/** cdk.json's context: tests synthesize with the same feature flags and environments as `cdk synth`. */
export const cdkContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
  string,
  unknown
>;

/**
 * An App with cdk.json's context for template assertions: no bundling (no esbuild run) and no
 * built-in CloudFormation validation (its WASM engine costs ~10 s per process); the synth test in
 * app.test.ts runs both for real.
 */
export function appWithoutBundling(): App {
  return new App({
    context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] },
    analyticsReporting: false,
    builtinCloudFormationValidation: false,
  });
}

/**
 * Asset hashes change with every source edit, and so do the logical ids of Lambda versions (they hash
 * the code): snapshots keep only their shape.
 */
export function maskAssetHashes(template: unknown): unknown {
  const json = JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '<asset-hash>')
    .replace(/(CurrentVersion[0-9A-F]{8})[0-9a-f]{32}/g, '$1<code-hash>');
  return JSON.parse(json);
}
