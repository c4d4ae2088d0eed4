import { describe, expect, it } from 'vitest';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import { useSimulatorOrg } from './harness.js';

/**
 * Okta calls per operation, counted at the simulator (design.md budgets): a no-op update writes
 * nothing; a create makes at most 6 management calls, the target lookups included, plus the
 * verification. The lookups are also counted apart: two for the `default` server. With N targets a
 * create makes at most 2 + 3N management calls (the hook; per rule a read, the PUT, a read back) plus
 * one verification, and the lookups: one per authorization server (two by name) and one per policy.
 */

const LOOKUPS = new Set(['getAuthorizationServer', 'listAuthorizationServers', 'listAuthorizationServerPolicies', 'listAuthorizationServerPolicyRules']);
const VERIFICATION = 'executeInlineHook';

const { org } = useSimulatorOrg();

function count(label: string) {
  const calls = org.sim.calls.map((call) => ({ id: call.operationId, method: call.method }));
  const lookups = calls.filter((c) => LOOKUPS.has(c.id));
  const verification = calls.filter((c) => c.id === VERIFICATION);
  const management = calls.filter((c) => !LOOKUPS.has(c.id) && c.id !== VERIFICATION);
  const writes = calls.filter((c) => c.method !== 'GET' && c.id !== VERIFICATION);
  console.log(
    `${label}: ${management.length} management calls (${management.map((c) => c.id).join(', ')}), ` +
      `${writes.length} writes, ${verification.length} verification, ${lookups.length} target lookups`,
  );
  return { management: management.length, writes: writes.length, verification: verification.length, lookups: lookups.length };
}

describe('Okta calls per operation', () => {
  it('creates with at most 6 management calls plus one verification', async () => {
    await org.create(org.properties());

    const calls = count('create');

    expect(calls.management + calls.lookups).toBeLessThanOrEqual(6);
    expect(calls.writes).toBe(2);
    expect(calls.verification).toBe(1);
    expect(calls.lookups).toBe(2);
  });

  it('creates with N targets in at most 2 + 3N management calls, one verification, one lookup per server and per policy', async () => {
    const { Target: _single, ...properties } = org.properties();
    const targets = [
      { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' },
      { AuthorizationServer: SEED.partnerServer.id, Policy: SEED.servicePolicy.id, Rule: SEED.serviceWriteRule.id },
      { AuthorizationServer: SEED.partnerServer.id, Policy: SEED.servicePolicy.id, Rule: SEED.serviceReadRule.id },
      { AuthorizationServer: SEED.partnerServer.id, Policy: SEED.webPolicy.id, AllRules: 'true' },
    ];

    await org.create({ ...properties, Targets: targets });

    const calls = count('create with 5 rules on 2 servers');
    expect(calls.management).toBeLessThanOrEqual(2 + 3 * 5);
    expect(calls.writes).toBe(1 + 5);
    expect(calls.verification).toBe(1);
    expect(calls.lookups).toBe(2 + 3);
  });

  it('makes no Okta write on a no-op update with several targets', async () => {
    const { Target: _single, ...rest } = org.properties();
    const properties = {
      ...rest,
      Targets: [
        { AuthorizationServer: 'default', Policy: 'Default Policy', Rule: 'Default Policy Rule' },
        { AuthorizationServer: 'Partner API', Policy: 'Web Apps Policy', AllRules: 'true', Except: ['Admins'] },
      ],
    };
    const created = await org.create(properties);
    org.sim.resetCalls();

    await org.update(properties, properties, created.PhysicalResourceId);

    const calls = count('no-op update with 2 targets');
    expect(calls.writes).toBe(0);
    expect(calls.verification).toBe(0);
  });

  it('skips /execute when verification is turned off', async () => {
    await org.create(org.properties({ Verify: 'false' }));

    expect(count('create without verification').verification).toBe(0);
  });

  it('makes no Okta write on an update that changes nothing in Okta', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    org.sim.resetCalls();

    await org.update({ ...properties, RetainOnDelete: 'true', ReplaceExistingHook: 'true' }, properties, created.PhysicalResourceId);

    const calls = count('no-op update');
    expect(calls.writes).toBe(0);
    expect(calls.verification).toBe(0);
  });

  it('deletes with one rule write, a deactivation and a deletion', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    org.sim.resetCalls();

    await org.remove(properties, created.PhysicalResourceId);

    const calls = count('delete');
    expect(calls.writes).toBe(3);
    expect(calls.management + calls.lookups).toBeLessThanOrEqual(8);
  });
});
