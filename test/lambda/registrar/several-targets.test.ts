import { describe, expect, it } from 'vitest';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import type { RuleLocation } from '../../../lambda/okta/okta-api.js';
import { DEFAULT_CALL_TIMEOUT_MS } from '../../../lambda/okta/client.js';
import { DEFAULT_RETRY_POLICY } from '../../../lambda/okta/retry-policy.js';
import { fundedDeadlines, undoBudgetMs, undoCalls } from '../../../lambda/registrar/budget.js';
import { RuleHasOtherHookError } from '../../../lambda/registrar/errors.js';
import { PREVIOUS_HOOK_HEADER } from '../../../lambda/registrar/hook-definition.js';
import { REGISTRAR_ATTRIBUTES } from '../../../lambda/shared/contract.js';
import { handleEvent, type EventDeps } from '../../../lambda/registrar/handle-event.js';
import { rejectionOf } from '../../support/rejection.js';
import { DEFAULT_RULE, event, instrument, PARTNER_WRITE_RULE, ruleHook, useSimulatorOrg, withoutStamp, writesOf, type Properties } from './harness.js';

/**
 * One hook on several rules, across policies and authorization servers, driven through CloudFormation's
 * event sequences against the simulator over HTTP: attached all or nothing, updated by difference,
 * every rule put back on delete. Faults with several targets (one while attaching the second of three,
 * a target an admin deleted between deploys, the same rule named two ways) are in fault-matrix.test.ts
 * and long-faults.test.ts.
 */

const PARTNER_READ_RULE: RuleLocation = { ...PARTNER_WRITE_RULE, ruleId: SEED.serviceReadRule.id };
const WEB_ADMIN_RULE: RuleLocation = { authServerId: SEED.partnerServer.id, policyId: SEED.webPolicy.id, ruleId: SEED.webAdminRule.id };
const WEB_EVERYONE_RULE: RuleLocation = { ...WEB_ADMIN_RULE, ruleId: SEED.webEveryoneRule.id };

const DEFAULT = { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' };
const WRITERS = { AuthorizationServer: 'Partner API', Policy: 'Service Policy', Rule: 'Partner writers' };
const READERS = { AuthorizationServer: SEED.partnerServer.id, Policy: SEED.servicePolicy.id, Rule: SEED.serviceReadRule.id };
const THREE = [DEFAULT, WRITERS, READERS];
const THREE_RULES = [DEFAULT_RULE, PARTNER_WRITE_RULE, PARTNER_READ_RULE];

const { suite, org } = useSimulatorOrg();

const failure = (promise: Promise<unknown>) => rejectionOf(promise, Error);

function withTargets(targets: readonly object[], overrides: Properties = {}): Properties {
  const { Target: _single, ...properties } = org.properties(overrides);
  return { ...properties, Targets: targets };
}

function snapshot(locations: readonly RuleLocation[]): Record<string, unknown>[] {
  return locations.map((location) => structuredClone(org.rule(location)));
}

async function addRule(server: string, policy: string, name: string): Promise<string> {
  const response = await fetch(`${org.sim.url}/api/v1/authorizationServers/${server}/policies/${policy}/rules`, {
    method: 'POST',
    headers: { authorization: `SSWS ${org.sim.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      type: 'RESOURCE_ACCESS',
      name,
      priority: 3,
      conditions: {
        people: { groups: { include: ['EVERYONE'] } },
        grantTypes: { include: ['client_credentials'] },
        scopes: { include: ['*'] },
      },
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function foreignHookOn(location: RuleLocation, name: string): Promise<string> {
  const api = await org.deps.oktaFor(org.credentialsArn, undefined);
  const hook = await api.createInlineHook({ name, uri: suite.otherHook.url, authHeader: 'Authorization', authValue: 'x' });
  const rule = await api.getPolicyRule(location.authServerId, location.policyId, location.ruleId);
  await api.replacePolicyRule(location.authServerId, location.policyId, location.ruleId, {
    ...rule,
    actions: { ...rule.actions, token: { ...rule.actions?.token, inlineHook: { id: hook.id } } },
  });
  return hook.id;
}

describe('three targets on two authorization servers', () => {
  it('attaches the hook to every rule, the claims reach tokens minted through each, and delete leaves every rule as before', async () => {
    const before = snapshot(THREE_RULES);
    const properties = withTargets(THREE);

    const created = await org.create(properties);
    const attached = THREE_RULES.map((location) => ruleHook(org.rule(location)));
    const minted = [
      await org.sim.mintTokens({ authorizationServer: 'default', clientId: SEED.webClient.clientId, grantType: 'authorization_code', scopes: ['openid', 'profile'] }),
      await org.sim.mintTokens({ authorizationServer: SEED.partnerServer.id, clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['partner.write'] }),
      await org.sim.mintTokens({ authorizationServer: SEED.partnerServer.id, clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['partner.read'] }),
    ];
    await org.remove(properties, created.PhysicalResourceId);

    expect(attached).toEqual([created.PhysicalResourceId, created.PhysicalResourceId, created.PhysicalResourceId]);
    expect(created.Data![REGISTRAR_ATTRIBUTES.ruleCount]).toBe('3');
    expect(minted.map((m) => m.ruleId)).toEqual(THREE_RULES.map((r) => r.ruleId));
    // The example environment's claim rules: login for a user's token, caller for a service's.
    const added = minted.map((mint) => {
      const sent = (mint.hookRequest as { data: { access: { claims: Record<string, unknown> } } }).data.access.claims;
      return Object.fromEntries(Object.entries(mint.access.claims).filter(([claim]) => !(claim in sent) && !['iat', 'exp', 'scp'].includes(claim)));
    });
    expect(minted.map((m) => m.hookOutcome)).toEqual(['applied', 'applied', 'applied']);
    expect(added).toEqual([{ login: SEED.user.login }, { caller: 'service' }, { caller: 'service' }]);
    // Field by field: every field of each rule as before the deploy (its write stamp aside).
    expect(snapshot(THREE_RULES).map(withoutStamp)).toEqual(before.map(withoutStamp));
    expect(org.hookIds()).toEqual([]);
  });

  it('verifies once for all the rules', async () => {
    await org.create(withTargets(THREE));

    expect(org.sim.calls.filter((call) => call.operationId === 'executeInlineHook')).toHaveLength(1);
  });

  for (const [index, location] of THREE_RULES.entries()) {
    it(`leaves no rule changed and no hook behind when writing target ${index + 1} of 3 fails`, async () => {
      const before = snapshot(THREE_RULES);
      const api = await org.deps.oktaFor(org.credentialsArn, undefined);
      const deps: EventDeps = {
        ...org.deps,
        oktaFor: async (arn: string, orgUrl: string | undefined) => {
          const real = await org.deps.oktaFor(arn, orgUrl);
          return new Proxy(real, {
            get(target, property, receiver) {
              if (property !== 'replacePolicyRule') return Reflect.get(target, property, receiver);
              return (server: string, policy: string, rule: string, body: never) => {
                // The write of this target fails outright (Okta down for it); the others succeed.
                if (rule === location.ruleId) org.sim.injectFault({ operationId: 'replaceAuthorizationServerPolicyRule', kind: 'status-500', count: 4 });
                return target.replacePolicyRule(server, policy, rule, body);
              };
            },
          });
        },
      };

      const error = await failure(handleEvent(event('create', { ResourceProperties: withTargets(THREE) }), deps));

      expect(error.message).toMatch(/^[a-z]/);
      expect(snapshot(THREE_RULES).map(withoutStamp)).toEqual(before.map(withoutStamp));
      expect(org.hookIds()).toEqual([]);
      expect(await api.listInlineHooks()).toEqual([]);
    });
  }
});

describe('updates by difference', () => {
  it('from one target to three, then to two, writes only the rules that change', async () => {
    const one = org.properties();
    const created = await org.create(one);
    const hookId = created.PhysicalResourceId;

    org.sim.resetCalls();
    const three = withTargets(THREE);
    const updated = await org.update(three, one, hookId);
    const toThree = writesOf(org);

    org.sim.resetCalls();
    const two = withTargets([DEFAULT, READERS]);
    await org.update(two, three, hookId);
    const toTwo = writesOf(org);

    org.sim.resetCalls();
    await org.update(two, two, hookId);
    const again = writesOf(org);

    expect(updated.PhysicalResourceId).toBe(hookId);
    expect(toThree).toEqual({ rules: [PARTNER_WRITE_RULE.ruleId, PARTNER_READ_RULE.ruleId], hooks: 0 });
    expect(toTwo).toEqual({ rules: [PARTNER_WRITE_RULE.ruleId], hooks: 0 });
    expect(again).toEqual({ rules: [], hooks: 0 });
    expect([DEFAULT_RULE, PARTNER_WRITE_RULE, PARTNER_READ_RULE].map((l) => ruleHook(org.rule(l)))).toEqual([hookId, undefined, hookId]);
  });

  it('updates a stack deployed with the single target, its displaced hook recorded as a bare id, with no write', async () => {
    const foreign = await foreignHookOn(DEFAULT_RULE, 'someone else');
    const before = org.rule();
    const properties = org.properties({ ReplaceExistingHook: 'true' });
    const created = await org.create(properties);
    // What the single-target releases stored: the displaced hook's id alone.
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    const ours = await api.getInlineHook(created.PhysicalResourceId);
    await api.replaceInlineHook(ours.id, {
      name: ours.name,
      uri: ours.channel.config.uri,
      authHeader: 'Authorization',
      authValue: 'test-api-key-do-not-log-0123456789',
      headers: [{ key: 'X-Environment', value: 'dev' }, { key: PREVIOUS_HOOK_HEADER, value: foreign }],
    });

    org.sim.resetCalls();
    const updated = await org.update(properties, properties, created.PhysicalResourceId);
    const written = writesOf(org);
    await org.remove(properties, created.PhysicalResourceId);

    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(written).toEqual({ rules: [], hooks: 0 });
    expect(withoutStamp(org.rule())).toEqual(withoutStamp(before));
  });

  it('attaches the hook again to a target rule an admin detached it from', async () => {
    const properties = withTargets(THREE);
    const created = await org.create(properties);
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    const rule = await api.getPolicyRule(PARTNER_READ_RULE.authServerId, PARTNER_READ_RULE.policyId, PARTNER_READ_RULE.ruleId);
    await api.replacePolicyRule(PARTNER_READ_RULE.authServerId, PARTNER_READ_RULE.policyId, PARTNER_READ_RULE.ruleId, { ...rule, actions: {} });

    org.sim.resetCalls();
    await org.update(properties, properties, created.PhysicalResourceId);

    expect(writesOf(org)).toEqual({ rules: [PARTNER_READ_RULE.ruleId], hooks: 0 });
    expect(ruleHook(org.rule(PARTNER_READ_RULE))).toBe(created.PhysicalResourceId);
  });
});

describe('every rule of a policy', () => {
  it('attaches every rule but those excepted, and a rule added later on the next deploy', async () => {
    const properties = withTargets([DEFAULT, { AuthorizationServer: 'Partner API', Policy: 'Web Apps Policy', AllRules: 'true', Except: ['Admins'] }]);
    const created = await org.create(properties);
    const hooked = [WEB_ADMIN_RULE, WEB_EVERYONE_RULE].map((l) => ruleHook(org.rule(l)));
    const added = await addRule(SEED.partnerServer.id, SEED.webPolicy.id, 'Contractors');

    org.sim.resetCalls();
    await org.update(properties, properties, created.PhysicalResourceId);
    const written = writesOf(org);
    await org.remove(properties, created.PhysicalResourceId);

    expect(hooked).toEqual([undefined, created.PhysicalResourceId]);
    expect(written).toEqual({ rules: [added], hooks: 0 });
    expect(ruleHook(org.rule({ ...WEB_ADMIN_RULE, ruleId: added }))).toBeUndefined();
  });

  it('refuses an except that names no rule of the policy, so a typo never attaches the rule it meant to spare', async () => {
    const error = await failure(
      org.create(withTargets([{ AuthorizationServer: 'Partner API', Policy: 'Web Apps Policy', AllRules: 'true', Except: ['admins'] }])),
    );

    expect(error.message).toMatch(/no rule in policy "Web Apps Policy" .* has the id or name "admins"; existing: "Admins"/);
    expect(org.hookIds()).toEqual([]);
  });
});

describe('hooks displaced per rule', () => {
  it('refuses rules that run other hooks, naming each, unless replaceExistingHook is set', async () => {
    await foreignHookOn(PARTNER_WRITE_RULE, 'writers hook');
    await foreignHookOn(PARTNER_READ_RULE, 'readers hook');

    const error = await failure(org.create(withTargets(THREE)));

    expect(error).toBeInstanceOf(RuleHasOtherHookError);
    expect(error.message).toContain('"Partner writers"');
    expect(error.message).toContain('"Partner readers"');
    expect(ruleHook(org.rule(DEFAULT_RULE))).toBeUndefined();
  });

  it('puts back on delete, and on removing a target, the hook each rule had', async () => {
    const writersHook = await foreignHookOn(PARTNER_WRITE_RULE, 'writers hook');
    const readersHook = await foreignHookOn(PARTNER_READ_RULE, 'readers hook');
    const before = snapshot(THREE_RULES);
    const properties = withTargets(THREE, { ReplaceExistingHook: 'true' });
    const created = await org.create(properties);

    const two = withTargets([DEFAULT, READERS], { ReplaceExistingHook: 'true' });
    await org.update(two, properties, created.PhysicalResourceId);
    const writersAfterUpdate = ruleHook(org.rule(PARTNER_WRITE_RULE));
    await org.remove(two, created.PhysicalResourceId);

    expect(writersAfterUpdate).toBe(writersHook);
    expect(snapshot(THREE_RULES).map(withoutStamp)).toEqual(before.map(withoutStamp));
    expect(ruleHook(org.rule(PARTNER_READ_RULE))).toBe(readersHook);
    expect(org.hookIds().sort()).toEqual([writersHook, readersHook].sort());
  });
});

describe('the undo budget with several rules', () => {
  /** A 10-minute registrar's deadlines on the test's clock, as the handler computes them per rule count. */
  function tenMinuteDeadlines(asked: number[]) {
    const started = org.clock.now();
    return (rules: number) => {
      asked.push(rules);
      return fundedDeadlines(started, 600_000, undoBudgetMs(DEFAULT_RETRY_POLICY, DEFAULT_CALL_TIMEOUT_MS, undoCalls(rules)));
    };
  }

  it('stops forward steps where the undo of three rules must start, and that undo puts all three back', async () => {
    const before = snapshot(THREE_RULES);
    const asked: number[] = [];
    const deadlines = tenMinuteDeadlines(asked);
    const [one, three] = [deadlines(1), deadlines(3)];
    let puts = 0;
    const deps: EventDeps = {
      ...org.deps,
      deadlines,
      oktaFor: async (arn, url) =>
        instrument(await org.deps.oktaFor(arn, url), (method) => {
          // Before the third rule's PUT, time moves past the forward deadline of three rules, not of one.
          if (method === 'replacePolicyRule' && ++puts === 3) org.clock.offsetMs += (three.forward + one.forward) / 2 - org.clock.now();
        }),
    };

    const error = await failure(handleEvent(event('create', { ResourceProperties: withTargets(THREE) }), deps));

    expect(three.forward).toBeLessThan(one.forward);
    expect(three.undo - three.forward).toBe(480_000);
    expect(asked).toContain(3);
    expect(error.message).toMatch(/okta call replacePolicyRule was not started: the deadline passed/);
    expect(puts).toBe(3 + 2);
    expect(snapshot(THREE_RULES).map(withoutStamp)).toEqual(before.map(withoutStamp));
    expect(org.hookIds()).toEqual([]);
  });

  it('gives an update the forward time of the rules it attaches', async () => {
    const properties = withTargets([DEFAULT]);
    const created = await org.create(properties);
    const asked: number[] = [];

    await handleEvent(
      event('update', { ResourceProperties: withTargets(THREE), OldResourceProperties: properties, PhysicalResourceId: created.PhysicalResourceId }),
      { ...org.deps, deadlines: tenMinuteDeadlines(asked) },
    );

    expect(asked).toEqual([1, 2]);
    expect(THREE_RULES.map((location) => ruleHook(org.rule(location)))).toEqual(THREE_RULES.map(() => created.PhysicalResourceId));
  });
});
