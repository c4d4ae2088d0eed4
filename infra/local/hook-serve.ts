import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseHookAuth, type HookAuth } from '../../lambda/shared/hook-auth.js';
import { acceptsApiKey, API_KEY_AUTH } from '../../lambda/shared/hook-settings.js';
import { parseHookConfig, type HookConfig } from '../../lambda/shared/hook-config.js';
import { readCdkContext } from '../cli/environment.js';
import { SecretsManagerStore, type SecretStore } from '../../lambda/shared/secret-store.js';
import type { Transform } from '../../lambda/token-hook/evaluate.js';
import type { HookLogger } from '../../lambda/token-hook/log.js';
import { createTokenHookFromStore } from '../../lambda/token-hook/token-hook.js';
import { transform as userTransform } from '../../lambda/token-hook/transform.js';
import { startFunctionUrlEmulator } from './function-url-emulator.js';
import { startLocalSecretsManager } from './secrets-manager/index.js';

/**
 * `npm run hook:serve`: the token hook on this machine, behind the Function URL emulator, with its API
 * key in the local Secrets Manager and read through the real SDK, exactly as the Lambda reads it.
 */

const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `hook` block of the example environment in cdk.json. */
export function exampleHookConfig(): HookConfig {
  const context = readCdkContext(PROJECT_ROOT) as { environments?: { example?: { hook?: unknown } } };
  return parseHookConfig(context.environments?.example?.hook ?? {});
}

/** `HOOK_CONFIG` as JSON text or a path to a JSON file; the example environment's hook when unset. */
export function hookConfigFrom(value: string | undefined): HookConfig {
  if (!value?.trim()) return exampleHookConfig();
  if (value.trim().startsWith('{')) return parseHookConfig(value);
  const path = resolve(value);
  if (!existsSync(path)) throw new Error(`HOOK_CONFIG is neither JSON nor an existing file: ${path}`);
  return parseHookConfig(readFileSync(path, 'utf8'));
}

export interface HookServeOptions {
  /** @default 0 (ephemeral) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default a random key */
  readonly apiKey?: string;
  /** @default the example environment's hook config */
  readonly config?: HookConfig;
  /** OAuth 2.0 mode: the issuer, audience and scope of the bearer tokens Okta sends. @default the API key */
  readonly auth?: HookAuth;
  /** Where the issuer's JWKS is read. @default `${issuer}/v1/keys` */
  readonly jwksUri?: string;
  /** @default 30000 */
  readonly jwksRefetchIntervalMs?: number;
  /** @default lambda/token-hook/transform.ts */
  readonly transform?: Transform;
  readonly log?: HookLogger;
  /** Use this store and secret instead of starting a local Secrets Manager (the key then lives there). */
  readonly secrets?: { readonly store: SecretStore; readonly apiKeySecretArn: string };
  /** @default 5000 */
  readonly keyRecheckIntervalMs?: number;
}

export interface ServedHook {
  /** The hook's URL, e.g. `http://127.0.0.1:8787/`. */
  readonly url: string;
  /** The key to send in the auth header (undefined when `secrets` was given). */
  readonly apiKey: string | undefined;
  readonly config: HookConfig;
  close(): Promise<void>;
}

export async function serveHook(options: HookServeOptions = {}): Promise<ServedHook> {
  const config = options.config ?? exampleHookConfig();
  const auth = options.auth ?? API_KEY_AUTH;
  let apiKey: string | undefined;
  let secrets = options.secrets;
  let closeSecrets = async (): Promise<void> => undefined;
  if (!secrets && acceptsApiKey(auth)) {
    apiKey = options.apiKey ?? randomBytes(24).toString('base64url');
    const local = await startLocalSecretsManager();
    secrets = { store: new SecretsManagerStore(local.client()), apiKeySecretArn: local.createSecret('okta-token-hook/api-key', apiKey) };
    closeSecrets = () => local.close();
  }
  const hook = await createTokenHookFromStore({
    config,
    auth,
    ...(options.jwksUri ? { jwksUri: options.jwksUri } : {}),
    ...(options.jwksRefetchIntervalMs !== undefined ? { jwksRefetchIntervalMs: options.jwksRefetchIntervalMs } : {}),
    ...(secrets ? { secretStore: secrets.store, apiKeySecretArn: secrets.apiKeySecretArn } : {}),
    transform: options.transform ?? userTransform,
    ...(options.log ? { log: options.log } : {}),
    ...(options.keyRecheckIntervalMs !== undefined ? { keyRecheckIntervalMs: options.keyRecheckIntervalMs } : {}),
  });
  const emulator = await startFunctionUrlEmulator({ handler: hook, port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return {
    url: emulator.url,
    apiKey,
    config,
    close: async () => {
      await emulator.close();
      await closeSecrets();
    },
  };
}

async function main(): Promise<void> {
  const config = hookConfigFrom(process.env['HOOK_CONFIG']);
  const auth = parseHookAuth(process.env['HOOK_AUTH']);
  const given = process.env['HOOK_API_KEY'];
  const served = await serveHook({ port: Number(process.env['PORT'] ?? 8787), config, auth, ...(given ? { apiKey: given } : {}) });
  console.log(`token hook listening on ${served.url} (Function URL emulator, payload format 2.0)`);
  if (auth.type === 'oauth2') console.log(`OAuth 2.0: bearer tokens of ${auth.issuer} for audience ${auth.audience} with scope ${auth.scope}${auth.acceptApiKey ? ', or the API key' : ''}`);
  console.log(`auth header: ${config.authHeader}: ${given ? '<HOOK_API_KEY>' : served.apiKey}`);
  console.log(`rules: ${config.rules.map((rule) => rule.name).join(', ') || '(none)'}; failure mode: ${config.failureMode}`);
  console.log(`try: curl -si ${served.url} -H 'content-type: application/json' -H '${config.authHeader}: ${given ? '$HOOK_API_KEY' : served.apiKey}' --data @test/fixtures/token-hook/authorization-code.json`);
  const stop = (): void => void served.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
