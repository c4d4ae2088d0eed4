import { describe, expect, it } from 'vitest';
import { PREVIOUS_HOOK_HEADER } from '../../../lambda/registrar/hook-definition.js';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import { REGISTRAR_ATTRIBUTES } from '../../../lambda/shared/contract.js';
import { handleEvent } from '../../../lambda/registrar/handle-event.js';
import { loadFixture } from '../../support/fixtures.js';
import {
  DEFAULT_RULE,
  event,
  expectedRule,
  PARTNER_WRITE_RULE,
  ruleHook,
  useSimulatorOrg,
  withoutStamp,
  type Org,
  type Properties,
} from './harness.js';

const { suite, org } = useSimulatorOrg();

/** Puts another, foreign hook on the default rule through the management API, as an admin would. */
function attachForeignHook(location = DEFAULT_RULE): Promise<string> {
  return attachForeignHookIn(org, location);
}

async function attachForeignHookIn(target: Org, location = DEFAULT_RULE): Promise<string> {
  const api = await target.deps.oktaFor(target.credentialsArn, undefined);
  const hook = await api.createInlineHook({ name: 'someone else', uri: suite.otherHook.url, authHeader: 'Authorization', authValue: 'x' });
  const rule = await api.getPolicyRule(location.authServerId, location.policyId, location.ruleId);
  await api.replacePolicyRule(location.authServerId, location.policyId, location.ruleId, {
    ...rule,
    actions: { ...rule.actions, token: { ...rule.actions?.token, inlineHook: { id: hook.id } } },
  });
  return hook.id;
}

describe('create', () => {
  it('registers an active hook, attaches it to the rule and changes nothing else on the rule', async () => {
    const before = org.rule();

    const result = await org.create(org.properties());

    const hooks = org.sim.snapshot().inlineHooks;
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ id: result.PhysicalResourceId, status: 'ACTIVE', name: 'okta-token-hook dev' });
    expect(hooks[0]!.channel.config.uri).toBe(suite.hook.url);
    expect(withoutStamp(org.rule())).toEqual(expectedRule(before, result.PhysicalResourceId));
    expect(result.Data).toEqual({
      [REGISTRAR_ATTRIBUTES.hookId]: result.PhysicalResourceId,
      [REGISTRAR_ATTRIBUTES.authorizationServerId]: 'default',
      [REGISTRAR_ATTRIBUTES.policyId]: DEFAULT_RULE.policyId,
      [REGISTRAR_ATTRIBUTES.ruleId]: DEFAULT_RULE.ruleId,
      [REGISTRAR_ATTRIBUTES.previousHookId]: '',
      [REGISTRAR_ATTRIBUTES.ruleCount]: '1',
    });
  });

  it('verifies the hook through /execute before attaching it', async () => {
    await org.create(org.properties());

    const operations = org.sim.calls.map((call) => call.operationId);
    const executed = operations.indexOf('executeInlineHook');
    const attached = operations.indexOf('replaceAuthorizationServerPolicyRule');
    expect(executed).toBeGreaterThan(-1);
    expect(executed).toBeLessThan(attached);
  });

  it('makes the hook change real tokens minted through the rule', async () => {
    await org.create(org.properties());

    const minted = await org.sim.mintTokens({
      authorizationServer: 'default',
      clientId: SEED.webClient.clientId,
      grantType: 'authorization_code',
      scopes: ['openid', 'profile'],
    });

    expect(minted.hookId).toBe(org.hookIds()[0]);
    expect(minted.hookOutcome).toBe('applied');
    expect(minted.access.claims).not.toEqual((minted.hookRequest as { data: { access: { claims: unknown } } }).data.access.claims);
  });

  it('adopts a hook with its name and URL left by an earlier try of the same create', async () => {
    const first = await org.create(org.properties());
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    const rule = await api.getPolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId);
    const { inlineHook: _dropped, ...token } = rule.actions!.token!;
    await api.replacePolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId, { ...rule, actions: { ...rule.actions, token } });

    const second = await org.create(org.properties());

    expect(second.PhysicalResourceId).toBe(first.PhysicalResourceId);
    expect(org.hookIds()).toEqual([first.PhysicalResourceId]);
    expect(ruleHook(org.rule())).toBe(first.PhysicalResourceId);
  });

  it('refuses a hook name that another hook with another URL holds, and leaves Okta as it was', async () => {
    const foreign = await attachForeignHook(PARTNER_WRITE_RULE);
    const before = org.sim.snapshot();

    await expect(org.create(org.properties({ HookName: 'someone else' }))).rejects.toThrow(/already exists and calls/);

    expect(org.sim.snapshot()).toEqual(before);
    expect(org.hookIds()).toEqual([foreign]);
  });

  it('refuses a rule that already runs another hook unless replaceExistingHook is set', async () => {
    const foreign = await attachForeignHook();
    const before = org.rule();

    await expect(org.create(org.properties())).rejects.toThrow(/already runs inline hook .*replaceExistingHook/);

    expect(org.rule()).toEqual(before);
    expect(org.hookIds()).toEqual([foreign]);
  });

  it('replaces another hook when replaceExistingHook is set, remembers it and puts it back on delete', async () => {
    const foreign = await attachForeignHook();
    const before = org.rule();
    const properties = org.properties({ ReplaceExistingHook: 'true' });

    const created = await org.create(properties);
    const stored = org.sim.snapshot().inlineHooks.find((h) => h.id === created.PhysicalResourceId)!;
    await org.remove(properties, created.PhysicalResourceId);

    expect(created.Data![REGISTRAR_ATTRIBUTES.previousHookId]).toBe(foreign);
    expect(stored.channel.config.headers).toContainEqual({ key: PREVIOUS_HOOK_HEADER, value: `${DEFAULT_RULE.ruleId}=${foreign}` });
    expect(withoutStamp(org.rule())).toEqual(withoutStamp(before));
    expect(org.hookIds()).toEqual([foreign]);
  });

  it('removes the hook it created when verification fails, and leaves the rule unchanged', async () => {
    const before = org.rule();

    await expect(org.create(org.properties({ HookUrl: 'http://127.0.0.1:9/' }))).rejects.toThrow(/did not answer okta's \/execute/);

    expect(org.hookIds()).toEqual([]);
    expect(org.rule()).toEqual(before);
  });

  it('says to check the credentials secret when Okta rejects the token, without showing it', async () => {
    const arn = suite.secrets.createSecret(`bad-token-${Date.now()}`, JSON.stringify({ orgUrl: org.sim.url, apiToken: 'not-a-valid-token-0000' }));

    const creating = org.create(org.properties({ CredentialsSecretArn: arn }));

    await expect(creating).rejects.toThrow(/okta rejected the credentials for .*check the credentials secret/);
    await expect(creating).rejects.not.toThrow(/not-a-valid-token/);
  });

  it('names the api key secret when it does not exist, and leaves okta as it was', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:no-such-key';
    const before = org.sim.snapshot();

    await expect(org.create(org.properties({ ApiKeySecretArn: arn }))).rejects.toThrow(`the api key secret ${arn} does not exist or has no current value`);

    expect(org.sim.snapshot()).toEqual(before);
  });

  it('rejects invalid properties with the paths that are wrong and calls nothing', async () => {
    await expect(org.create(org.properties({ HookUrl: 'not a url', Verify: 'maybe' }))).rejects.toThrow(/HookUrl.*Verify|Verify.*HookUrl/s);

    expect(org.sim.calls).toHaveLength(0);
  });
});

describe('update', () => {
  it('makes no Okta write when nothing that matters changed', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    org.sim.resetCalls();

    const updated = await org.update({ ...properties, Verify: 'false', RetainOnDelete: 'true' }, properties, created.PhysicalResourceId);

    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(org.sim.calls.filter((call) => call.method !== 'GET')).toEqual([]);
  });

  it('puts the hook with the new URL and verifies it', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    org.sim.resetCalls();

    const updated = await org.update({ ...properties, HookUrl: suite.otherHook.url }, properties, created.PhysicalResourceId);

    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(org.sim.snapshot().inlineHooks[0]!.channel.config.uri).toBe(suite.otherHook.url);
    expect(org.sim.calls.map((c) => c.operationId)).toEqual(expect.arrayContaining(['replaceInlineHook', 'executeInlineHook']));
  });

  it('renames the hook in place', async () => {
    const properties = org.properties();
    const created = await org.create(properties);

    await org.update({ ...properties, HookName: 'okta-token-hook dev renamed' }, properties, created.PhysicalResourceId);

    expect(org.sim.snapshot().inlineHooks.map((h) => [h.id, h.name])).toEqual([[created.PhysicalResourceId, 'okta-token-hook dev renamed']]);
  });

  it('sends the current key again when the key version changes', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    org.sim.resetCalls();

    await org.update({ ...properties, ApiKeyVersion: '2' }, properties, created.PhysicalResourceId);

    const put = org.sim.calls.find((c) => c.operationId === 'replaceInlineHook');
    expect(put).toBeDefined();
    expect(JSON.stringify(put!.body)).toContain('test-api-key-do-not-log-0123456789');
  });

  it('moves the hook to a new target and puts the old rule back', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const partnerBefore = org.rule(PARTNER_WRITE_RULE);
    const moved = { ...properties, Target: { AuthorizationServer: 'Partner API', Policy: 'Service Policy', Rule: 'Partner writers' } };

    const updated = await org.update(moved, properties, created.PhysicalResourceId);

    expect(updated.Data![REGISTRAR_ATTRIBUTES.ruleId]).toBe(PARTNER_WRITE_RULE.ruleId);
    expect(ruleHook(org.rule())).toBeUndefined();
    expect(withoutStamp(org.rule(PARTNER_WRITE_RULE))).toEqual(expectedRule(partnerBefore, created.PhysicalResourceId));
  });

  it('replaces the resource when the org changes: a new hook in the new org, the old one deleted afterwards', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const other = await suite.org();
    try {
      const moved = other.properties();

      const updated = await other.update(moved, properties, created.PhysicalResourceId);
      await org.remove(properties, created.PhysicalResourceId);

      expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
      expect(other.hookIds()).toEqual([updated.PhysicalResourceId]);
      expect(org.hookIds()).toEqual([]);
      expect(ruleHook(org.rule())).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('rolls back a replacement that failed in the new org, keeping the old hook and physical id', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const other = await suite.org();
    try {
      const moved = other.properties();
      const foreign = await attachForeignHookIn(other);
      const before = org.sim.snapshot();

      await expect(other.update(moved, properties, created.PhysicalResourceId)).rejects.toThrow(/already runs inline hook/);
      const rolledBack = await org.update(properties, moved, created.PhysicalResourceId);

      expect(rolledBack.PhysicalResourceId).toBe(created.PhysicalResourceId);
      expect(org.sim.snapshot().inlineHooks.map((h) => [h.id, h.status])).toEqual([[created.PhysicalResourceId, 'ACTIVE']]);
      expect(withoutStamp(org.rule())).toEqual(withoutStamp(before.authorizationServers[0]!.policies[0]!.rules[0] as never));
      expect(other.hookIds()).toEqual([foreign]);
    } finally {
      await other.close();
    }
  });

  it('rolls back a replacement that succeeded: the old hook is kept, the new one deleted in cleanup', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const other = await suite.org();
    try {
      const moved = other.properties();
      const replaced = await other.update(moved, properties, created.PhysicalResourceId);

      const rolledBack = await org.update(properties, moved, replaced.PhysicalResourceId);
      await other.remove(moved, replaced.PhysicalResourceId);

      expect(rolledBack.PhysicalResourceId).toBe(created.PhysicalResourceId);
      expect(ruleHook(org.rule())).toBe(created.PhysicalResourceId);
      expect(other.hookIds()).toEqual([]);
      expect(ruleHook(other.rule())).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('undoes a failed update, and the rollback update with the old properties succeeds', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const ruleBefore = org.rule();
    const broken = { ...properties, HookUrl: 'http://127.0.0.1:9/' };

    await expect(org.update(broken, properties, created.PhysicalResourceId)).rejects.toThrow(/execute/);
    const afterFailure = org.sim.snapshot().inlineHooks[0]!;
    const rolledBack = await org.update(properties, broken, created.PhysicalResourceId);

    expect(afterFailure.channel.config.uri).toBe(suite.hook.url);
    expect(rolledBack.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(org.sim.snapshot().inlineHooks[0]!.channel.config.uri).toBe(suite.hook.url);
    expect(withoutStamp(org.rule())).toEqual(withoutStamp(ruleBefore));
  });

  it('updates from properties written by an older version of the resource, sending the key again', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const legacy = { ...loadFixture<{ ResourceProperties: Properties }>('registrar', 'delete-legacy-properties').ResourceProperties, OrgUrl: org.sim.url };
    org.sim.resetCalls();

    const updated = await org.update(properties, legacy, created.PhysicalResourceId);

    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(org.sim.calls.map((c) => c.operationId)).toContain('replaceInlineHook');
    expect(ruleHook(org.rule())).toBe(created.PhysicalResourceId);
  });

  it('reactivates a hook an admin deactivated', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    await api.deactivateInlineHook(created.PhysicalResourceId);

    await org.update({ ...properties, Verify: 'false' }, properties, created.PhysicalResourceId);

    expect(org.sim.snapshot().inlineHooks[0]!.status).toBe('ACTIVE');
    expect(org.log).toContainEqual(expect.objectContaining({ event: 'hook-inactive', hookId: created.PhysicalResourceId }));
  });

  it('registers a new hook when the old one was deleted by hand', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    await api.deactivateInlineHook(created.PhysicalResourceId);
    await api.deleteInlineHook(created.PhysicalResourceId);

    const updated = await org.update({ ...properties, HookName: 'renamed' }, properties, created.PhysicalResourceId);

    expect(updated.PhysicalResourceId).not.toBe(created.PhysicalResourceId);
    expect(ruleHook(org.rule())).toBe(updated.PhysicalResourceId);
  });
});

/** Changes a rule as an admin would in the console, through the management API. */
async function adminChangesRule(location: typeof DEFAULT_RULE, change: (rule: Record<string, unknown>) => void): Promise<void> {
  const api = await org.deps.oktaFor(org.credentialsArn, undefined);
  const rule = await api.getPolicyRule(location.authServerId, location.policyId, location.ruleId);
  change(rule as Record<string, unknown>);
  await api.replacePolicyRule(location.authServerId, location.policyId, location.ruleId, rule);
}

describe('rules found by our hook id', () => {
  it('restores a rule renamed and moved in priority since create, on delete', async () => {
    const before = org.rule();
    const properties = org.properties();
    const created = await org.create(properties);
    await adminChangesRule(DEFAULT_RULE, (rule) => Object.assign(rule, { name: 'Renamed by an admin', priority: 2 }));

    await org.remove(properties, created.PhysicalResourceId);

    expect(org.hookIds()).toEqual([]);
    expect(withoutStamp(org.rule())).toEqual({ ...withoutStamp(before), name: 'Renamed by an admin', priority: 2 });
  });

  it('puts back the old rule of a moved target though it was renamed since', async () => {
    const before = org.rule();
    const properties = org.properties();
    const created = await org.create(properties);
    await adminChangesRule(DEFAULT_RULE, (rule) => Object.assign(rule, { name: 'Renamed by an admin' }));
    const moved = { ...properties, Target: { AuthorizationServer: 'default', Policy: DEFAULT_RULE.policyId, Rule: 'Renamed by an admin' } };
    const partner = { ...properties, Target: { AuthorizationServer: 'Partner API', Policy: 'Service Policy', Rule: 'Partner writers' } };

    await org.update(partner, moved, created.PhysicalResourceId);

    expect(ruleHook(org.rule())).toBeUndefined();
    expect(withoutStamp(org.rule())).toEqual({ ...withoutStamp(before), name: 'Renamed by an admin' });
    expect(ruleHook(org.rule(PARTNER_WRITE_RULE))).toBe(created.PhysicalResourceId);
  });

  it('detaches our hook from a rule in another server when okta refuses to delete a hook in use, then deletes it', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    await adminChangesRule(PARTNER_WRITE_RULE, (rule) => Object.assign(rule, { actions: { token: { inlineHook: { id: created.PhysicalResourceId } } } }));
    org.sim.injectFault({ operationId: 'deleteInlineHook', kind: 'in-use' });

    await org.remove(properties, created.PhysicalResourceId);

    expect(org.hookIds()).toEqual([]);
    expect(ruleHook(org.rule(PARTNER_WRITE_RULE))).toBeUndefined();
    expect(org.log).toContainEqual(expect.objectContaining({ event: 'detaching-before-delete', ruleId: PARTNER_WRITE_RULE.ruleId }));
  });

  it("fails with okta's reason when it refuses to delete a hook that no rule calls", async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    org.sim.injectFault({ operationId: 'deleteInlineHook', kind: 'in-use' });

    await expect(org.remove(properties, created.PhysicalResourceId)).rejects.toThrow(/in use by a policy rule/);
    await org.remove(properties, created.PhysicalResourceId);

    expect(org.hookIds()).toEqual([]);
  });

  it('reports nothing left to fix when an admin deleted the rule during a failing create', async () => {
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    const { authServerId, policyId, ruleId } = DEFAULT_RULE;
    const deleteRuleAfterPut = new Proxy(api, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (property !== 'replacePolicyRule' || typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const stored = await value.apply(target, args);
          await fetch(`${org.sim.url}/api/v1/authorizationServers/${authServerId}/policies/${policyId}/rules/${ruleId}`, {
            method: 'DELETE',
            headers: { authorization: `SSWS ${org.sim.apiToken}` },
          });
          return stored;
        };
      },
    });

    const failing = handleEvent(event('create', { ResourceProperties: org.properties() }), { ...org.deps, oktaFor: async () => deleteRuleAfterPut });

    const message = String(await failing.catch((error: unknown) => error));
    expect(message).toMatch(/404|not found/i);
    expect(message).not.toMatch(/could not undo/);
    expect(org.hookIds()).toEqual([]);
  });
});

describe('delete', () => {
  it('detaches, deactivates and deletes the hook, leaving the rule as it was before create', async () => {
    const before = org.rule();
    const properties = org.properties();
    const created = await org.create(properties);

    await org.remove(properties, created.PhysicalResourceId);

    expect(org.hookIds()).toEqual([]);
    expect(withoutStamp(org.rule())).toEqual(withoutStamp(before));
  });

  it('leaves the hook and the rule alone with retainOnDelete', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const before = org.sim.snapshot();
    org.sim.resetCalls();

    await org.remove({ ...properties, RetainOnDelete: 'true' }, created.PhysicalResourceId);

    expect(org.sim.snapshot()).toEqual(before);
    expect(org.sim.calls).toEqual([]);
  });

  it('succeeds when the hook was already deleted by hand, and still detaches the rule', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const api = await org.deps.oktaFor(org.credentialsArn, undefined);
    const rule = await api.getPolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId);
    const { inlineHook: _dropped, ...token } = rule.actions!.token!;
    await api.replacePolicyRule(DEFAULT_RULE.authServerId, DEFAULT_RULE.policyId, DEFAULT_RULE.ruleId, { ...rule, actions: { ...rule.actions, token } });
    await api.deactivateInlineHook(created.PhysicalResourceId);
    await api.deleteInlineHook(created.PhysicalResourceId);

    await org.remove(properties, created.PhysicalResourceId);

    expect(org.hookIds()).toEqual([]);
    expect(ruleHook(org.rule())).toBeUndefined();
  });

  it('succeeds when the rule was removed by hand', async () => {
    const properties = org.properties();
    const created = await org.create(properties);

    const { authServerId, policyId, ruleId } = DEFAULT_RULE;
    const removed = await fetch(`${org.sim.url}/api/v1/authorizationServers/${authServerId}/policies/${policyId}/rules/${ruleId}`, {
      method: 'DELETE',
      headers: { authorization: `SSWS ${org.sim.apiToken}` },
    });

    await org.remove(properties, created.PhysicalResourceId);

    expect(removed.status).toBe(204);
    expect(org.hookIds()).toEqual([]);
    expect(org.log).toContainEqual(expect.objectContaining({ event: 'no-rule-calls-hook' }));
  });

  it('deletes cleanly with properties written by an older version of the resource', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const legacy = {
      ...loadFixture<{ ResourceProperties: Properties }>('registrar', 'delete-legacy-properties').ResourceProperties,
      OrgUrl: org.sim.url,
      CredentialsSecretArn: org.credentialsArn,
    };

    await org.remove(legacy, created.PhysicalResourceId);

    expect(org.hookIds()).toEqual([]);
    expect(ruleHook(org.rule())).toBeUndefined();
  });

  it('does nothing for a create that failed before a hook existed', async () => {
    await org.remove(org.properties(), 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED');

    expect(org.sim.calls).toEqual([]);
  });

  it('fails with the missing scope named when the credentials may not manage hooks', async () => {
    const properties = org.properties();
    const created = await org.create(properties);
    const readOnly = org.sim.addApiToken({ scopes: ['okta.inlineHooks.read', 'okta.authorizationServers.read', 'okta.authorizationServers.manage'] });
    const limitedArn = suite.secrets.createSecret(`limited-${created.PhysicalResourceId}`, JSON.stringify({ orgUrl: org.sim.url, apiToken: readOnly }));

    await expect(org.remove({ ...properties, CredentialsSecretArn: limitedArn }, created.PhysicalResourceId)).rejects.toThrow(
      /okta\.inlineHooks\.manage/,
    );
    expect(org.hookIds()).toEqual([created.PhysicalResourceId]);
  });
});
