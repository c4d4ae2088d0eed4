import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENVIRONMENT, HOOK_NAME, projectDir, runCli, setRuleHook, simulatedOrg, type SimulatedOrg } from './cli-harness.js';

describe('okta-token-hook status', () => {
  let org: SimulatedOrg;

  beforeEach(async () => {
    org = await simulatedOrg();
  });

  afterEach(async () => {
    await org.close();
  });

  function outputs(hookUrl: string): Record<string, unknown> {
    const { authServerId, policyId, ruleId } = org.rule;
    return { [`OktaTokenHook-${ENVIRONMENT}`]: { FunctionUrl: hookUrl, HookId: org.hookId, Rule: `${authServerId}/${policyId}/${ruleId}` } };
  }

  it('shows the hook, the rule it is attached to, and no drift; exits 0', async () => {
    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(org.hook.url)), env: org.env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${HOOK_NAME} (${org.hookId}), ACTIVE`);
    expect(result.stdout).toMatch(new RegExp(`^ {2}calls +${org.hook.url}$`, 'm'));
    expect(result.stdout).toMatch(new RegExp(`^rule +'Default Policy Rule' \\(${org.rule.ruleId}\\) in policy 'Default Policy'`, 'm'));
    expect(result.stdout).toContain(`hook ${org.hookId} (${HOOK_NAME})`);
    expect(result.stdout).toContain('credentials from OKTA_ORG_URL + OKTA_API_TOKEN');
    expect(result.stdout).toMatch(/in sync: okta matches the deployment/);
  });

  it('finds the hook by the environment name when there is no outputs file', async () => {
    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}deployed +unknown: give --hook-url/m);
  });

  it('reports a hook that is missing from okta, and the rule left without a hook; exits 3', async () => {
    await setRuleHook(org.api, org.rule, null);
    await org.api.deactivateInlineHook(org.hookId);
    await org.api.deleteInlineHook(org.hookId);

    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(org.hook.url)), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stdout).toContain(`${HOOK_NAME}: not found in okta`);
    expect(result.stdout).toMatch(/^ {2}hook-missing: okta has no token hook named 'cli-test-hook': run npx cdk deploy -c env=sim/m);
    expect(result.stdout).toMatch(/^ {2}rule-detached: /m);
  });

  it('reports an inactive hook', async () => {
    await org.api.deactivateInlineHook(org.hookId);

    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(org.hook.url)), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/drift \(1\):\n {2}hook-inactive: hook 'cli-test-hook' is INACTIVE/);
  });

  it('reports a hook whose URL differs from the deployed Function URL', async () => {
    const deployed = 'https://abcdefg.lambda-url.eu-west-1.on.aws/';

    const fromOutputs = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(deployed)), env: org.env });
    const fromFlag = await runCli(['status', '--env', ENVIRONMENT, '--hook-url', deployed], { cwd: projectDir(), env: org.env });

    for (const result of [fromOutputs, fromFlag]) {
      expect(result.code).toBe(3);
      expect(result.stdout).toMatch(/drift \(1\):\n {2}url-differs: /);
      expect(result.stdout).toContain(`calls ${org.hook.url}, not the deployed Function URL ${deployed}`);
    }
  });

  it('reports a rule that no longer calls the hook', async () => {
    await setRuleHook(org.api, org.rule, null);

    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(org.hook.url)), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^ {2}calls +no hook$/m);
    expect(result.stdout).toMatch(/drift \(1\):\n {2}rule-detached: rule 'Default Policy Rule' calls no hook/);
  });

  it('reports another hook on the rule, by name', async () => {
    const other = await org.api.createInlineHook({ name: 'someone-elses-hook', uri: 'https://hooks.example.com/t', authHeader: 'Authorization', authValue: 'k' });
    await setRuleHook(org.api, org.rule, other.id);

    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(org.hook.url)), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/drift \(1\):\n {2}other-hook-on-rule: /);
    expect(result.stdout).toContain(`calls another hook, 'someone-elses-hook' (${other.id})`);
  });

  it('names the hook ours replaced on the rule, which a destroy puts back', async () => {
    const previous = await org.api.createInlineHook({ name: 'the-old-hook', uri: 'https://hooks.example.com/old', authHeader: 'Authorization', authValue: 'k' });
    const headers = [{ key: 'X-Token-Hook-Replaces', value: previous.id }];
    await org.api.replaceInlineHook(org.hookId, { name: HOOK_NAME, uri: org.hook.url, authHeader: 'Authorization', authValue: org.hook.apiKey ?? '', headers });

    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(outputs(org.hook.url)), env: org.env });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^ {2}replaces +hook ${previous.id} \\(the-old-hook\\) on the rule; destroying the stack puts it back$`, 'm'));
  });

  it('says which scope is missing when the credentials may not read the rules', async () => {
    const token = org.sim.addApiToken({ scopes: ['okta.inlineHooks.read'] });

    const result = await runCli(['status', '--env', ENVIRONMENT], { cwd: projectDir(), env: { ...org.env, OKTA_API_TOKEN: token } });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*403 E0000006.*okta\.authzServers\.read/);
    expect(result.stderr).not.toContain(token);
  });
});

describe('okta-token-hook status with several targets', () => {
  let org: SimulatedOrg;

  beforeEach(async () => {
    org = await simulatedOrg();
  });

  afterEach(async () => {
    await org.close();
  });

  it('reports each target rule, and a rule of an allRules policy that does not call the hook as a new rule', async () => {
    const { SEED } = await import('../../../infra/local/okta-simulator/index.js');
    const writers = { authServerId: SEED.partnerServer.id, policyId: SEED.servicePolicy.id, ruleId: SEED.serviceWriteRule.id };
    await setRuleHook(org.api, writers, org.hookId);

    const drifted = await runCli(['status', '--env', 'multi'], { cwd: projectDir(), env: org.env });
    await setRuleHook(org.api, { ...writers, ruleId: SEED.serviceReadRule.id }, org.hookId);
    const synced = await runCli(['status', '--env', 'multi'], { cwd: projectDir(), env: org.env });

    expect(drifted.code).toBe(3);
    expect(drifted.stdout).toContain("new-rule: new rule 'Partner readers' in policy 'Service Policy' does not call the hook");
    expect(synced.code).toBe(0);
    expect(synced.stdout.match(/^rule /gm)).toHaveLength(3);
    expect(synced.stdout).toMatch(/in sync: okta matches the deployment/);
  });
});
