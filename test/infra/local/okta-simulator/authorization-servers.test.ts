import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

describe('okta simulator: a classic org without API Access Management', () => {
  let sim: OktaSimulator;
  let call: ReturnType<typeof simApi>;

  beforeAll(async () => {
    sim = await startOktaSimulator({ apiAccessManagement: false });
    call = simApi(sim.url, sim.apiToken);
  });
  afterAll(() => sim.close());

  it('answers 401 E0000015 to authorization server calls and still serves inline hooks', async () => {
    const answers = await Promise.all([
      call('GET', PATHS.servers),
      call('POST', PATHS.servers, { body: { name: 'Orders API', audiences: ['api://orders'] } }),
      call('GET', PATHS.policies, { params: { authServerId: 'default' } }),
    ]);
    const hook = await call('POST', PATHS.hooks, { body: tokenHookCreate() });

    expect(answers.map((a) => `${a.status} ${a.body.errorCode}`)).toEqual(Array(3).fill('401 E0000015'));
    expect(answers[0]!.body.errorSummary).toBe('You do not have permission to access the feature you are requesting');
    expect(hook.status).toBe(200);
  });
});

describe('okta simulator: authorization servers, policies and rules', () => {
  let sim: OktaSimulator;
  let call: ReturnType<typeof simApi>;
  let hookCount = 0;

  beforeAll(async () => {
    sim = await startOktaSimulator();
    call = simApi(sim.url, sim.apiToken);
  });
  afterAll(() => sim.close());

  const defaultRule = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
  const createHook = async () => (await call('POST', PATHS.hooks, { body: tokenHookCreate({ name: `Hook ${++hookCount}` }) })).body.id as string;

  it('lists the seeded servers with Okta ids, issuers and links', async () => {
    const servers = await call('GET', PATHS.servers);

    expect(servers.status).toBe(200);
    expect(servers.body.map((s: { id: string }) => s.id)).toEqual(['default', SEED.partnerServer.id]);
    expect(SEED.partnerServer.id).toMatch(/^aus/);
    expect(servers.body[0].issuer).toBe(`${sim.url}/oauth2/default`);
  });

  it('searches servers by name and audience with q', async () => {
    const byName = await call('GET', PATHS.servers, { query: { q: 'Partner' } });
    const byAudience = await call('GET', PATHS.servers, { query: { q: 'api://default' } });

    expect(byName.body.map((s: { id: string }) => s.id)).toEqual([SEED.partnerServer.id]);
    expect(byAudience.body.map((s: { id: string }) => s.id)).toEqual(['default']);
  });

  it('pages servers with limit and a Link rel="next" cursor', async () => {
    const first = await call('GET', PATHS.servers, { query: { limit: '1' } });
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    const second = (await (await fetch(next!, { headers: { Authorization: `SSWS ${sim.apiToken}` } })).json()) as { id: string }[];

    expect(first.body).toHaveLength(1);
    expect(second.map((s: { id: string }) => s.id)).toEqual([SEED.partnerServer.id]);
  });

  it('lists policies and rules by priority, and gets each one', async () => {
    const policies = await call('GET', PATHS.policies, { params: { authServerId: SEED.partnerServer.id } });
    const rules = await call('GET', PATHS.rules, { params: { authServerId: SEED.partnerServer.id, policyId: SEED.servicePolicy.id } });
    const policy = await call('GET', PATHS.policy, { params: { authServerId: SEED.partnerServer.id, policyId: SEED.webPolicy.id } });
    const rule = await call('GET', PATHS.rule, { params: defaultRule });
    const server = await call('GET', PATHS.server, { params: { authServerId: 'default' } });

    expect(policies.body.map((p: { name: string }) => p.name)).toEqual([SEED.servicePolicy.name, SEED.webPolicy.name]);
    expect(rules.body.map((r: { priority: number; id: string }) => [r.priority, r.id])).toEqual([
      [1, SEED.serviceWriteRule.id],
      [2, SEED.serviceReadRule.id],
    ]);
    expect(policy.body.name).toBe(SEED.webPolicy.name);
    expect(rule.body).toMatchObject({ name: 'Default Policy Rule', type: 'RESOURCE_ACCESS', status: 'ACTIVE', priority: 1 });
    expect(rule.body._links.self.href).toBe(`${sim.url}/api/v1/authorizationServers/default/policies/${SEED.defaultPolicy.id}/rules/${SEED.defaultRule.id}`);
    expect(server.body.name).toBe('default');
  });

  it('answers 404 E0000007 for unknown servers, policies and rules', async () => {
    const answers = await Promise.all([
      call('GET', PATHS.server, { params: { authServerId: 'ausNope' } }),
      call('GET', PATHS.policy, { params: { authServerId: 'default', policyId: '00pNope' } }),
      call('GET', PATHS.rule, { params: { ...defaultRule, ruleId: '0prNope' } }),
    ]);

    expect(answers.map((a) => `${a.status} ${a.body.errorCode}`)).toEqual(Array(3).fill('404 E0000007'));
    expect(answers[0]!.body).toMatchObject({ errorSummary: 'Not found: Resource not found: ausNope (AuthorizationServer)', errorCauses: [] });
    expect(answers[0]!.body.errorId).toMatch(/^oae[\w-]{22}$/);
  });

  it('creates a server ACTIVE with automatic key rotation and no policies, replaces, deactivates and deletes it', async () => {
    // With a description: Okta answers `description: null` without one, which its own spec calls invalid
    // (the conformance suite replays that answer).
    const body = { name: 'Orders API', description: 'Orders', audiences: ['api://orders'], issuerMode: 'ORG_URL', credentials: { signing: { rotationMode: 'MANUAL' } } };

    const created = await call('POST', PATHS.servers, { body });
    const params = { authServerId: created.body.id as string };
    const policies = await call('GET', PATHS.policies, { params });
    const replaced = await call('PUT', PATHS.server, { params, body: { ...body, description: 'Orders, v2', audiences: ['api://orders2'] } });
    const deactivated = await call('POST', `${PATHS.server}/lifecycle/deactivate`, { params });
    const inactive = await call('GET', PATHS.server, { params });
    const deleted = await call('DELETE', PATHS.server, { params });
    const gone = await call('GET', PATHS.server, { params });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'ACTIVE', default: false, credentials: { signing: { rotationMode: 'AUTO' } } });
    expect(created.body.credentials.signing.nextRotation).toEqual(expect.any(String));
    expect(policies.body).toEqual([]);
    expect(replaced.body).toMatchObject({ description: 'Orders, v2', audiences: ['api://orders2'], credentials: { signing: { rotationMode: 'MANUAL' } } });
    expect(replaced.body.credentials.signing).not.toHaveProperty('nextRotation');
    expect([deactivated.status, inactive.body.status, deleted.status, gone.status]).toEqual([204, 'INACTIVE', 204, 404]);
  });

  it('replaces a policy', async () => {
    const params = { authServerId: SEED.partnerServer.id, policyId: SEED.webPolicy.id };
    const { body: policy } = await call('GET', PATHS.policy, { params });

    const replaced = await call('PUT', PATHS.policy, {
      params,
      body: { type: policy.type, name: 'Web apps', description: 'Renamed', priority: policy.priority, conditions: policy.conditions },
    });

    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ id: SEED.webPolicy.id, name: 'Web apps', description: 'Renamed', priority: policy.priority });
  });

  it('stores rule conditions as Okta answers them: empty scopes, users with an exclude list, grant types sorted', async () => {
    const params = { authServerId: SEED.partnerServer.id, policyId: SEED.webPolicy.id };
    const body = {
      name: 'As Terraform writes it',
      type: 'RESOURCE_ACCESS',
      conditions: { people: { users: {}, groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['password', 'implicit'] }, scopes: {} },
    };

    const created = await call('POST', PATHS.rules, { params, body });

    expect(created.status).toBe(201);
    expect(created.body.conditions).toEqual({
      people: { users: { exclude: [] }, groups: { include: ['EVERYONE'] } },
      grantTypes: { include: ['implicit', 'password'] },
      scopes: { include: [] },
    });
    await call('DELETE', PATHS.rule, { params: { ...params, ruleId: created.body.id } });
  });

  it('attaches a hook with GET, change, PUT of the whole rule, and detaches by leaving it out', async () => {
    const hookId = await createHook();
    const { body: rule } = await call('GET', PATHS.rule, { params: defaultRule });
    rule.actions.token.inlineHook = { id: hookId };

    const attached = await call('PUT', PATHS.rule, { params: defaultRule, body: rule });
    delete attached.body.actions.token.inlineHook;
    const detached = await call('PUT', PATHS.rule, { params: defaultRule, body: attached.body });

    expect(attached.status).toBe(200);
    expect(detached.body.actions.token).not.toHaveProperty('inlineHook');
    expect(detached.body).toMatchObject({ id: SEED.defaultRule.id, priority: 1, conditions: rule.conditions, created: rule.created });
  });

  it('replaces the whole rule on PUT: fields left out are gone', async () => {
    const hookId = await createHook();
    const { body: rule } = await call('GET', PATHS.rule, { params: defaultRule });
    await call('PUT', PATHS.rule, { params: defaultRule, body: { ...rule, actions: { token: { accessTokenLifetimeMinutes: 30, inlineHook: { id: hookId } } } } });

    const minimal = await call('PUT', PATHS.rule, {
      params: defaultRule,
      body: { name: rule.name, type: 'RESOURCE_ACCESS', conditions: { grantTypes: { include: ['client_credentials'] }, scopes: { include: ['*'] } } },
    });

    expect(minimal.status).toBe(200);
    expect(minimal.body.conditions).not.toHaveProperty('people');
    expect(minimal.body.actions.token).toEqual({ accessTokenLifetimeMinutes: 60, refreshTokenLifetimeMinutes: 0, refreshTokenWindowMinutes: 10080 });
    await call('PUT', PATHS.rule, { params: defaultRule, body: rule });
  });

  it('refuses a rule whose inline hook is unknown, inactive or not a token hook', async () => {
    const inactive = await createHook();
    await call('POST', PATHS.deactivate, { params: { inlineHookId: inactive } });
    const importHook = (
      await call('POST', PATHS.hooks, { body: { ...tokenHookCreate({ name: `Import ${++hookCount}` }), type: 'com.okta.import.transform' } })
    ).body.id as string;
    const { body: rule } = await call('GET', PATHS.rule, { params: defaultRule });

    const answers = await Promise.all(
      ['calUnknown0000000000', inactive, importHook].map((id) =>
        call('PUT', PATHS.rule, { params: defaultRule, body: { ...rule, actions: { token: { ...rule.actions.token, inlineHook: { id } } } } }),
      ),
    );

    expect(answers.map((a) => `${a.status} ${a.body.errorCode}`)).toEqual(Array(3).fill('400 E0000001'));
    expect(sim.snapshot().authorizationServers[0]?.policies[0]?.rules[0]?.actions).not.toHaveProperty('token.inlineHook');
  });

  it('refuses a PUT without name, type or conditions', async () => {
    const { body: rule } = await call('GET', PATHS.rule, { params: defaultRule });
    const { name: _n, ...noName } = rule;
    const { conditions: _c, ...noConditions } = rule;

    const answers = await Promise.all(
      [noName, noConditions, { ...rule, type: 'ACCESS' }].map((body) => call('PUT', PATHS.rule, { params: defaultRule, body, unchecked: true })),
    );

    expect(answers.map((a) => a.status)).toEqual([400, 400, 400]);
  });

  it("applies an admin's console edit between a client's GET and PUT", async () => {
    sim.editRuleBetweenReadAndWrite((stored) => {
      stored.name = 'Renamed by an admin';
    });

    const first = await call('GET', PATHS.rule, { params: defaultRule });
    const second = await call('GET', PATHS.rule, { params: defaultRule });

    expect(first.body.name).toBe('Default Policy Rule');
    expect(second.body.name).toBe('Renamed by an admin');
    expect(second.body.lastUpdated).not.toBe(first.body.lastUpdated);
    await call('PUT', PATHS.rule, { params: defaultRule, body: first.body });
  });

  it('deactivates and activates a rule', async () => {
    const deactivated = await call('POST', `${PATHS.rule}/lifecycle/deactivate`, { params: defaultRule });
    const whileInactive = await call('GET', PATHS.rule, { params: defaultRule });
    const activated = await call('POST', `${PATHS.rule}/lifecycle/activate`, { params: defaultRule });

    expect([deactivated.status, activated.status]).toEqual([204, 204]);
    expect(whileInactive.body.status).toBe('INACTIVE');
    expect(whileInactive.body._links.activate).toBeDefined();
  });

  it('creates a rule last in priority, ACTIVE, and deletes it again', async () => {
    const params = { authServerId: SEED.partnerServer.id, policyId: SEED.webPolicy.id };
    const body = { name: 'Created rule', type: 'RESOURCE_ACCESS', conditions: { grantTypes: { include: ['authorization_code'] }, scopes: { include: ['openid'] } } };

    const created = await call('POST', PATHS.rules, { params, body });
    const listed = await call('GET', PATHS.rules, { params });
    const deleted = await call('DELETE', PATHS.rule, { params: { ...params, ruleId: created.body.id } });
    const gone = await call('GET', PATHS.rule, { params: { ...params, ruleId: created.body.id } });

    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'ACTIVE', priority: 3, system: false });
    expect(created.body.id).toMatch(/^0pr/);
    expect(listed.body.at(-1).id).toBe(created.body.id);
    expect(deleted.status).toBe(204);
    expect(gone.status).toBe(404);
  });

  it('deactivates and activates a policy', async () => {
    const params = { authServerId: SEED.partnerServer.id, policyId: SEED.servicePolicy.id };

    const deactivated = await call('POST', `${PATHS.policy}/lifecycle/deactivate`, { params });
    const whileInactive = await call('GET', PATHS.policy, { params });
    await call('POST', `${PATHS.policy}/lifecycle/activate`, { params });
    const afterwards = await call('GET', PATHS.policy, { params });

    expect(deactivated.status).toBe(204);
    expect([whileInactive.body.status, afterwards.body.status]).toEqual(['INACTIVE', 'ACTIVE']);
  });
});
