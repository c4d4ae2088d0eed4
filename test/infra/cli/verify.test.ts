import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveHook } from '../../../infra/local/hook-serve.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { ENVIRONMENT, HOOK_NAME, projectDir, runCli, setRuleHook, simulatedOrg, type SimulatedOrg } from './cli-harness.js';

describe('okta-token-hook verify', () => {
  let org: SimulatedOrg;

  beforeEach(async () => {
    org = await simulatedOrg();
  });

  afterEach(async () => {
    await org.close();
  });

  it("runs Okta's /execute against the live hook and shows its commands and the latency", async () => {
    org.sim.resetCalls();

    const result = await runCli(['verify', '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`okta calls hook ${HOOK_NAME} (${org.hookId}, ACTIVE) at ${org.hook.url}`);
    expect(result.stdout).toMatch(/^ok: the hook answered in \d+ ms .* with 2 command\(s\)$/m);
    expect(result.stdout).toMatch(/^ {2}com\.okta\.access\.patch\n {4}add +\/claims\/login = verify@example\.com$/m);
    expect(result.stdout).toMatch(/^ {2}com\.okta\.identity\.patch$/m);
    expect(org.sim.calls.filter((call) => call.operationId === 'executeInlineHook')).toHaveLength(1);
  });

  it('sends the request from a file instead of the sample, when given one', async () => {
    const file = fileURLToPath(new URL('../../fixtures/cli/request-client-credentials.json', import.meta.url));

    const result = await runCli(['verify', file, '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`with the request in ${file}`);
    expect(result.stdout).toMatch(/with 1 command\(s\)\n {2}com\.okta\.access\.patch\n {4}add +\/claims\/caller = service$/m);
  });

  it.each([
    ['the sample request', []],
    ['a request file', [fileURLToPath(new URL('../../fixtures/cli/request-client-credentials.json', import.meta.url))]],
  ])('fails with exit 3 and the reason when the claim logic throws on %s, although the hook fails open', async (_, file) => {
    const broken = await serveHook({
      config: parseHookConfig({ failureMode: 'open' }),
      transform: () => {
        throw new TypeError('no tier');
      },
      log: () => undefined,
    });
    await org.api.replaceInlineHook(org.hookId, { name: HOOK_NAME, uri: broken.url, authHeader: 'Authorization', authValue: broken.apiKey ?? '' });

    const result = await runCli(['verify', ...file, '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });
    await broken.close();

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(
      /^failed: in \d+ ms the hook answered that the claim logic failed on the verification request \(TypeError\); real token requests would fail open \(tokens without the claims\)$/m,
    );
  });

  it('fails with exit 3 when the hook cannot be reached', async () => {
    await org.api.replaceInlineHook(org.hookId, { name: HOOK_NAME, uri: 'http://127.0.0.1:1/', authHeader: 'Authorization', authValue: org.hook.apiKey ?? '' });

    const result = await runCli(['verify', '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^failed after \d+ ms: okta answered \d+ E\d+/m);
    expect(result.stdout).toContain('check that the Function URL is reachable from okta');
  });

  it('fails with exit 3 when the hook rejects the key Okta sends', async () => {
    await org.api.replaceInlineHook(org.hookId, { name: HOOK_NAME, uri: org.hook.url, authHeader: 'Authorization', authValue: 'a-stale-key' });

    const result = await runCli(['verify', '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/^failed after \d+ ms: okta answered/m);
    expect(result.stdout).not.toContain('a-stale-key');
  });

  it('says how to deploy when okta has no hook of that name', async () => {
    await setRuleHook(org.api, org.rule, null);
    await org.api.deactivateInlineHook(org.hookId);
    await org.api.deleteInlineHook(org.hookId);

    const result = await runCli(['verify', '--env', ENVIRONMENT], { cwd: projectDir(), env: org.env });

    expect(result.code).toBe(3);
    expect(result.stderr).toBe(`error: okta has no token hook named '${HOOK_NAME}': deploy it (npx cdk deploy -c env=sim) or name it with --hook-name`);
  });
});

describe('okta-token-hook verify with several targets', () => {
  let org: SimulatedOrg;

  beforeEach(async () => {
    org = await simulatedOrg();
  });

  afterEach(async () => {
    await org.close();
  });

  it('has Okta call the hook once per target rule, each request aimed at its rule, and says all passed', async () => {
    org.sim.resetCalls();

    const result = await runCli(['verify', '--env', 'multi'], { cwd: projectDir(), env: org.env });

    const executed = org.sim.calls.filter((call) => call.operationId === 'executeInlineHook');
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^ {2}with a sample authorization-code request aimed at rule "[^"]+" \(\w+\) in policy .*$/gm)).toEqual([
      expect.stringContaining('rule "Default Policy Rule" (0prbsjfyl01zfSZ9K0h7) in policy "Default Policy"'),
      expect.stringContaining('rule "Partner writers" (0prServiceWrite00g3) in policy "Service Policy"'),
      expect.stringContaining('rule "Partner readers" (0prServiceRead000g3) in policy "Service Policy"'),
    ]);
    expect(result.stdout.match(/^ok: the hook answered in \d+ ms .* with 2 command\(s\)$/gm)).toHaveLength(3);
    expect(result.stdout).toMatch(/^ok on all 3 target rules$/m);
    expect(executed.map((call) => call.path.split('/')[4])).toEqual([org.hookId, org.hookId, org.hookId]);
  });

  it('fails with exit 3 naming the target rules whose verification failed, after trying every rule', async () => {
    // Claim logic that fails on tokens of the Partner API server only: the default rule still verifies.
    const partial = await serveHook({
      config: parseHookConfig({ failureMode: 'closed' }),
      transform: (request) => {
        if (JSON.stringify(request).includes('/oauth2/ausPartnerApiSim0g3')) throw new RangeError('no partner tier');
      },
      log: () => undefined,
    });
    await org.api.replaceInlineHook(org.hookId, { name: HOOK_NAME, uri: partial.url, authHeader: 'Authorization', authValue: partial.apiKey ?? '' });
    org.sim.resetCalls();

    const result = await runCli(['verify', '--env', 'multi'], { cwd: projectDir(), env: org.env });
    await partial.close();

    expect(result.code).toBe(3);
    expect(result.stdout.match(/^ok: /gm)).toHaveLength(1);
    expect(result.stdout.match(/^failed: in \d+ ms the hook answered that the claim logic failed on the verification request \(RangeError\)/gm)).toHaveLength(2);
    expect(result.stdout).toMatch(
      /^failed on 2 of 3 target rules: rule "Partner writers" \(0prServiceWrite00g3\) in policy .*; rule "Partner readers" \(0prServiceRead000g3\) in policy .*$/m,
    );
    expect(org.sim.calls.filter((call) => call.operationId === 'executeInlineHook')).toHaveLength(3);
  });
});
