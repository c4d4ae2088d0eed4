import { afterEach, describe, expect, it } from 'vitest';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import { resolveRuleLocation, TargetNotFoundError } from '../../../lambda/okta/resolve-target.js';
import { callsOf, startHarness, type Harness } from './harness.js';
import { rejectionOf } from '../../support/rejection.js';

let harness: Harness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

function notFound(promise: Promise<unknown>): Promise<TargetNotFoundError> {
  return rejectionOf(promise, TargetNotFoundError);
}

describe('resolveRuleLocation', () => {
  it('resolves the default server, policy and rule by name', async () => {
    harness = await startHarness();

    const location = await resolveRuleLocation(harness.api, { authorizationServer: 'default', policy: 'Default Policy', rule: 'Default Policy Rule' });

    expect(location).toEqual({ authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id });
  });

  it('resolves a server by exact name with a search, filtering partial matches out', async () => {
    harness = await startHarness();

    const location = await resolveRuleLocation(harness.api, { authorizationServer: 'Partner API', policy: 'Web Apps Policy', rule: 'Everyone' });

    expect(location).toEqual({ authServerId: SEED.partnerServer.id, policyId: SEED.webPolicy.id, ruleId: SEED.webEveryoneRule.id });
    expect(callsOf(harness.sim, 'getAuthorizationServer')).toHaveLength(0);
  });

  it('resolves every part by id', async () => {
    harness = await startHarness();

    const location = await resolveRuleLocation(harness.api, {
      authorizationServer: SEED.partnerServer.id,
      policy: SEED.servicePolicy.id,
      rule: SEED.serviceReadRule.id,
    });

    expect(location).toEqual({ authServerId: SEED.partnerServer.id, policyId: SEED.servicePolicy.id, ruleId: SEED.serviceReadRule.id });
    expect(callsOf(harness.sim, 'listAuthorizationServers')).toHaveLength(0);
  });

  it('lists the existing servers when none has the name', async () => {
    harness = await startHarness();

    const error = await notFound(resolveRuleLocation(harness.api, { authorizationServer: 'Partner', policy: 'p', rule: 'r' }));

    expect(error).toMatchObject({ kind: 'authorization server', wanted: 'Partner', ambiguous: false });
    expect(error.message).toContain('"default" (default)');
    expect(error.message).toContain(`"Partner API" (${SEED.partnerServer.id})`);
  });

  it('lists the policies of the server when the policy name does not match exactly', async () => {
    harness = await startHarness();

    const error = await notFound(resolveRuleLocation(harness.api, { authorizationServer: 'Partner API', policy: 'service policy', rule: 'r' }));

    expect(error.kind).toBe('policy');
    expect(error.available.map((p) => p.name)).toEqual(['Service Policy', 'Web Apps Policy']);
    expect(error.message).toContain('authorization server "Partner API"');
    expect(error.message).toContain('names must match exactly');
  });

  it('lists the rules of the policy when the rule is missing', async () => {
    harness = await startHarness();

    const error = await notFound(resolveRuleLocation(harness.api, { authorizationServer: 'default', policy: 'Default Policy', rule: 'Nope' }));

    expect(error).toMatchObject({ kind: 'rule', wanted: 'Nope' });
    expect(error.message).toContain(`"Default Policy Rule" (${SEED.defaultRule.id})`);
  });

  it('refuses a name two rules share and lists both ids', async () => {
    harness = await startHarness();
    // A console admin renames a rule so that two rules of the policy share a name.
    harness.sim.editRuleBetweenReadAndWrite((rule) => {
      rule.name = SEED.serviceWriteRule.name;
    });
    await harness.api.getPolicyRule(SEED.partnerServer.id, SEED.servicePolicy.id, SEED.serviceReadRule.id);

    const error = await notFound(
      resolveRuleLocation(harness.api, { authorizationServer: 'Partner API', policy: 'Service Policy', rule: SEED.serviceWriteRule.name }),
    );

    expect(error).toMatchObject({ kind: 'rule', ambiguous: true });
    expect(error.available.map((r) => r.id).sort()).toEqual([SEED.serviceReadRule.id, SEED.serviceWriteRule.id].sort());
    expect(error.message).toContain('name it by id');
  });

  it('passes Okta failures through unchanged', async () => {
    harness = await startHarness({ client: { retry: { maxAttempts: 1 } } });
    harness.sim.injectFault({ operationId: 'listAuthorizationServerPolicies', kind: 'status-500' });

    const error = await resolveRuleLocation(harness.api, { authorizationServer: 'default', policy: 'Default Policy', rule: 'x' }).catch((e: unknown) => e);

    expect(error).not.toBeInstanceOf(TargetNotFoundError);
    expect(error).toMatchObject({ name: 'OktaApiError', status: 500 });
  });
});
