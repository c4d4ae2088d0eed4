import { afterAll, describe, expect, it } from 'vitest';
import { SEED, type FaultSpec } from '../../../infra/local/okta-simulator/index.js';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import type { OktaApi, RuleLocation } from '../../../lambda/okta/okta-api.js';
import { RegistrarError } from '../../../lambda/registrar/errors.js';
import { handleEvent, type EventDeps } from '../../../lambda/registrar/handle-event.js';
import { DEFAULT_RULE, event, PARTNER_WRITE_RULE, ruleHook, useSuite, type Org, type Properties } from './harness.js';

/**
 * Every Okta call of create, update and delete, hit in turn by each fault: a 429 storm, 5xx, a slow
 * answer past the call timeout, a dropped connection (before and after Okta applied the request), and
 * an admin editing the rule right after our read. Each cell must end in success or a clear error, with
 * no orphan hook and every rule exactly as expected; failed updates are rolled back and failed deletes
 * retried, as CloudFormation (or the operator) would. With three targets on two authorization servers,
 * each fault hits each call of attaching the second: the create ends with the hook on all three rules or
 * on none. Long faults (deadlines, storms past the wait limit,
 * admins and neighbours) are in long-faults.test.ts.
 */

type Operation = 'create' | 'update' | 'delete';

/** One Okta call of an operation, and the rule it reads or writes. */
interface Call {
  readonly method: string;
  readonly ruleId: string | undefined;
}

/** The three targets of the multi-target matrix: two authorization servers, named by name and by id. */
const THREE_TARGETS = [
  { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' },
  { AuthorizationServer: 'Partner API', Policy: 'Service Policy', Rule: 'Partner writers' },
  { AuthorizationServer: SEED.partnerServer.id, Policy: SEED.servicePolicy.id, Rule: SEED.serviceReadRule.id },
];
const THREE_RULES: RuleLocation[] = [DEFAULT_RULE, PARTNER_WRITE_RULE, { ...PARTNER_WRITE_RULE, ruleId: SEED.serviceReadRule.id }];
type FaultName = '429 storm' | '5xx' | 'slow' | 'drop' | 'drop after apply' | 'outage' | 'rule edit';

const FAULTS: Record<Exclude<FaultName, 'rule edit'>, (method: string) => Omit<FaultSpec, 'operationId'>> = {
  '429 storm': () => ({ kind: 'status-429', count: 3, resetSeconds: 0 }),
  '5xx': () => ({ kind: 'status-500', count: 2 }),
  slow: () => ({ kind: 'slow', delayMs: 700 }),
  drop: () => ({ kind: 'drop' }),
  'drop after apply': () => ({ kind: 'drop', afterApply: true }),
  // 5xx on every try the operation makes (the client's 4 attempts; 3 creates or verifications), then
  // Okta is back: the operation fails at this step and what follows (undo, rollback, retry) runs.
  outage: (method) => ({ kind: 'status-500', count: ['createInlineHook', 'executeInlineHook'].includes(method) ? 3 : 4 }),
};
const FAULT_NAMES: FaultName[] = ['429 storm', '5xx', 'slow', 'drop', 'drop after apply', 'outage', 'rule edit'];
const CALL_TIMEOUT_MS = 600;
const SECRET = 'test-api-key-do-not-log-0123456789';

/** An admin shortens the token lifetime in the console: a change that must survive our write. */
function adminEdit(rule: Record<string, unknown>): void {
  const actions = rule['actions'] as { token: Record<string, unknown> };
  actions.token['accessTokenLifetimeMinutes'] = 30;
}

/** Calls `before(index, call)` ahead of each Okta call: where a fault is armed for exactly that call. */
function instrument(api: OktaApi, before: (index: number, call: Call) => void): OktaApi {
  let index = 0;
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // Rule calls take (server, policy, rule, ...).
        const ruleId = String(property).endsWith('PolicyRule') ? String(args[2]) : undefined;
        before(index++, { method: String(property), ruleId });
        return value.apply(target, args);
      };
    },
  });
}

interface Scenario {
  readonly org: Org;
  /** The rules the hook is attached to when all goes well. */
  readonly rules: readonly RuleLocation[];
  readonly properties: Properties;
  readonly next: Properties;
  readonly physicalId: string | undefined;
}

const suite = useSuite();
const results = new Map<string, { calls: string[]; cells: Map<string, string> }>();

afterAll(() => {
  for (const [operation, { calls, cells }] of results) {
    const width = Math.max(...calls.map((c, i) => `${i + 1}. ${c}`.length));
    const header = `${operation.padEnd(width)} | ${FAULT_NAMES.map((f) => f.padEnd(18)).join(' | ')}`;
    const rows = calls.flatMap((call, index) =>
      FAULT_NAMES.every((f) => !cells.has(`${index}/${f}`)) && operation.includes('targets')
        ? []
        : [
            `${`${index + 1}. ${call}`.padEnd(width)} | ${FAULT_NAMES.map((f) => (cells.get(`${index}/${f}`) ?? '-').padEnd(18)).join(' | ')}`,
          ],
    );
    console.log(
      [
        `fault matrix: ${operation} (ok = succeeded; error = clear error with Okta left consistent; - = not applicable)`,
        header,
        '-'.repeat(header.length),
        ...rows,
        '* the edit landed between our last read and our PUT: Okta has no ETags, so the last writer wins;',
        '  the registrar re-reads right before each PUT, which catches any edit made earlier.',
      ].join('\n'),
    );
  }
});

/** A fresh org and the operation's properties: the single target, or `THREE_TARGETS` when `several`. */
async function prepare(operation: Operation, several = false): Promise<Scenario> {
  const org = await suite.org({ callTimeoutMs: CALL_TIMEOUT_MS });
  const { Target: single, ...rest } = org.properties();
  const properties = several ? { ...rest, Targets: THREE_TARGETS } : { ...rest, Target: single };
  const rules = several ? THREE_RULES : [DEFAULT_RULE];
  const next = { ...properties, HookUrl: suite.otherHook.url, HookName: 'okta-token-hook dev v2' };
  if (operation === 'create') return { org, rules, properties, next, physicalId: undefined };
  const created = await handleEvent(event('create', { ResourceProperties: properties }), org.deps);
  org.sim.resetCalls();
  return { org, rules, properties, next, physicalId: created.PhysicalResourceId };
}

function run(operation: Operation, scenario: Scenario, deps: EventDeps) {
  const { properties, next, physicalId } = scenario;
  if (operation === 'create') return handleEvent(event('create', { ResourceProperties: properties }), deps);
  if (operation === 'update') {
    return handleEvent(
      event('update', { ResourceProperties: next, OldResourceProperties: properties, PhysicalResourceId: physicalId }),
      deps,
    );
  }
  return handleEvent(event('delete', { ResourceProperties: properties, PhysicalResourceId: physicalId }), deps);
}

/** The sequence of Okta calls of `operation` when nothing goes wrong. */
async function callsOf(operation: Operation, several = false): Promise<Call[]> {
  const scenario = await prepare(operation, several);
  const calls: Call[] = [];
  try {
    await run(operation, scenario, {
      ...scenario.org.deps,
      oktaFor: async (arn, orgUrl) => instrument(await scenario.org.deps.oktaFor(arn, orgUrl), (_, call) => calls.push(call)),
    });
  } finally {
    await scenario.org.close();
  }
  return calls;
}

function rulesOf(org: Org): unknown {
  const servers = org.sim.snapshot().authorizationServers;
  return servers.map((server) => ({
    ...server,
    policies: server.policies.map((policy) => ({
      ...policy,
      rules: policy.rules.map(({ lastUpdated: _stamp, ...rule }) => rule),
    })),
  }));
}

/**
 * Rules as they should be: the baseline, our hook on each of `hooked` or on none, and the admin's edit
 * on the rule `edited` names, if it landed.
 */
function expectedRules(baseline: unknown, hookId: string | undefined, hooked: readonly RuleLocation[], edited: string | undefined): unknown {
  const rules = structuredClone(baseline) as { id: string; policies: { id: string; rules: Record<string, unknown>[] }[] }[];
  const find = (location: RuleLocation) =>
    rules
      .find((s) => s.id === location.authServerId)!
      .policies.find((p) => p.id === location.policyId)!
      .rules.find((r) => r['id'] === location.ruleId)!;
  for (const location of hooked) {
    const token = (find(location)['actions'] as { token: Record<string, unknown> }).token;
    if (hookId) token['inlineHook'] = { id: hookId };
    else delete token['inlineHook'];
  }
  const editedRule = edited && rules.flatMap((s) => s.policies.flatMap((p) => p.rules)).find((r) => r['id'] === edited);
  if (editedRule) adminEdit(editedRule);
  return rules;
}

function assertClear(error: unknown): string {
  // Our own refusals or Okta's errors as the client reports them; never a crash of the test wiring.
  expect([RegistrarError, OktaApiError].some((type) => error instanceof type), String(error)).toBe(true);
  const message = (error as Error).message;
  expect(message).toMatch(/^[a-z0-9]/);
  expect(message.includes(SECRET), 'the message holds the api key').toBe(false);
  return message;
}

async function cell(operation: Operation, calls: readonly Call[], index: number, fault: FaultName, several = false): Promise<string> {
  const { method } = calls[index]!;
  // Okta has no ETags: an edit between our last read and our PUT cannot be seen, and our PUT wins.
  const lastWriterWins = fault === 'rule edit' && calls[index + 1]?.method === 'replacePolicyRule';
  const scenario = await prepare(operation, several);
  const { org, rules } = scenario;
  try {
    const baseline = expectedRules(rulesOf(org), undefined, rules, undefined);
    let edited: string | undefined;
    const deps: EventDeps = {
      ...org.deps,
      oktaFor: async (arn, orgUrl) =>
        instrument(await org.deps.oktaFor(arn, orgUrl), (at) => {
          if (at !== index) return;
          if (fault === 'rule edit') {
            org.sim.editRuleBetweenReadAndWrite((rule) => {
              edited = String(rule['id']);
              adminEdit(rule);
            });
          } else {
            org.sim.injectFault({ operationId: operationIdOf(method), ...FAULTS[fault](method) });
          }
        }),
    };
    let outcome = 'ok';
    let hookId: string | undefined;
    try {
      hookId = (await run(operation, scenario, deps)).PhysicalResourceId;
    } catch (error) {
      assertClear(error);
      outcome = 'error';
    }
    const hooks = org.sim.snapshot().inlineHooks;
    if (lastWriterWins) {
      edited = undefined;
      if (outcome === 'ok') outcome = 'ok, edit lost *';
    }
    if (operation === 'create') {
      if (outcome.startsWith('ok')) {
        expect(hooks.map((h) => h.id)).toEqual([hookId]);
        expect(hooks[0]!.status).toBe('ACTIVE');
      } else {
        expect(hooks).toEqual([]);
      }
      expect(rulesOf(org)).toEqual(expectedRules(baseline, outcome.startsWith('ok') ? hookId : undefined, rules, edited));
    }
    if (operation === 'update') {
      if (!outcome.startsWith('ok')) {
        // The failed update undid itself; CloudFormation's rollback update with the old properties must work.
        expect(hooks.map((h) => h.channel.config.uri)).toEqual([suite.hook.url]);
        await handleEvent(
          event('update', { ResourceProperties: scenario.properties, OldResourceProperties: scenario.next, PhysicalResourceId: scenario.physicalId }),
          org.deps,
        );
        outcome = 'error, rolled back';
      }
      const stored = org.sim.snapshot().inlineHooks;
      expect(stored.map((h) => [h.id, h.status, h.channel.config.uri])).toEqual([
        [scenario.physicalId, 'ACTIVE', outcome.startsWith('ok') ? suite.otherHook.url : suite.hook.url],
      ]);
      expect(ruleHook(org.rule())).toBe(scenario.physicalId);
      expect(rulesOf(org)).toEqual(expectedRules(baseline, scenario.physicalId, rules, edited));
    }
    if (operation === 'delete') {
      if (!outcome.startsWith('ok')) {
        // A failed delete leaves the stack DELETE_FAILED; the retried delete must finish the job.
        await run('delete', scenario, org.deps);
        outcome = 'error, retried';
      }
      expect(org.sim.snapshot().inlineHooks).toEqual([]);
      expect(rulesOf(org)).toEqual(expectedRules(baseline, undefined, rules, edited));
    }
    return outcome;
  } finally {
    await org.close();
  }
}

/** Our port's method names and the spec's operation ids the simulator keys faults by. */
const OPERATION_IDS: Record<string, string> = {
  listInlineHooks: 'listInlineHooks',
  getInlineHook: 'getInlineHook',
  createInlineHook: 'createInlineHook',
  replaceInlineHook: 'replaceInlineHook',
  activateInlineHook: 'activateInlineHook',
  deactivateInlineHook: 'deactivateInlineHook',
  deleteInlineHook: 'deleteInlineHook',
  executeInlineHook: 'executeInlineHook',
  listAuthorizationServers: 'listAuthorizationServers',
  getAuthorizationServer: 'getAuthorizationServer',
  listPolicies: 'listAuthorizationServerPolicies',
  listPolicyRules: 'listAuthorizationServerPolicyRules',
  getPolicyRule: 'getAuthorizationServerPolicyRule',
  replacePolicyRule: 'replaceAuthorizationServerPolicyRule',
};

function operationIdOf(method: string): string {
  const id = OPERATION_IDS[method];
  if (!id) throw new Error(`no operation id known for ${method}`);
  return id;
}

describe.each(['create', 'update', 'delete'] as const)('fault matrix of %s', (operation) => {
  it('ends every cell in success or a clear error, with no orphan hook and every rule as expected', async () => {
    const calls = await callsOf(operation);
    const cells = new Map<string, string>();
    results.set(operation, { calls: calls.map((c) => c.method), cells });
    for (const [index, { method }] of calls.entries()) {
      for (const fault of FAULT_NAMES) {
        if (fault === 'rule edit' && method !== 'getPolicyRule') continue;
        const outcome = await cell(operation, calls, index, fault).catch((error: unknown) => {
          throw new Error(`cell ${operation} / call ${index + 1} (${method}) / ${fault}: ${(error as Error).message}`, { cause: error });
        });
        cells.set(`${index}/${fault}`, outcome);
      }
    }
    expect(cells.size).toBeGreaterThan(calls.length * 6 - 1);
  }, 120_000);
});

describe('fault matrix of create with three targets', () => {
  it('ends every fault while attaching the second with the hook on all three rules or on none, and no orphan hook', async () => {
    const name = 'create, 3 targets: 2nd rule';
    const calls = await callsOf('create', true);
    const second = [...calls.entries()].filter(([index, call]) => call.ruleId === PARTNER_WRITE_RULE.ruleId && index > calls.findIndex((c) => c.method === 'createInlineHook'));
    const cells = new Map<string, string>();
    results.set(name, { calls: calls.map((c) => `${c.method}${c.ruleId ? ` (${c.ruleId})` : ''}`), cells });
    for (const [index, { method }] of second) {
      for (const fault of FAULT_NAMES) {
        if (fault === 'rule edit' && method !== 'getPolicyRule') continue;
        const outcome = await cell('create', calls, index, fault, true).catch((error: unknown) => {
          throw new Error(`cell ${name} / call ${index + 1} (${method}) / ${fault}: ${(error as Error).message}`, { cause: error });
        });
        cells.set(`${index}/${fault}`, outcome);
      }
    }
    // The second rule's read, PUT and read back.
    expect(second.map(([, call]) => call.method)).toEqual(['getPolicyRule', 'replacePolicyRule', 'getPolicyRule']);
    expect([...cells.values()]).toContain('error');
    expect(cells.size).toBe(3 * 6 + 2);
  }, 120_000);
});
