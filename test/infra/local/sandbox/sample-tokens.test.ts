import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHook, type ServedHook } from '../../../../infra/local/hook-serve.js';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { renderMint, sampleMints, sampleMintsThrough } from '../../../../infra/local/sandbox/sample-tokens.js';
import { parseHookConfig } from '../../../../lambda/shared/hook-config.js';
import type { Transform } from '../../../../lambda/token-hook/evaluate.js';
import { MemorySecretStore } from '../../../lambda/token-hook/memory-secret-store.js';
import { PATHS, simApi, tokenHookCreate } from '../okta-simulator/sim-api.js';

// What the sandbox prints for a sample token: minted through the simulator by a real hook over HTTP.
describe('the sandbox lines of a sample token', () => {
  let sim: OktaSimulator;
  let failing: ServedHook;
  let working: ServedHook;
  let call: ReturnType<typeof simApi>;
  const params = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };

  const serve = (transform: Transform) =>
    serveHook({
      config: parseHookConfig({ failureMode: 'open', rules: [{ name: 'team', set: [{ claim: 'team', token: 'access', value: 'blue' }] }] }),
      transform,
      log: () => undefined,
      secrets: { store: new MemorySecretStore({ AWSCURRENT: 'sample-key' }), apiKeySecretArn: 'arn:sample-key' },
    });

  async function attach(hook: ServedHook, name: string): Promise<void> {
    const hookId = (await call('POST', PATHS.hooks, { body: tokenHookCreate({ name, uri: hook.url, secret: 'sample-key' }) })).body.id;
    const { body: rule } = await call('GET', PATHS.rule, { params });
    rule.actions.token = { ...rule.actions.token, inlineHook: { id: hookId } };
    await call('PUT', PATHS.rule, { params, body: rule });
  }

  beforeAll(async () => {
    sim = await startOktaSimulator();
    call = simApi(sim.url, sim.apiToken);
    failing = await serve(() => {
      throw new TypeError('no tier for this user');
    });
    working = await serve(() => undefined);
  });
  afterAll(async () => {
    await failing?.close();
    await working?.close();
    await sim?.close();
  });

  it('names the error of a hook that fails open, without --verbose', async () => {
    await attach(failing, 'failing hook');
    const [sample] = sampleMints('default');

    const lines = renderMint(sample!.title, await sim.mintTokens(sample!.request));

    expect(lines[1]).toMatch(/^ {2}rule \S+ matched; hook \S+ failed open \(TypeError\): Okta issued the tokens unchanged \(\d+ ms\)$/);
    expect(lines.join('\n')).not.toContain('no tier for this user');
  });

  it('says the commands were applied when the hook works', async () => {
    await attach(working, 'working hook');
    const [sample] = sampleMints('default');

    const lines = renderMint(sample!.title, await sim.mintTokens(sample!.request));

    expect(lines[1]).toMatch(/hook \S+ answered 200, Okta applied its commands/);
  });
});

describe('the sandbox samples through every attached rule', () => {
  it('adds, for each rule the two sample clients miss, a request that Okta sends through that rule', async () => {
    const sim = await startOktaSimulator();
    const servers = sim.snapshot().authorizationServers;
    const rules = servers.flatMap((server) => server.policies.flatMap((policy) => policy.rules.map((rule) => ({ authServerId: server.id, ruleId: rule.id }))));

    const { samples, unreachable } = sampleMintsThrough(servers, 'default', rules);
    const matched = [];
    for (const sample of samples) matched.push((await sim.mintTokens(sample.request)).ruleId);
    await sim.close();

    expect(unreachable).toEqual([]);
    expect(samples).toHaveLength(2 + 4);
    expect(matched).toEqual([SEED.defaultRule.id, SEED.defaultRule.id, ...rules.slice(1).map((r) => r.ruleId)]);
    expect(samples[5]?.title).toBe(
      `Sample web app (${SEED.webClient.clientId}) through rule 'Everyone' of authorization server 'Partner API': ${SEED.otherUser.login} signs in, authorization code, scope openid profile email`,
    );
  });

  it('names a rule no seeded client reaches instead of minting elsewhere', async () => {
    const sim = await startOktaSimulator();
    const servers = sim.snapshot().authorizationServers;
    await sim.close();
    // A rule no seeded client can reach: it takes the password grant only.
    const rule = servers[1]!.policies[0]!.rules[0]!;
    rule.conditions = { ...rule.conditions, grantTypes: { include: ['password'] } };

    const { samples, unreachable } = sampleMintsThrough(servers, 'default', [{ authServerId: SEED.partnerServer.id, ruleId: rule.id }]);

    expect(unreachable).toEqual([rule.id]);
    expect(samples).toHaveLength(2);
  });
});
