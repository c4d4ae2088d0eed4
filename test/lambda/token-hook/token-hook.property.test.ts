import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookConfigSchema, parseHookConfig } from '../../../lambda/shared/hook-config.js';
import type { FunctionUrlEvent } from '../../../lambda/token-hook/function-url.js';
import type { HookLogLine } from '../../../lambda/token-hook/log.js';
import { createTokenHookFromStore } from '../../../lambda/token-hook/token-hook.js';
import { loadFixture } from '../../support/fixtures.js';
import { specErrors } from '../../support/okta-spec.js';
import { MemorySecretStore } from './memory-secret-store.js';

const KEY = 'prop-key-9f8e7d6c5b4a39281706f5e4';
const ALLOWED = new Set([200, 204, 400, 401, 405, 413, 415]);
const RUNS = 300;

async function hookWith(config: unknown) {
  const logs: HookLogLine[] = [];
  const hook = await createTokenHookFromStore({
    config: parseHookConfig(config),
    secretStore: new MemorySecretStore({ AWSCURRENT: KEY }),
    apiKeySecretArn: 'arn',
    keyRecheckIntervalMs: 0,
    log: (line) => logs.push(line),
  });
  return { hook, logs };
}

function assertSafe(result: { statusCode: number; headers?: Record<string, string>; body?: string }, logs: HookLogLine[]) {
  expect(ALLOWED.has(result.statusCode)).toBe(true);
  expect(JSON.stringify(result).includes(KEY), 'the answer holds the key').toBe(false);
  expect(JSON.stringify(logs).includes(KEY), 'the log holds the key').toBe(false);
}

const fixtureNames = ['authorization-code', 'client-credentials', 'refresh-token', 'invalid'] as const;

// A request that is mostly valid, then damaged in one place: the interesting inputs for a parser.
const damagedRequest = fc
  .tuple(fc.constantFrom(...fixtureNames), fc.array(fc.tuple(fc.constantFrom('eventType', 'eventId', 'data', 'source'), fc.jsonValue()), { maxLength: 2 }))
  .map(([name, changes]) => {
    const request = loadFixture<Record<string, unknown>>('token-hook', name);
    for (const [key, value] of changes) request[key] = value;
    return JSON.stringify(request);
  });

const anyBody = fc.oneof(fc.string(), fc.json(), damagedRequest, fc.constant(JSON.stringify(loadFixture('token-hook', 'authorization-code'))));

const anyHeaders = fc.dictionary(
  fc.oneof(fc.constantFrom('authorization', 'content-type', 'Content-Type', 'AUTHORIZATION'), fc.string({ maxLength: 12 })),
  fc.oneof(fc.constantFrom(KEY, 'application/json', `${KEY} `, 'Bearer x'), fc.string()),
);

const anyEvent: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      headers: anyHeaders,
      requestContext: fc.record({ http: fc.record({ method: fc.constantFrom('POST', 'GET', 'PUT', 'post', '') }, { requiredKeys: [] }) }, { requiredKeys: [] }),
      body: fc.oneof(anyBody, fc.constant(undefined)),
      isBase64Encoded: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  fc.anything(),
);

const claimName = fc.oneof(fc.constantFrom('sub', 'aud', 'login', 'team', 'cnf', 'scp', 'a/b', '~', 'firstName', 'name', '__proto__'), fc.string({ maxLength: 8 }));
const claimValue = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }));
const token = fc.constantFrom('access', 'identity', 'both');
const pointer = fc.constantFrom('/data/context/user/profile/login', '/data/context/request/url/value', '/data/access/claims', '/nope', '/data/identity');

const anyRule = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 6 }),
    when: fc.record({ grantTypes: fc.array(fc.constantFrom('authorization_code', 'client_credentials', 'refresh_token', 'implicit'), { minLength: 1 }) }, { requiredKeys: [] }),
    set: fc.array(fc.oneof(fc.record({ claim: claimName, token, value: claimValue }), fc.record({ claim: claimName, token, from: pointer })), { maxLength: 4 }),
    remove: fc.array(fc.record({ claim: claimName, token }), { maxLength: 2 }),
    lifetime: fc.record({ access: fc.integer({ min: 0, max: 100_000 }), identity: fc.integer({ min: 0, max: 100_000 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['name'] },
);
const anyConfig = fc.record({ failureMode: fc.constantFrom('open', 'closed'), rules: fc.array(anyRule, { maxLength: 3 }) }, { requiredKeys: [] });

describe('the token hook under arbitrary input', () => {
  it('never crashes, never answers outside {200,204,400,401,405,413,415}, never leaks the key', async () => {
    const { hook, logs } = await hookWith({});

    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        logs.length = 0;
        const result = await hook(event as FunctionUrlEvent);
        assertSafe(result, logs);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses or accepts any config, and an accepted one only yields commands Okta accepts', async () => {
    const requests = fixtureNames.filter((name) => name !== 'invalid').map((name) => JSON.stringify(loadFixture('token-hook', name)));

    await fc.assert(
      fc.asyncProperty(anyConfig, fc.constantFrom(...requests), async (config, body) => {
        if (!HookConfigSchema.safeParse(config).success) return;
        const { hook, logs } = await hookWith(config);

        const result = await hook({
          headers: { authorization: KEY, 'content-type': 'application/json' },
          requestContext: { http: { method: 'POST' } },
          body,
        });

        assertSafe(result, logs);
        expect([200, 204]).toContain(result.statusCode);
        expect(logs[0]?.outcome).toMatch(/^(patched|unchanged)$/);
        if (result.statusCode === 200) {
          const answer = JSON.parse(result.body!);
          const types = answer.commands.map((command: { type: string }) => command.type);
          if (!JSON.parse(body).data.identity) expect(types).not.toContain('com.okta.identity.patch');
          // Arrays are valid claim values for Okta though the spec's oneOf omits them; the generator makes none.
          expect(specErrors('TokenHookResponse', answer)).toBe('');
        }
      }),
      { numRuns: RUNS },
    );
  });
});
