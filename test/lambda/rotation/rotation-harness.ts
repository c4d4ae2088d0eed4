import { randomUUID } from 'node:crypto';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startFunctionUrlEmulator, type FunctionUrlEmulator } from '../../../infra/local/function-url-emulator.js';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { startLocalSecretsManager, type LocalSecretsManager, type RotationEvent } from '../../../infra/local/secrets-manager/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { generateApiKey } from '../../../lambda/rotation/api-key.js';
import { createRotationHandler } from '../../../lambda/rotation/rotation-function.js';
import { ROTATION_ENV } from '../../../lambda/shared/contract.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { SecretsManagerStore } from '../../../lambda/shared/secret-store.js';
import type { Clock } from '../../../lambda/token-hook/auth.js';
import type { Transform } from '../../../lambda/token-hook/evaluate.js';
import { createTokenHookFromStore, type TokenHook } from '../../../lambda/token-hook/token-hook.js';

/**
 * A whole rotation on this machine: the Okta simulator with the hook registered on the default rule,
 * the real token hook (several "instances", each with its own key cache) behind one Function URL, the
 * local Secrets Manager holding the key and the Okta credentials, and the rotation function wired to
 * its RotateSecret. Delays are short so a rotation takes well under a second.
 */

export const RECHECK_INTERVAL_MS = 150;
const HOOK_CONFIG = parseHookConfig({
  rules: [{ name: 'marker', set: [{ claim: 'rotation_marker', token: 'access', value: 'on' }] }],
});

const MINT = {
  authorizationServer: SEED.defaultServer.id,
  clientId: SEED.webClient.clientId,
  grantType: 'authorization_code',
  scopes: ['openid', 'profile'],
};

export interface Harness {
  readonly sm: LocalSecretsManager;
  readonly okta: OktaSimulator;
  readonly api: OktaApi;
  readonly store: SecretsManagerStore;
  readonly apiKeyArn: string;
  readonly hookId: string;
  readonly hookUrl: string;
  readonly initialKey: string;
  readonly events: Readonly<Record<string, unknown>>[];
  /** Starts one more hook instance (a cold start: it reads the key now). */
  addInstance(clock?: Clock): Promise<void>;
  /** Runs before each Okta call of the rotation function (method, path). */
  beforeOktaCall: ((method: string, path: string) => Promise<void>) | undefined;
  /** Runs after each step the rotation function finished (or failed). */
  afterStep: ((event: RotationEvent) => Promise<void>) | undefined;
  rotate(): Promise<unknown>;
  /** The rotation function itself, to run a step again or out of order. */
  readonly rotationHandler: (event: unknown) => Promise<void>;
  /** The key Okta stores for the hook (the simulator's snapshot). */
  oktaKey(): string | undefined;
  /** Status the hook answers for `key`, on every instance. */
  hookStatuses(key: string): Promise<number[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Hook instances started before the rotation. @default 1 */
  readonly instances?: number;
  /** The hooks' key re-read interval. @default RECHECK_INTERVAL_MS */
  readonly recheckIntervalMs?: number;
  /** The rotation's wait before Okta gets the new key. @default the re-read interval + 50 ms */
  readonly settleDelayMs?: number;
  /** What each step's Lambda context says is left, so its deadlines apply. @default no context */
  readonly remainingMs?: number;
  /** The hooks' transform, applied once the hook is registered. @default none */
  readonly transform?: Transform;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const recheckIntervalMs = options.recheckIntervalMs ?? RECHECK_INTERVAL_MS;
  const sm = await startLocalSecretsManager();
  const okta = await startOktaSimulator();
  const store = new SecretsManagerStore(sm.client({ maxAttempts: 1 }));
  const credentials = { orgUrl: okta.url, apiToken: okta.apiToken };
  const initialKey = generateApiKey();
  const name = `okta-token-hook-rotation-${randomUUID().slice(0, 8)}`;
  const apiKeyArn = sm.createSecret(`${name}/api-key`, initialKey);
  const credentialsArn = sm.createSecret(`${name}/okta-credentials`, JSON.stringify(credentials));

  const instances: TokenHook[] = [];
  // Switched on after the probe request is minted, so only the rotation meets it.
  let transform: Transform = () => undefined;
  let next = 0;
  const emulator: FunctionUrlEmulator = await startFunctionUrlEmulator({
    handler: (event) => instances[next++ % instances.length]!(event),
  });
  const addInstance = async (clock?: Clock): Promise<void> => {
    instances.push(
      await createTokenHookFromStore({
        config: HOOK_CONFIG,
        secretStore: store,
        apiKeySecretArn: apiKeyArn,
        keyRecheckIntervalMs: recheckIntervalMs,
        log: () => undefined,
        transform: (request, edit) => transform(request, edit),
        ...(clock ? { clock } : {}),
      }),
    );
  };
  for (let i = 0; i < (options.instances ?? 1); i += 1) await addInstance();

  const api = createOktaClient({ credentials });
  const hook = await api.createInlineHook({
    name,
    uri: emulator.url,
    authHeader: 'Authorization',
    authValue: initialKey,
    headers: [{ key: 'X-Environment', value: 'rotation-test' }],
  });
  const rule = await api.getPolicyRule(SEED.defaultServer.id, SEED.defaultPolicy.id, SEED.defaultRule.id);
  await api.replacePolicyRule(SEED.defaultServer.id, SEED.defaultPolicy.id, SEED.defaultRule.id, {
    ...rule,
    actions: { ...rule.actions, token: { ...rule.actions?.token, inlineHook: { id: hook.id } } },
  });

  // What Okta sends the hook, to probe the instances directly.
  const probe = (await okta.mintTokens(MINT)).hookRequest;
  if (options.transform) transform = options.transform;
  const events: Readonly<Record<string, unknown>>[] = [];
  const harness: Harness = {
    sm,
    okta,
    api,
    store,
    apiKeyArn,
    hookId: hook.id,
    hookUrl: emulator.url,
    initialKey,
    events,
    addInstance,
    beforeOktaCall: undefined,
    afterStep: undefined,
    rotationHandler: (event) => rotation(event),
    rotate: () => sm.client({ maxAttempts: 1 }).send(new RotateSecretCommand({ SecretId: apiKeyArn, RotationRules: { AutomaticallyAfterDays: 30 } })),
    oktaKey: () => okta.snapshot().inlineHooks.find((h) => h.id === hook.id)?.authValue,
    async hookStatuses(key) {
      const statuses: number[] = [];
      for (let i = 0; i < instances.length; i += 1) {
        const answer = await instances[i]!({
          requestContext: { http: { method: 'POST' }, requestId: `probe-${i}` },
          headers: { 'content-type': 'application/json', authorization: key },
          body: JSON.stringify(probe),
          isBase64Encoded: false,
        } as Parameters<TokenHook>[0]);
        statuses.push(answer.statusCode);
      }
      return statuses;
    },
    async close() {
      await emulator.close();
      await okta.close();
      await sm.close();
    },
  };

  const rotation = createRotationHandler({
    secrets: store,
    env: { [ROTATION_ENV.credentialsSecretArn]: credentialsArn, [ROTATION_ENV.hookName]: name },
    verify: { tries: 2, delayMs: 10, withinMs: 2_000 },
    settleDelayMs: options.settleDelayMs ?? recheckIntervalMs + 50,
    oktaClient: {
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        await harness.beforeOktaCall?.(init?.method ?? 'GET', url.pathname);
        return fetch(input, init);
      },
    },
    log: (event) => events.push(event),
  });
  const context = options.remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => options.remainingMs! };
  sm.setRotationFunction(async (event) => {
    try {
      await rotation(event, context);
    } finally {
      await harness.afterStep?.(event);
    }
  });
  return harness;
}

/** Okta's token path in a loop (the simulator mints with the attached hook) until stopped. */
export function startLoad(okta: OktaSimulator, concurrency = 3): { stop(): Promise<{ total: number; statuses: Record<string, number> }> } {
  let running = true;
  const statuses: Record<string, number> = {};
  const worker = async (): Promise<void> => {
    while (running) {
      const minted = await okta.mintTokens(MINT);
      const key = `${minted.hookOutcome}:${minted.status ?? '-'}`;
      statuses[key] = (statuses[key] ?? 0) + 1;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return { total: Object.values(statuses).reduce((a, b) => a + b, 0), statuses };
    },
  };
}
