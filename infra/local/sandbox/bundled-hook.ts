import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HOOK_ENV } from '../../../lambda/shared/contract.js';
import type { HookAuth } from '../../../lambda/shared/hook-auth.js';
import type { HookConfig } from '../../../lambda/shared/hook-config.js';
import { hookSettingsEnvironment } from '../../../lambda/shared/hook-settings.js';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../../lambda/token-hook/function-url.js';
import { bundleLocally, HOOK_RUNTIME_BUNDLE, HOOK_TRANSFORM_FILE, LAMBDA_BUNDLING } from '../../bundling.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOOK_ENTRY = join(REPO_ROOT, 'lambda/token-hook/handler.ts');
/** This repository's transform, what every environment of cdk.json runs. */
export const REPO_TRANSFORM = join(REPO_ROOT, 'lambda/token-hook/transform.ts');
// Inside the repo so the bundle's external `@aws-sdk/*` imports resolve from node_modules, the way the
// Lambda runtime provides them: the bundle stays byte-for-byte what CDK ships.
const CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/okta-token-hook');

export interface BundledHook {
  readonly handler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult>;
  /** Size of the bundle, as CDK would upload it. */
  readonly bytes: number;
  /** Removes the bundle from disk. */
  dispose(): void;
}

function setOrDelete(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes bundles left by sandboxes that were killed before they could clean up. */
function removeStaleBundles(): void {
  if (!existsSync(CACHE_DIR)) return;
  for (const name of readdirSync(CACHE_DIR)) {
    const pid = Number(/^sandbox-(\d+)-/.exec(name)?.[1]);
    if (pid && !isRunning(pid)) rmSync(join(CACHE_DIR, name), { recursive: true, force: true });
  }
}

/**
 * Bundles the hook and its transform (`transform`, default this repository's) as the construct does,
 * and loads it as Lambda would: its environment variables set first, then the module imported, which
 * reads its key from Secrets Manager during import (at the endpoint in `AWS_ENDPOINT_URL_SECRETS_MANAGER`).
 * Each load is a fresh directory, so a reload imports the new code.
 */
export async function loadBundledHook(options: { apiKeySecretArn?: string; auth?: HookAuth; config: HookConfig; transform?: string }): Promise<BundledHook> {
  removeStaleBundles();
  const dir = join(CACHE_DIR, `sandbox-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, LAMBDA_BUNDLING.outputFile);
  try {
    // As the construct deploys them: the runtime with its chunks, and the transform beside it.
    const [hookBytes, transformBytes] = await Promise.all([
      bundleLocally(HOOK_ENTRY, outfile, HOOK_RUNTIME_BUNDLE),
      bundleLocally(options.transform ?? REPO_TRANSFORM, join(dir, HOOK_TRANSFORM_FILE)),
    ]);
    const bytes = hookBytes + transformBytes;
    // As the construct sets them: no key secret with OAuth 2.0 only, no HOOK_AUTH with the API key.
    setOrDelete(HOOK_ENV.apiKeySecretArn, options.apiKeySecretArn);
    delete process.env[HOOK_ENV.hookAuth];
    Object.assign(process.env, hookSettingsEnvironment(options.config, options.auth));
    const module = (await import(pathToFileURL(outfile).href)) as Pick<BundledHook, 'handler'>;
    return { handler: module.handler, bytes, dispose: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
