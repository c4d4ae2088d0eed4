import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ANY_OPERATION } from '../../../infra/local/okta-simulator/faults.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import type { Deadlines } from '../../../lambda/registrar/budget.js';
import { handleEvent, type EventDeps } from '../../../lambda/registrar/handle-event.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import { readOktaCredentials } from '../../../lambda/registrar/credentials-secret.js';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import {
  DEFAULT_RULE,
  deleteRuleAsAdmin,
  event,
  instrument,
  PARTNER_WRITE_RULE,
  useSuite,
  writesOf,
  type Org,
  type Properties,
  type Suite,
} from './harness.js';

/**
 * The fault matrix's long faults: a deadline reached during each forward step, a 429 storm whose reset
 * is beyond the wait limit after each step, and what admins and neighbours do (a rule renamed or edited,
 * our hook deleted by hand, two stacks on one rule, a credentials secret missing or malformed; with
 * several targets, a target rule an admin deleted between deploys and the same rule named two ways). Each
 * scenario runs through `handleEvent` with CloudFormation's event sequences, then CloudFormation's
 * follow-up (rollback update, retried delete) and finally the stack's delete; it then counts the inline
 * hooks no stack owns and the rules that differ from their state before the stack. Both must be 0.
 * Deadlines use a clock moved forward, so no test waits for one.
 */

const SECRET = 'test-api-key-do-not-log-0123456789';
const FORWARD_MS = 60_000;
const UNDO_MS = 60_000;
// How far ahead the forward deadline is put when a step starts: the step is cut after this long.
const CUT_AFTER_MS = 40;
// The forward client's rate-limit wait limit; the storm's reset lies beyond it.
const WAIT_LIMIT_MS = 500;
const CREATE_FAILED = 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED';

type RuleMap = Map<string, Record<string, unknown>>;

interface Stack {
  readonly properties: Properties;
  id: string;
}

interface Outcome {
  /** Stacks that exist after the scenario and CloudFormation's follow-up. */
  readonly live: Stack[];
  /** What the scenario reports (ok, error, rolled back …). */
  readonly outcome: string;
  /** Hooks an admin made, which no stack owns by design. */
  readonly foreign?: string[];
  /** Rule changes an admin made on purpose, by rule key (`null`: deleted): they must survive. */
  readonly adminEdits?: Record<string, Record<string, unknown> | null>;
}

const suite = useSuite();
const rows: string[][] = [];

afterAll(() => {
  const header = ['scenario', 'outcome', 'orphan hooks', 'changed rules'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(
    [
      'fault matrix, long faults (counted after the scenario, its CloudFormation follow-up and the stack delete):',
      line(header),
      '-'.repeat(line(header).length),
      ...rows.map(line),
    ].join('\n'),
  );
});

function ruleKey(server: string, policy: string, rule: string): string {
  return `${server}/${policy}/${rule}`;
}
const DEFAULT_KEY = ruleKey(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId);

function rulesOf(org: Org): RuleMap {
  const rules: RuleMap = new Map();
  for (const server of org.sim.snapshot().authorizationServers) {
    for (const policy of server.policies) {
      for (const { lastUpdated: _stamp, ...rule } of policy.rules as unknown as Record<string, unknown>[]) {
        rules.set(ruleKey(server.id, policy.id, String(rule['id'])), rule);
      }
    }
  }
  return rules;
}

function changedRules(baseline: RuleMap, now: RuleMap, adminEdits: Record<string, Record<string, unknown> | null>): string[] {
  const changed: string[] = [];
  for (const key of new Set([...baseline.keys(), ...now.keys()])) {
    const expected = adminEdits[key] === null ? undefined : baseline.get(key) && { ...baseline.get(key), ...adminEdits[key] };
    if (!isDeepStrictEqual(expected, now.get(key))) changed.push(key);
  }
  return changed;
}

function withDeadlines(org: Org, overrides: Partial<EventDeps> = {}): EventDeps & { deadlines: () => Deadlines } {
  const forward = org.clock.now() + FORWARD_MS;
  return { ...org.deps, ...overrides, deadlines: () => ({ forward, undo: forward + UNDO_MS }) };
}

function assertClear(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  expect(message).toMatch(/^[a-z0-9]/);
  expect(message.includes(SECRET), 'the message holds the api key').toBe(false);
  return message;
}

async function settle<T>(promise: Promise<T>): Promise<{ ok: T } | { error: string }> {
  try {
    return { ok: await promise };
  } catch (error) {
    return { error: assertClear(error) };
  }
}

/** Runs one scenario on a fresh org, then deletes what lives, counts, and records the row. */
async function scenario(name: string, body: (org: Org) => Promise<Outcome>): Promise<void> {
  const org = await suite.org({ callTimeoutMs: 1_000 });
  try {
    const baseline = rulesOf(org);
    const result = await body(org);
    const foreign = new Set(result.foreign ?? []);
    const owned = new Set(result.live.map((stack) => stack.id));
    const orphansBeforeDelete = org.hookIds().filter((id) => !owned.has(id) && !foreign.has(id));
    for (const stack of result.live) await handleEvent(event('delete', { ResourceProperties: stack.properties, PhysicalResourceId: stack.id }), withDeadlines(org));
    const orphans = [...new Set([...orphansBeforeDelete, ...org.hookIds().filter((id) => !foreign.has(id))])];
    const changed = changedRules(baseline, rulesOf(org), result.adminEdits ?? {});
    rows.push([name, result.outcome, String(orphans.length), String(changed.length)]);
    expect(orphans, `${name}: orphan hooks`).toEqual([]);
    expect(changed, `${name}: changed rules`).toEqual([]);
  } finally {
    await org.close();
  }
}

/** CloudFormation's create, and its follow-up: a failed create gets the framework's marker delete. */
async function cfnCreate(org: Org, properties: Properties, deps: EventDeps): Promise<{ live: Stack[]; outcome: string }> {
  const created = await settle(handleEvent(event('create', { ResourceProperties: properties }), deps));
  if ('ok' in created) return { live: [{ properties, id: created.ok.PhysicalResourceId }], outcome: 'ok' };
  await handleEvent(event('delete', { ResourceProperties: properties, PhysicalResourceId: CREATE_FAILED }), withDeadlines(org));
  return { live: [], outcome: 'error, undone' };
}

/** CloudFormation's update, and its follow-up: a failed update is rolled back with the old properties. */
async function cfnUpdate(org: Org, stack: Stack, next: Properties, deps: EventDeps): Promise<{ live: Stack[]; outcome: string }> {
  const updated = await settle(
    handleEvent(event('update', { ResourceProperties: next, OldResourceProperties: stack.properties, PhysicalResourceId: stack.id }), deps),
  );
  if ('ok' in updated) return { live: [{ properties: next, id: updated.ok.PhysicalResourceId }], outcome: 'ok' };
  const rolledBack = await handleEvent(
    event('update', { ResourceProperties: stack.properties, OldResourceProperties: next, PhysicalResourceId: stack.id }),
    withDeadlines(org),
  );
  return { live: [{ properties: stack.properties, id: rolledBack.PhysicalResourceId }], outcome: 'error, rolled back' };
}

/** CloudFormation's delete, and its follow-up: a failed delete is retried (the stack is DELETE_FAILED). */
async function cfnDelete(org: Org, stack: Stack, deps: EventDeps): Promise<string> {
  const deleted = await settle(handleEvent(event('delete', { ResourceProperties: stack.properties, PhysicalResourceId: stack.id }), deps));
  if ('ok' in deleted) return 'ok';
  await handleEvent(event('delete', { ResourceProperties: stack.properties, PhysicalResourceId: stack.id }), withDeadlines(org));
  return 'error, retried';
}

/** The Okta calls of one operation when nothing goes wrong, in order. */
async function callsOf(operation: 'create' | 'update' | 'delete'): Promise<string[]> {
  const org = await suite.org();
  try {
    const properties = org.properties();
    const calls: string[] = [];
    const deps = { ...withDeadlines(org), oktaFor: async (arn: string, url: string | undefined) => instrument(await org.deps.oktaFor(arn, url), (m) => void calls.push(m)) };
    if (operation === 'create') {
      await handleEvent(event('create', { ResourceProperties: properties }), deps);
      return calls;
    }
    const created = await org.create(properties);
    if (operation === 'update') {
      await handleEvent(
        event('update', { ResourceProperties: nextOf(suite, properties), OldResourceProperties: properties, PhysicalResourceId: created.PhysicalResourceId }),
        deps,
      );
    } else {
      await handleEvent(event('delete', { ResourceProperties: properties, PhysicalResourceId: created.PhysicalResourceId }), deps);
    }
    return calls;
  } finally {
    await org.close();
  }
}

function nextOf(s: Suite, properties: Properties): Properties {
  return { ...properties, HookUrl: s.otherHook.url, HookName: 'okta-token-hook dev v2' };
}

/** `deps` whose Okta client runs `atCall(index, method)` before each call of this event. */
function armed(deps: EventDeps, atCall: (index: number, method: string) => void | Promise<void>): EventDeps {
  let index = 0;
  return { ...deps, oktaFor: async (arn, url) => instrument(await deps.oktaFor(arn, url), (method) => atCall(index++, method)) };
}

/** A storm on every operation: the forward step gives up at once (reset beyond its wait limit); undo outwaits it. */
function storm(org: Org): void {
  org.sim.injectFault({ operationId: ANY_OPERATION, kind: 'status-429', count: 3, resetSeconds: 2 });
}

/** The forward deadline comes in CUT_AFTER_MS; the step's answer comes later (after a write landed). */
function deadlineDuring(org: Org, deps: EventDeps & { deadlines: () => Deadlines }, method: string): void {
  org.clock.offsetMs += deps.deadlines().forward - org.clock.now() - CUT_AFTER_MS;
  org.sim.injectFault({ operationId: OPERATION_IDS[method] ?? method, kind: 'slow', afterApply: true, delayMs: 400 });
}

/** A client whose rate-limit wait limit is short, as the storm scenarios need. */
function impatient(org: Org): EventDeps['oktaFor'] {
  return async (arn) =>
    createOktaClient({
      credentials: await readOktaCredentials(suite.store, arn),
      retry: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRateLimitWaitMs: WAIT_LIMIT_MS },
      callTimeoutMs: 1_000,
      now: org.clock.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5))),
    });
}

const OPERATION_IDS: Record<string, string> = {
  listPolicies: 'listAuthorizationServerPolicies',
  listPolicyRules: 'listAuthorizationServerPolicyRules',
  getPolicyRule: 'getAuthorizationServerPolicyRule',
  replacePolicyRule: 'replaceAuthorizationServerPolicyRule',
};

describe('long faults', () => {
  it.each(['create', 'update'] as const)('reaches the forward deadline during each step of %s and leaves nothing behind', async (operation) => {
    const calls = await callsOf(operation);
    for (const [index, method] of calls.entries()) {
      await scenario(`${operation}: deadline during ${index + 1}. ${method}`, async (org) => {
        const properties = org.properties();
        if (operation === 'create') {
          const deps = withDeadlines(org);
          return cfnCreate(org, properties, armed(deps, (at, m) => (at === index ? deadlineDuring(org, deps, m) : undefined)));
        }
        const created = await org.create(properties);
        const deps = withDeadlines(org);
        return cfnUpdate(org, { properties, id: created.PhysicalResourceId }, nextOf(suite, properties), armed(deps, (at, m) => (at === index ? deadlineDuring(org, deps, m) : undefined)));
      });
    }
  }, 120_000);

  it.each(['create', 'update', 'delete'] as const)('meets a 429 storm with its reset beyond the wait limit after each step of %s', async (operation) => {
    const calls = await callsOf(operation);
    for (const [index, method] of calls.entries()) {
      await scenario(`${operation}: 429 storm from ${index + 1}. ${method}`, async (org) => {
        const properties = org.properties();
        const deps = armed(withDeadlines(org, { oktaFor: impatient(org) }), (at) => (at === index ? storm(org) : undefined));
        if (operation === 'create') return cfnCreate(org, properties, deps);
        const stack = { properties, id: (await org.create(properties)).PhysicalResourceId };
        if (operation === 'update') return cfnUpdate(org, stack, nextOf(suite, properties), deps);
        return { live: [], outcome: await cfnDelete(org, stack, deps) };
      });
    }
  }, 120_000);

  it('restores a rule renamed before delete', async () => {
    await scenario('rule renamed before delete', async (org) => {
      const properties = org.properties();
      const stack = { properties, id: (await org.create(properties)).PhysicalResourceId };
      const api = await org.deps.oktaFor(org.credentialsArn, undefined);
      const rule = await api.getPolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId);
      await api.replacePolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId, { ...rule, name: 'Renamed by an admin' });

      return { live: [], outcome: await cfnDelete(org, stack, withDeadlines(org)), adminEdits: { [DEFAULT_KEY]: { name: 'Renamed by an admin' } } };
    });
  });

  it('keeps an admin edit made between our read of the rule and our PUT', async () => {
    await scenario('rule edited between our read and our PUT', async (org) => {
      const api = await org.deps.oktaFor(org.credentialsArn, undefined);
      const edit = async () => {
        const rule = await api.getPolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId);
        await api.replacePolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId, { ...rule, name: 'Edited meanwhile' });
      };
      // After our read of the rule (in the target lookup), before the hook is created and verified.
      const deps = armed(withDeadlines(org), (_, method) => (method === 'createInlineHook' ? edit() : undefined));

      const created = await cfnCreate(org, org.properties(), deps);

      return { ...created, adminEdits: { [DEFAULT_KEY]: { name: 'Edited meanwhile' } } };
    });
  });

  it.each(['update', 'delete'] as const)('recovers when our hook was deleted by hand, then CloudFormation sends an %s', async (next) => {
    await scenario(`hook deleted by hand, then ${next}`, async (org) => {
      const properties = org.properties();
      const stack = { properties, id: (await org.create(properties)).PhysicalResourceId };
      const api = await org.deps.oktaFor(org.credentialsArn, undefined);
      await api.deactivateInlineHook(stack.id);
      await api.deleteInlineHook(stack.id);

      if (next === 'delete') return { live: [], outcome: await cfnDelete(org, stack, withDeadlines(org)) };
      return cfnUpdate(org, stack, { ...properties, HookName: 'okta-token-hook dev renamed' }, withDeadlines(org));
    });
  });

  it.each([
    ['first', 'second'],
    ['second', 'first'],
  ])('lets two stacks share one rule, deleted %s stack first', async (firstDeleted) => {
    await scenario(`two stacks on one rule, ${firstDeleted} deleted first`, async (org) => {
      const one = org.properties();
      const two = org.properties({ HookName: 'okta-token-hook other stack', HookUrl: suite.otherHook.url, ReplaceExistingHook: 'true' });
      const first = { properties: one, id: (await org.create(one)).PhysicalResourceId };
      const refused = await settle(org.create({ ...two, ReplaceExistingHook: 'false' }));
      const second = { properties: two, id: (await org.create(two)).PhysicalResourceId };
      expect('error' in refused && refused.error).toMatch(/already runs inline hook/);

      const order = firstDeleted === 'first' ? [first, second] : [second, first];
      const outcomes = [];
      for (const stack of order) outcomes.push(await cfnDelete(org, stack, withDeadlines(org)));
      return { live: [], outcome: outcomes.join(', ') };
    });
  });

  it.each([
    ['missing', undefined],
    ['malformed', '{"orgUrl":"https://example.okta.com","apiToken":""}'],
    ['not JSON', 'not json'],
  ])('names the credentials secret when it is %s, on create and on delete', async (kind, value) => {
    await scenario(`credentials secret ${kind}`, async (org) => {
      const arn = value === undefined ? `arn:aws:secretsmanager:us-east-1:000000000000:secret:absent-${kind}` : suite.secrets.createSecret(`credentials-${kind.replace(' ', '-')}-${Date.now()}`, value);
      const broken = org.properties({ CredentialsSecretArn: arn });

      const created = await settle(org.create(broken));
      const properties = org.properties();
      const stack = { properties: broken, id: (await org.create(properties)).PhysicalResourceId };
      const deleted = await settle(handleEvent(event('delete', { ResourceProperties: broken, PhysicalResourceId: stack.id }), withDeadlines(org)));

      for (const failed of [created, deleted]) {
        expect('error' in failed && failed.error).toContain(`the okta credentials secret ${arn}`);
        expect('error' in failed && failed.error).toMatch(/then retry$/);
      }
      // The operator fixes the secret reference; CloudFormation's retried delete finishes.
      return { live: [{ properties, id: stack.id }], outcome: 'error named the secret; retried' };
    });
  });
});

describe('long faults with several targets', () => {
  const DEFAULT = { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' };
  const WRITERS = { AuthorizationServer: 'Partner API', Policy: 'Service Policy', Rule: 'Partner writers' };
  const READERS = { AuthorizationServer: SEED.partnerServer.id, Policy: SEED.servicePolicy.id, Rule: SEED.serviceReadRule.id };
  const READERS_RULE = { ...PARTNER_WRITE_RULE, ruleId: SEED.serviceReadRule.id };
  const READERS_KEY = ruleKey(READERS_RULE.authServerId, READERS_RULE.policyId, READERS_RULE.ruleId);

  function withTargets(org: Org, targets: readonly object[]): Properties {
    const { Target: _single, ...properties } = org.properties();
    return { ...properties, Targets: targets };
  }

  it('refuses a target rule an admin deleted between deploys, writing nothing, until the target is removed', async () => {
    await scenario('3 targets: one rule deleted by an admin between deploys', async (org) => {
      const three = withTargets(org, [DEFAULT, WRITERS, READERS]);
      const stack = { properties: three, id: (await org.create(three)).PhysicalResourceId };
      await deleteRuleAsAdmin(org, READERS_RULE);
      // A deploy that changes something else and keeps the targets; CloudFormation then rolls back with
      // the old properties, which name the deleted rule too: refused as well (UPDATE_ROLLBACK_FAILED,
      // continued by the operator skipping the resource).
      const next = { ...three, ApiKeyVersion: 'v2' };

      org.sim.resetCalls();
      const refused = await settle(org.update(next, three, stack.id));
      const rollback = await settle(org.update(three, next, stack.id));
      const written = writesOf(org);
      const fixed = await cfnUpdate(org, stack, withTargets(org, [DEFAULT, WRITERS]), withDeadlines(org));

      for (const failed of [refused, rollback]) expect('error' in failed && failed.error).toMatch(/has the id or name "0prServiceRead000g3"/);
      expect(written).toEqual({ rules: [], hooks: 0 });
      expect(fixed.outcome).toBe('ok');
      return { live: fixed.live, outcome: `error, rollback refused too; target removed: ${fixed.outcome}`, adminEdits: { [READERS_KEY]: null } };
    });
  });

  it('drops a rule an admin deleted from a policy whose every rule is a target, with no write', async () => {
    await scenario('every rule of a policy: one deleted by an admin between deploys', async (org) => {
      const properties = withTargets(org, [DEFAULT, { AuthorizationServer: 'Partner API', Policy: 'Service Policy', AllRules: 'true' }]);
      const stack = { properties, id: (await org.create(properties)).PhysicalResourceId };
      await deleteRuleAsAdmin(org, READERS_RULE);

      org.sim.resetCalls();
      const updated = await cfnUpdate(org, stack, properties, withDeadlines(org));

      expect(writesOf(org)).toEqual({ rules: [], hooks: 0 });
      return { ...updated, adminEdits: { [READERS_KEY]: null } };
    });
  });

  it.each([
    ['by name and by ids', [DEFAULT, WRITERS, { AuthorizationServer: 'default', Policy: SEED.defaultPolicy.id, Rule: SEED.defaultRule.id }], 'targets 1 and 3 both name rule "Default Policy Rule" (0prbsjfyl01zfSZ9K0h7)'],
    ['by name and by every rule of its policy', [{ AuthorizationServer: 'Partner API', Policy: 'Service Policy', AllRules: 'true' }, WRITERS], 'targets 1 and 2 both name rule "Partner writers"'],
  ])('refuses the same rule named two ways (%s) at create, changing nothing', async (way, targets, message) => {
    await scenario(`3 targets: the same rule named ${way}`, async (org) => {
      const created = await settle(org.create(withTargets(org, targets)));

      expect('error' in created && created.error).toContain(message);
      expect(org.sim.calls.filter((call) => call.method !== 'GET')).toEqual([]);
      return { live: [], outcome: 'error, refused' };
    });
  });
});

