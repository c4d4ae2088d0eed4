import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../infra/local/secrets-manager/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi, RuleLocation } from '../../../lambda/okta/okta-api.js';
import type { OnEventResponse } from '../../../lambda/registrar/cfn-event.js';
import { readOktaCredentials } from '../../../lambda/registrar/credentials-secret.js';
import { handleEvent, type EventDeps } from '../../../lambda/registrar/handle-event.js';
import { resolveTargets } from '../../../lambda/registrar/target.js';
import { SecretsManagerStore } from '../../../lambda/shared/secret-store.js';
import { loadFixture } from '../../support/fixtures.js';

/**
 * Drives the registrar the way CloudFormation does (Provider framework events through `handleEvent`)
 * against the Okta simulator over HTTP, with secrets in the local Secrets Manager and the real hook
 * served by the Function URL emulator, so `/execute` verification runs end to end. Timings are short.
 */

export type Properties = Record<string, unknown>;
type CfnEvent = Record<string, unknown>;

export const DEFAULT_RULE: RuleLocation = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
export const PARTNER_WRITE_RULE: RuleLocation = {
  authServerId: SEED.partnerServer.id,
  policyId: SEED.servicePolicy.id,
  ruleId: SEED.serviceWriteRule.id,
};
export const FAST_VERIFY = { tries: 3, delayMs: 5, withinMs: 2_000 };

const fastSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 5)));

export interface Suite {
  readonly secrets: LocalSecretsManager;
  readonly store: SecretsManagerStore;
  readonly apiKeyArn: string;
  readonly hook: ServedHook;
  /** A second hook server, for URL changes. */
  readonly otherHook: ServedHook;
  org(options?: OrgOptions): Promise<Org>;
  close(): Promise<void>;
}

export interface OrgOptions {
  readonly callTimeoutMs?: number;
  /** Okta's deadline for a hook call (an OAUTH channel's token fetch included). @default 1000 */
  readonly hookTimeoutMs?: number;
}

export interface Org {
  readonly sim: OktaSimulator;
  readonly credentialsArn: string;
  readonly log: object[];
  /** The clock of the registrar and its Okta client: tests move it forward to reach a deadline at once. */
  readonly clock: { offsetMs: number; now(): number };
  readonly deps: EventDeps;
  /** Properties as CloudFormation passes them (strings for booleans), for this org and the suite's hook. */
  properties(overrides?: Properties): Properties;
  create(properties: Properties): Promise<OnEventResponse>;
  update(properties: Properties, old: Properties, physicalId: string): Promise<OnEventResponse>;
  remove(properties: Properties, physicalId: string): Promise<OnEventResponse>;
  /** The stored rule, as the simulator holds it. */
  rule(location?: RuleLocation): Record<string, unknown>;
  hookIds(): string[];
  close(): Promise<void>;
}

export function event(kind: 'create' | 'update' | 'delete', fields: CfnEvent): CfnEvent {
  return { ...loadFixture<CfnEvent>('registrar', kind), ...fields };
}

let secretCount = 0;

export async function startSuite(): Promise<Suite> {
  const secrets = await startLocalSecretsManager();
  const store = new SecretsManagerStore(secrets.client());
  const apiKeyArn = secrets.createSecret('okta-token-hook/test/api-key', 'test-api-key-do-not-log-0123456789');
  const quiet = () => undefined;
  const hook = await serveHook({ secrets: { store, apiKeySecretArn: apiKeyArn }, log: quiet });
  const otherHook = await serveHook({ secrets: { store, apiKeySecretArn: apiKeyArn }, log: quiet });

  async function org(options: OrgOptions = {}): Promise<Org> {
    const sim = await startOktaSimulator({ hookTimeoutMs: options.hookTimeoutMs ?? 1_000, rateLimitPerMinute: 1_000_000 });
    secretCount += 1;
    const credentialsArn = secrets.createSecret(
      `okta-token-hook/test/credentials-${secretCount}`,
      JSON.stringify({ orgUrl: sim.url, apiToken: sim.apiToken }),
    );
    const log: object[] = [];
    const clock = {
      offsetMs: 0,
      now: () => Date.now() + clock.offsetMs,
    };
    const deps: EventDeps = {
      secrets: store,
      resolveTargets,
      verify: FAST_VERIFY,
      sleep: fastSleep,
      now: clock.now,
      log: (line) => log.push(line),
      oktaFor: async (arn) => {
        return createOktaClient({
          credentials: await readOktaCredentials(store, arn),
          now: clock.now,
          retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 },
          callTimeoutMs: options.callTimeoutMs ?? 2_000,
          sleep: fastSleep,
          log: (line) => log.push(line),
        });
      },
    };
    const properties = (overrides: Properties = {}): Properties => ({
      ...loadFixture<{ ResourceProperties: Properties }>('registrar', 'create').ResourceProperties,
      OrgUrl: sim.url,
      CredentialsSecretArn: credentialsArn,
      ApiKeySecretArn: apiKeyArn,
      HookUrl: hook.url,
      ...overrides,
    });
    return {
      sim,
      credentialsArn,
      log,
      clock,
      deps,
      properties,
      create: (props) => handleEvent(event('create', { ResourceProperties: props }), deps),
      update: (props, old, physicalId) =>
        handleEvent(event('update', { ResourceProperties: props, OldResourceProperties: old, PhysicalResourceId: physicalId }), deps),
      remove: (props, physicalId) => handleEvent(event('delete', { ResourceProperties: props, PhysicalResourceId: physicalId }), deps),
      rule: (location = DEFAULT_RULE) => {
        const server = sim.snapshot().authorizationServers.find((s) => s.id === location.authServerId)!;
        const policy = server.policies.find((p) => p.id === location.policyId)!;
        return policy.rules.find((r) => r.id === location.ruleId)! as unknown as Record<string, unknown>;
      },
      hookIds: () => sim.snapshot().inlineHooks.map((h) => h.id),
      close: () => sim.close(),
    };
  }

  return {
    secrets,
    store,
    apiKeyArn,
    hook,
    otherHook,
    org,
    close: async () => {
      await hook.close();
      await otherHook.close();
      await secrets.close();
    },
  };
}

/** A stand-in for the instance `get` returns when it is used: the one of the running test. */
function standIn<T extends object>(what: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get: (_target, property) => {
      const instance = get();
      if (!instance) throw new Error(`no ${what} here: use it in a test or a hook`);
      return Reflect.get(instance, property);
    },
  });
}

/** The suite of this test file, started before its tests and closed after them (a stand-in: use it in tests). */
export function useSuite(): Suite {
  let suite: Suite | undefined;
  beforeAll(async () => {
    suite = await startSuite();
  });
  afterAll(async () => {
    await suite?.close();
  });
  return standIn('suite', () => suite);
}

/**
 * The suite of this test file and a fresh org for each test, closed after it:
 * `const { suite, org } = useSimulatorOrg();`, then `org` in a test is that test's org.
 */
export function useSimulatorOrg(): { readonly suite: Suite; readonly org: Org } {
  const suite = useSuite();
  let org: Org | undefined;
  beforeEach(async () => {
    org = await suite.org();
  });
  afterEach(async () => {
    await org?.close();
    org = undefined;
  });
  return { suite, org: standIn('org', () => org) };
}

/** The rule's hook id, or undefined. */
export function ruleHook(rule: Record<string, unknown>): string | undefined {
  const actions = rule['actions'] as { token?: { inlineHook?: { id?: string } } } | undefined;
  return actions?.token?.inlineHook?.id;
}

/** The rule with its hook set (or removed) and without the write stamp: what "unchanged otherwise" means. */
export function expectedRule(rule: Record<string, unknown>, hookId?: string): Record<string, unknown> {
  const copy = structuredClone(rule) as Record<string, unknown> & { actions?: { token?: Record<string, unknown> } };
  delete copy['lastUpdated'];
  const token = copy.actions?.token;
  if (token) {
    if (hookId) token['inlineHook'] = { id: hookId };
    else delete token['inlineHook'];
  }
  return copy;
}

export function withoutStamp(rule: Record<string, unknown>): Record<string, unknown> {
  const { lastUpdated: _ignored, ...rest } = rule;
  return rest;
}

/**
 * Calls `before(method)` ahead of each Okta call of this client, and of the deadline-bounded copies
 * `withDeadline` makes of it (the real client's `bounded`, which keeps its token cache).
 */
export function instrument(api: OktaApi, before: (method: string) => void | Promise<void>): OktaApi {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'bounded') return (...args: unknown[]) => instrument(value.apply(target, args) as OktaApi, before);
      return async (...args: unknown[]) => {
        await before(String(property));
        return value.apply(target, args);
      };
    },
  });
}

/** An admin deletes the rule in the console (Okta's DELETE, outside the registrar). */
export async function deleteRuleAsAdmin(org: Org, location: RuleLocation): Promise<void> {
  const { authServerId, policyId, ruleId } = location;
  const response = await fetch(`${org.sim.url}/api/v1/authorizationServers/${authServerId}/policies/${policyId}/rules/${ruleId}`, {
    method: 'DELETE',
    headers: { authorization: `SSWS ${org.sim.apiToken}`, accept: 'application/json' },
  });
  if (response.status !== 204) throw new Error(`deleting rule ${ruleId} answered ${response.status}`);
}

/** The Okta writes since the last `resetCalls`: the rules PUT (by id), and how many other writes. */
export function writesOf(org: Org): { rules: string[]; hooks: number } {
  const written = org.sim.calls.filter((call) => call.method !== 'GET' && call.operationId !== 'executeInlineHook');
  return {
    rules: written.filter((call) => call.operationId === 'replaceAuthorizationServerPolicyRule').map((call) => call.path.split('/').at(-1)!),
    hooks: written.filter((call) => call.operationId !== 'replaceAuthorizationServerPolicyRule').length,
  };
}
