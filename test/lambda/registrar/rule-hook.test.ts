import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import type { AuthorizationServerPolicyRule } from '../../../lambda/okta/schemas.js';
import { RuleConflictError } from '../../../lambda/registrar/errors.js';
import { hookIdOf, setRuleHook, withRuleHook } from '../../../lambda/registrar/rule-hook.js';
import { DEFAULT_RULE } from './harness.js';

const rule = {
  id: '0pr1',
  name: 'Default Policy Rule',
  type: 'RESOURCE_ACCESS',
  priority: 1,
  conditions: { scopes: { include: ['*'] } },
  actions: { token: { accessTokenLifetimeMinutes: 60, inlineHook: { id: 'calOld' } } },
  _links: { self: { href: 'https://example.okta.com/x' } },
} as AuthorizationServerPolicyRule;

describe('withRuleHook', () => {
  it('changes only actions.token.inlineHook and drops the read-only links', () => {
    const changed = withRuleHook(rule, 'calNew');

    const { _links: _dropped, ...rest } = rule as typeof rule & { _links: unknown };
    expect(changed).toEqual({ ...rest, actions: { token: { accessTokenLifetimeMinutes: 60, inlineHook: { id: 'calNew' } } } });
    expect(hookIdOf(rule)).toBe('calOld');
  });

  it('removes the hook without touching the rest of the token settings', () => {
    expect(withRuleHook(rule, null).actions).toEqual({ token: { accessTokenLifetimeMinutes: 60 } });
  });
});

describe('setRuleHook', () => {
  let sim: OktaSimulator;
  let api: OktaApi;
  let hookId: string;

  beforeEach(async () => {
    sim = await startOktaSimulator();
    api = createOktaClient({ credentials: { orgUrl: sim.url, apiToken: sim.apiToken } });
    hookId = (await api.createInlineHook({ name: 'h', uri: 'https://example.com/hook', authHeader: 'Authorization', authValue: 'k' })).id;
  });
  afterEach(async () => {
    await sim.close();
  });

  it('starts over from a fresh read when the rule changed since the first read, keeping the other edit', async () => {
    sim.editRuleBetweenReadAndWrite((stored) => {
      (stored['actions'] as { token: Record<string, unknown> }).token['accessTokenLifetimeMinutes'] = 30;
    });
    const log: object[] = [];

    const change = await setRuleHook(api, DEFAULT_RULE, () => hookId, { log: (line) => log.push(line) });

    expect(change.written).toBe(true);
    expect(change.after.actions?.token).toMatchObject({ accessTokenLifetimeMinutes: 30, inlineHook: { id: hookId } });
    expect(log).toContainEqual(expect.objectContaining({ event: 'rule-changed-before-write' }));
  });

  it('gives up with a clear error when the rule keeps changing, without writing', async () => {
    for (let i = 0; i < 10; i += 1) {
      sim.editRuleBetweenReadAndWrite((stored) => {
        stored['priority'] = i + 2;
      });
    }

    await expect(setRuleHook(api, DEFAULT_RULE, () => hookId, { attempts: 3 })).rejects.toThrow(RuleConflictError);
    expect(sim.calls.filter((c) => c.method === 'PUT')).toEqual([]);
  });

  it('writes nothing when the rule already has the wanted hook', async () => {
    const current = await api.getPolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId);
    sim.resetCalls();

    const change = await setRuleHook(api, DEFAULT_RULE, () => null, { initial: current });

    expect(change.written).toBe(false);
    expect(sim.calls).toEqual([]);
  });
});
