import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../../infra/local/okta-simulator/index.js';
import { specErrors } from '../../../support/okta-spec.js';
import { PATHS, simApi, tokenHookCreate } from './sim-api.js';

type Path = readonly string[];

/** Sets (or, for `undefined`, deletes) `value` at `path`, creating objects on the way. */
function mutate(target: Record<string, unknown>, path: Path, value: unknown): void {
  let node: Record<string, unknown> = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

const plausible = fc.constantFrom(
  'HTTP', 'OAUTH', '1.0.0', '2.0.0', 'POST', 'GET', 'HEADER', 'RESOURCE_ACCESS', 'ACTIVE', 'INACTIVE',
  'com.okta.import.transform', 'com.okta.oauth2.tokens.transform', 'https://example.com/hook', 'client_credentials', '*',
);
const anyValue = fc.oneof(
  plausible,
  fc.string({ maxLength: 8 }),
  fc.integer({ min: -10, max: 2000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(plausible, fc.string({ maxLength: 4 }), fc.integer()), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('id', 'key', 'value', 'include', 'type'), fc.oneof(plausible, fc.string({ maxLength: 4 })), { maxKeys: 2 }),
);
const mutations = (paths: Path[]) => fc.array(fc.tuple(fc.constantFrom(...paths), anyValue), { maxLength: 3 });

describe('okta simulator: what it accepts, the spec accepts', () => {
  let sim: OktaSimulator;
  let call: ReturnType<typeof simApi>;

  beforeAll(async () => {
    sim = await startOktaSimulator({ rateLimitPerMinute: 100_000 });
    call = simApi(sim.url, sim.apiToken);
  });
  afterAll(() => sim.close());

  it('creates a hook only from a body that is a valid InlineHookCreate, and never fails with 5xx', async () => {
    const paths: Path[] = [
      ['name'], ['type'], ['version'], ['channel'], ['channel', 'type'], ['channel', 'version'], ['channel', 'config'],
      ['channel', 'config', 'uri'], ['channel', 'config', 'method'], ['channel', 'config', 'headers'], ['channel', 'config', 'authScheme'],
      ['channel', 'config', 'authScheme', 'type'], ['channel', 'config', 'authScheme', 'key'], ['channel', 'config', 'authScheme', 'value'],
    ];
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(mutations(paths), async (changes) => {
        const body = tokenHookCreate({ name: `fuzz ${++counter}` }) as unknown as Record<string, unknown>;
        for (const [path, value] of changes) mutate(body, path, value);

        const answer = await call('POST', PATHS.hooks, { body, unchecked: true });

        expect(answer.status).toBeLessThan(500);
        if (answer.status === 200) {
          expect(specErrors('InlineHookCreate', body)).toBe('');
          await call('POST', PATHS.deactivate, { params: { inlineHookId: answer.body.id } });
          await call('DELETE', PATHS.hook, { params: { inlineHookId: answer.body.id } });
        }
      }),
      { numRuns: 80 },
    );
  });

  it('replaces a rule only from a body that is a valid AuthorizationServerPolicyRuleRequest, and never fails with 5xx', async () => {
    const params = { authServerId: 'default', policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
    const { body: original } = await call('GET', PATHS.rule, { params });
    const paths: Path[] = [
      ['name'], ['type'], ['status'], ['priority'], ['conditions'], ['conditions', 'grantTypes'], ['conditions', 'grantTypes', 'include'],
      ['conditions', 'scopes', 'include'], ['conditions', 'people'], ['actions'], ['actions', 'token'],
      ['actions', 'token', 'accessTokenLifetimeMinutes'], ['actions', 'token', 'inlineHook'], ['actions', 'token', 'inlineHook', 'id'],
    ];
    await fc.assert(
      fc.asyncProperty(mutations(paths), async (changes) => {
        const body = structuredClone(original) as Record<string, unknown>;
        for (const [path, value] of changes) mutate(body, path, value);

        const answer = await call('PUT', PATHS.rule, { params, body, unchecked: true });

        expect(answer.status).toBeLessThan(500);
        if (answer.status === 200) {
          expect(specErrors('AuthorizationServerPolicyRuleRequest', body)).toBe('');
          await call('PUT', PATHS.rule, { params, body: original });
        }
      }),
      { numRuns: 80 },
    );
  });
});
