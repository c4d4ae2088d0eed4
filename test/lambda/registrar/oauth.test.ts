import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { SEED } from '../../../infra/local/okta-simulator/index.js';
import { oauthNames } from '../../../lambda/registrar/oauth-client.js';
import { specErrors } from '../../support/okta-spec.js';
import { DEFAULT_RULE, ruleHook, startSuite, type Org, type Properties, type Suite } from './harness.js';

/**
 * The registrar with `Auth` (OAuth 2.0): it provisions the hook key, the OAuth client, the scope and the
 * access policy on the issuing server, gives the hook an OAUTH channel, verifies it through Okta's
 * `/execute` (Okta fetches a token, the hook checks it), and removes all of it on delete or a failed create.
 */

const SCOPE = 'okta-token-hook:invoke';
const PARTNER = SEED.partnerServer;

/** The request schema of each write the registrar makes, in Okta's spec. */
const REQUEST_SCHEMAS: Record<string, string> = {
  createInlineHook: 'InlineHookCreate',
  replaceInlineHook: 'InlineHookReplace',
  createHookKey: 'KeyRequest',
  createApplication: 'OpenIdConnectApplication',
  createOAuth2Scope: 'OAuth2Scope',
  createAuthorizationServerPolicy: 'AuthorizationServerPolicy',
  createAuthorizationServerPolicyRule: 'AuthorizationServerPolicyRuleRequest',
};

async function expectRejection(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await expect(promise).rejects.toThrow(message);
}

describe('registrar: OAuth 2.0 for the hook', () => {
  let suite: Suite;
  let org: Org;
  let oauthHook: ServedHook;

  const auth = (overrides: Record<string, unknown> = {}) => ({ Type: 'oauth2', Method: 'private_key_jwt', AuthorizationServer: PARTNER.id, Scope: SCOPE, Audience: PARTNER.audience, ...overrides });
  const oauthProperties = (overrides: Properties = {}): Properties => {
    const { ApiKeySecretArn: _none, ...rest } = org.properties({ HookUrl: oauthHook.url, ...overrides });
    return { ...rest, Auth: auth(), ...overrides };
  };

  async function manage(path: string): Promise<any> {
    const response = await fetch(`${org.sim.url}${path}`, { headers: { Accept: 'application/json', Authorization: `SSWS ${org.sim.apiToken}` } });
    return response.json();
  }

  /** Everything OAuth the org holds beyond its seed. */
  async function oauthState() {
    const partner = org.sim.snapshot().authorizationServers.find((s) => s.id === PARTNER.id)!;
    return {
      hooks: org.sim.snapshot().inlineHooks,
      apps: (await manage('/api/v1/apps')) as any[],
      hookKeys: (await manage('/api/v1/hook-keys')) as any[],
      hasScope: SCOPE in partner.scopes,
      policies: partner.policies.map((p) => p.name),
    };
  }

  beforeAll(async () => {
    suite = await startSuite();
    // RSA key generation and signing on every hook call: slow on a busy machine.
    org = await suite.org({ callTimeoutMs: 10_000, hookTimeoutMs: 3_000 });
    oauthHook = await serveHook({
      auth: { type: 'oauth2', issuer: `${org.sim.url}/oauth2/${PARTNER.id}`, audience: PARTNER.audience, scope: SCOPE, acceptApiKey: false },
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await oauthHook.close();
    await org.close();
    await suite.close();
  });

  it('provisions a hook key, an OAuth client, the scope and a policy, then the hook with its OAUTH channel, verified through Okta', async () => {
    const policiesBefore = (await oauthState()).policies;
    org.sim.resetCalls();

    const created = await org.create(oauthProperties());

    const hookId = created.PhysicalResourceId;
    const hook = org.sim.snapshot().inlineHooks.find((h) => h.id === hookId)!;
    const { apps, hookKeys, hasScope, policies } = await oauthState();
    const [key] = hookKeys;
    const app = apps.find((a) => a.id === hook.channel.config.clientId);
    expect(hook.channel).toMatchObject({
      type: 'OAUTH',
      config: { authType: 'private_key_jwt', hookKeyId: key.id, scope: SCOPE, tokenUrl: `${org.sim.url}/oauth2/${PARTNER.id}/v1/token` },
    });
    expect(app.settings.oauthClient.jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([key.keyId]);
    expect(app.credentials.oauthClient.token_endpoint_auth_method).toBe('private_key_jwt');
    expect(hasScope).toBe(true);
    const ours = org.sim.snapshot().authorizationServers.find((s) => s.id === PARTNER.id)!.policies.find((p) => !policiesBefore.includes(p.name))!;
    expect(policies).toHaveLength(policiesBefore.length + 1);
    expect(ours).toMatchObject({ name: oauthNames(org.properties().HookName as string).policy, priority: 1, conditions: { clients: { include: [app.id] } } });
    expect(ours.rules[0]).toMatchObject({ conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: [SCOPE] } } });
    expect(ruleHook(org.rule())).toBe(hookId);
    expect(org.sim.calls.map((c) => c.operationId)).toContain('executeInlineHook');
    for (const call of org.sim.calls.filter((c) => c.operationId in REQUEST_SCHEMAS)) {
      expect(specErrors(REQUEST_SCHEMAS[call.operationId]!, call.body), call.operationId).toBe('');
    }

    // A real token request on the rule: Okta fetches its own token, calls the hook, the claims land.
    const minted = await org.sim.mintTokens({ authorizationServer: 'default', clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] });
    expect(minted.hookOutcome).toBe('applied');

    await org.remove(oauthProperties(), hookId);
  });

  it('removes the hook, its OAuth client, hook key, scope and policy on delete, and puts the rule back', async () => {
    const before = await oauthState();
    const ruleBefore = ruleHook(org.rule());
    const created = await org.create(oauthProperties());

    await org.remove(oauthProperties(), created.PhysicalResourceId);

    expect(await oauthState()).toEqual(before);
    expect(ruleHook(org.rule())).toBe(ruleBefore);
  });

  it('removes them by name when the hook was deleted by hand', async () => {
    const before = await oauthState();
    const created = await org.create(oauthProperties());
    const hookId = created.PhysicalResourceId;
    await fetch(`${org.sim.url}/api/v1/inlineHooks/${hookId}/lifecycle/deactivate`, { method: 'POST', headers: { Authorization: `SSWS ${org.sim.apiToken}` } });
    await fetch(`${org.sim.url}/api/v1/inlineHooks/${hookId}`, { method: 'DELETE', headers: { Authorization: `SSWS ${org.sim.apiToken}` } });

    await org.remove(oauthProperties(), hookId);

    expect(await oauthState()).toEqual(before);
  });

  it('undoes everything it provisioned when the hook fails verification', async () => {
    const before = await oauthState();
    // This hook wants another audience: Okta's token is refused, /execute gets a 401.
    const strict = await serveHook({
      auth: { type: 'oauth2', issuer: `${org.sim.url}/oauth2/${PARTNER.id}`, audience: 'api://someone-else', scope: SCOPE, acceptApiKey: false },
      log: () => undefined,
    });
    try {
      await expectRejection(org.create(oauthProperties({ HookUrl: strict.url })), /verif|401|E0000135/i);
    } finally {
      await strict.close();
    }

    expect(await oauthState()).toEqual(before);
    expect(ruleHook(org.rule())).toBeUndefined();
  });

  it('refuses an issuing server that a target rule is on, given by name, before anything is written', async () => {
    const before = await oauthState();
    org.sim.resetCalls();

    await expectRejection(
      org.create({
        ...oauthProperties({ Auth: auth({ AuthorizationServer: PARTNER.name }) }),
        Target: { AuthorizationServer: PARTNER.id, Policy: SEED.servicePolicy.name, Rule: SEED.serviceWriteRule.name },
      }),
      /is also the server whose rule calls the hook.*calls the hook again/,
    );

    expect(org.sim.calls.filter((c) => c.method !== 'GET')).toEqual([]);
    expect(await oauthState()).toEqual(before);
  });

  it("refuses an audience the issuing server does not issue tokens for, naming the server's audiences", async () => {
    await expectRejection(org.create(oauthProperties({ Auth: auth({ Audience: 'api://nope' }) })), new RegExp(`issues tokens for ${PARTNER.audience}, not api://nope`));
  });

  it('with client_secret_post, keeps the client secret in Secrets Manager only', async () => {
    const clientSecretArn = suite.secrets.createSecret(`okta-token-hook/test/client-secret-${Date.now()}`, 'placeholder-replaced-by-the-registrar');
    const properties = oauthProperties({ Auth: auth({ Method: 'client_secret_post', ClientSecretArn: clientSecretArn }) });

    const created = await org.create(properties);

    const stored = (await suite.store.getSecret(clientSecretArn))!.value;
    const hook = org.sim.snapshot().inlineHooks.find((h) => h.id === created.PhysicalResourceId)!;
    expect(hook.channel.config).toMatchObject({ authType: 'client_secret_post', scope: SCOPE });
    expect(hook.clientSecret).toBe(stored);
    expect(stored).not.toBe('placeholder-replaced-by-the-registrar');
    expect(JSON.stringify([created, org.log, hook.channel])).not.toContain(stored);
    await org.remove(properties, created.PhysicalResourceId);
    expect((await oauthState()).apps.filter((a) => a.label === properties.HookName)).toEqual([]);
  });

  it('makes no Okta write on a no-op update', async () => {
    const properties = oauthProperties();
    const created = await org.create(properties);
    org.sim.resetCalls();

    await org.update(properties, properties, created.PhysicalResourceId);
    const writes = org.sim.calls.filter((c) => c.method !== 'GET');

    expect(writes).toEqual([]);
    await org.remove(properties, created.PhysicalResourceId);
  });

  it('refuses properties without an API key secret or Auth', async () => {
    const { ApiKeySecretArn: _none, ...properties } = org.properties();

    await expectRejection(org.create(properties), /ApiKeySecretArn: give ApiKeySecretArn, or Auth for OAuth 2.0/);
    expect(DEFAULT_RULE.ruleId).toBe(SEED.defaultRule.id);
  });
});
