import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionUrlEmulator, type FunctionUrlEmulator } from '../../../infra/local/function-url-emulator.js';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import type { HookAuth } from '../../../lambda/shared/hook-auth.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { createTokenHookFromStore, type TokenHook } from '../../../lambda/token-hook/token-hook.js';
import { startSuite, type Org, type Properties, type Suite } from './harness.js';

/**
 * Moving a deployed stack between the API key and OAuth 2.0, the way CloudFormation updates it: the hook
 * function (a new version behind the `live` alias) before the registrar, which depends on the alias.
 * Each deploy below is a new hook version made live, then the registrar's update event. Okta mints
 * tokens through the rule the whole time: none may be refused or issued without the hook's claims.
 */

const SCOPE = 'okta-token-hook:invoke';
const PARTNER = SEED.partnerServer;
const CONFIG = parseHookConfig({ rules: [{ name: 'marker', set: [{ claim: 'migration_marker', token: 'access', value: 'on' }] }] });
const MINT = { authorizationServer: SEED.defaultServer.id, clientId: SEED.webClient.clientId, grantType: 'authorization_code', scopes: ['openid', 'profile'] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Method = 'private_key_jwt' | 'client_secret_post';

describe('registrar: moving a deployed hook between the API key and OAuth 2.0', () => {
  let suite: Suite;
  let org: Org;
  let emulator: FunctionUrlEmulator;
  /** The version behind the alias: a deploy swaps it before the registrar runs. */
  let live: TokenHook;

  beforeAll(async () => {
    suite = await startSuite();
    // RSA signing on every hook call: slow on a busy machine, and Okta's 3 s is not what is tested.
    org = await suite.org({ callTimeoutMs: 10_000, hookTimeoutMs: 5_000 });
    emulator = await startFunctionUrlEmulator({ handler: (event) => live(event) });
  });
  afterAll(async () => {
    await emulator.close();
    await org.close();
    await suite.close();
  });

  const issuer = () => `${org.sim.url}/oauth2/${PARTNER.id}`;
  const oauth = (acceptApiKey: boolean): HookAuth => ({ type: 'oauth2', issuer: issuer(), audience: PARTNER.audience, scope: SCOPE, acceptApiKey });

  /** A cold start of the hook with `auth`, made live (what the function and alias update does). */
  async function deployFunction(auth: HookAuth): Promise<void> {
    live = await createTokenHookFromStore({ config: CONFIG, auth, secretStore: suite.store, apiKeySecretArn: suite.apiKeyArn, log: () => undefined });
  }

  /** Okta's token path in a loop until stopped: how each mint came out, and whether the hook's claim is in it. */
  function startMinting() {
    let running = true;
    const outcomes: Record<string, number> = {};
    const worker = async () => {
      while (running) {
        const minted = await org.sim.mintTokens(MINT);
        const key = `${minted.hookOutcome}:${minted.access.claims['migration_marker'] === 'on' ? 'enriched' : 'unenriched'}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
      }
    };
    const workers = [worker(), worker()];
    return {
      async stop() {
        running = false;
        await Promise.all(workers);
        return { total: Object.values(outcomes).reduce((a, b) => a + b, 0), outcomes };
      },
    };
  }

  async function oktaState(hookId: string) {
    const get = async (path: string) => (await fetch(`${org.sim.url}${path}`, { headers: { Accept: 'application/json', Authorization: `SSWS ${org.sim.apiToken}` } })).json();
    return {
      channel: org.sim.snapshot().inlineHooks.find((h) => h.id === hookId)!.channel,
      apps: (await get('/api/v1/apps')) as unknown[],
      hookKeys: (await get('/api/v1/hook-keys')) as unknown[],
    };
  }

  it.each<Method>(['private_key_jwt', 'client_secret_post'])(
    'moves from the API key to OAuth 2.0 (%s) and back with no refused or unenriched token, in two deploys each way',
    async (method) => {
      const apiKey = org.properties({ HookUrl: emulator.url, HookName: `migrating-${method}` });
      const clientSecretArn = method === 'client_secret_post' ? suite.secrets.createSecret(`okta-token-hook/test/migration-${Date.now()}`, 'placeholder') : undefined;
      const { ApiKeySecretArn: _key, ...rest } = apiKey;
      const oauth2: Properties = {
        ...rest,
        Auth: { Type: 'oauth2', Method: method, AuthorizationServer: PARTNER.id, Scope: SCOPE, Audience: PARTNER.audience, ...(clientSecretArn ? { ClientSecretArn: clientSecretArn } : {}) },
      };
      await deployFunction({ type: 'apiKey' });
      const { PhysicalResourceId: hookId } = await org.create(apiKey);
      const minting = startMinting();
      await sleep(100);

      // Deploy 1, auth oauth2 with acceptApiKey: the hook takes both, then Okta's channel switches.
      await deployFunction(oauth(true));
      await sleep(100);
      await org.update(oauth2, apiKey, hookId);
      const onOAuth = await oktaState(hookId);
      await sleep(100);
      // Deploy 2, acceptApiKey removed: the hook takes only tokens; the registrar has nothing to write.
      await deployFunction(oauth(false));
      org.sim.resetCalls();
      await org.update(oauth2, oauth2, hookId);
      const writesOfDeploy2 = org.sim.calls.filter((call) => call.method !== 'GET' && call.path.startsWith('/api/v1/'));
      await sleep(100);
      // Back, deploy 3, auth apiKey with acceptOAuth2: the hook takes both, then Okta's channel switches back.
      await deployFunction(oauth(true));
      await sleep(100);
      await org.update(apiKey, oauth2, hookId);
      const backOnKey = await oktaState(hookId);
      await sleep(100);
      // Deploy 4, acceptOAuth2 removed.
      await deployFunction({ type: 'apiKey' });
      await sleep(100);
      const { total, outcomes } = await minting.stop();

      expect(outcomes).toEqual({ 'applied:enriched': total });
      expect(total).toBeGreaterThan(20);
      expect(onOAuth.channel).toMatchObject({ type: 'OAUTH', config: { authType: method, scope: SCOPE } });
      expect(onOAuth.apps).toHaveLength(1);
      expect(writesOfDeploy2).toEqual([]);
      expect(backOnKey.channel).toMatchObject({ type: 'HTTP', config: { authScheme: { key: 'Authorization' } } });
      expect(backOnKey.apps).toEqual([]);
      expect(backOnKey.hookKeys).toEqual([]);
      await org.remove(apiKey, hookId);
    },
  );

  it('puts the hook back on the API key and removes what it provisioned when the switch fails verification', async () => {
    const apiKey = org.properties({ HookUrl: emulator.url, HookName: 'failing-switch' });
    const { ApiKeySecretArn: _key, ...rest } = apiKey;
    const oauth2: Properties = { ...rest, Auth: { Type: 'oauth2', Method: 'private_key_jwt', AuthorizationServer: PARTNER.id, Scope: SCOPE, Audience: PARTNER.audience } };
    await deployFunction({ type: 'apiKey' });
    const { PhysicalResourceId: hookId } = await org.create(apiKey);
    await deployFunction(oauth(true));
    org.sim.injectFault({ operationId: 'executeInlineHook', kind: 'status-500', count: 3 });

    await expect(org.update(oauth2, apiKey, hookId)).rejects.toThrow(/execute|verif/i);
    const state = await oktaState(hookId);
    const minted = await org.sim.mintTokens(MINT);

    expect(state.channel).toMatchObject({ type: 'HTTP', config: { authScheme: { key: 'Authorization' } } });
    expect(state.apps).toEqual([]);
    expect(state.hookKeys).toEqual([]);
    expect(minted.hookOutcome).toBe('applied');
    await org.remove(apiKey, hookId);
  });

  it('would refuse Okta\'s calls if the hook took only tokens before the channel switched (what the first deploy is for)', async () => {
    const apiKey = org.properties({ HookUrl: emulator.url, HookName: 'migrating-in-one-step' });
    await deployFunction({ type: 'apiKey' });
    const { PhysicalResourceId: hookId } = await org.create(apiKey);

    await deployFunction(oauth(false));
    const minted = await org.sim.mintTokens(MINT);

    expect(minted.hookOutcome).not.toBe('applied');
    expect(minted.access.claims['migration_marker']).toBeUndefined();
    await deployFunction({ type: 'apiKey' });
    await org.remove(apiKey, hookId);
  });

  it('refuses to move from one OAuth 2.0 method to another in place, before anything is written', async () => {
    const apiKey = org.properties({ HookUrl: emulator.url, HookName: 'changing-method' });
    const { ApiKeySecretArn: _key, ...rest } = apiKey;
    const pkj: Properties = { ...rest, Auth: { Type: 'oauth2', Method: 'private_key_jwt', AuthorizationServer: PARTNER.id, Scope: SCOPE, Audience: PARTNER.audience } };
    const csp: Properties = { ...pkj, Auth: { ...(pkj.Auth as object), Method: 'client_secret_post', ClientSecretArn: suite.apiKeyArn } };
    await deployFunction(oauth(false));
    const { PhysicalResourceId: hookId } = await org.create(pkj);
    org.sim.resetCalls();

    await expect(org.update(csp, pkj, hookId)).rejects.toThrow(/changing the OAuth 2.0 setup of a deployed hook .* move to apiKey first/);

    expect(org.sim.calls.filter((call) => call.method !== 'GET')).toEqual([]);
    await org.remove(pkj, hookId);
  });
});
