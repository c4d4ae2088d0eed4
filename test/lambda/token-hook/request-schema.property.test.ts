import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTokenHookRequest } from '../../../lambda/token-hook/request-check.js';
import { parseTokenHookRequest, TokenHookRequestSchema } from '../../../lambda/token-hook/request-schema.js';
import { loadFixture } from '../../support/fixtures.js';
import { specExample } from '../../support/okta-spec.js';

const RUNS = 2_000;

const valid = [
  specExample<Record<string, unknown>>('TokenPayLoadExample'),
  ...['authorization-code', 'client-credentials', 'refresh-token', 'hybrid', 'implicit', 'invalid'].map((name) => loadFixture<Record<string, unknown>>('token-hook', name)),
];

// Every place the schema looks, whether or not a sample has it: damage there is what a checker can get wrong.
const SCHEMA_PATHS = [
  [], ['eventId'], ['eventType'], ['source'], ['eventTime'], ['data'], ['data', 'context'],
  ['data', 'context', 'request'], ['data', 'context', 'request', 'id'], ['data', 'context', 'request', 'url'], ['data', 'context', 'request', 'url', 'value'],
  ['data', 'context', 'protocol'], ['data', 'context', 'protocol', 'type'], ['data', 'context', 'protocol', 'request'],
  ['data', 'context', 'protocol', 'request', 'client_id'], ['data', 'context', 'protocol', 'request', 'grant_type'],
  ['data', 'context', 'protocol', 'request', 'scope'], ['data', 'context', 'protocol', 'request', 'response_type'],
  ['data', 'context', 'protocol', 'client'], ['data', 'context', 'protocol', 'client', 'id'],
  ['data', 'context', 'user'], ['data', 'context', 'user', 'id'], ['data', 'context', 'user', 'profile'],
  ['data', 'context', 'user', 'profile', 'login'], ['data', 'context', 'user', 'profile', 'firstName'], ['data', 'context', 'user', 'profile', 'lastName'],
  ['data', 'context', 'policy'], ['data', 'context', 'policy', 'id'], ['data', 'context', 'policy', 'rule'], ['data', 'context', 'policy', 'rule', 'id'],
  ...['identity', 'access'].flatMap((token) => [
    ['data', token], ['data', token, 'claims'], ['data', token, 'claims', 'sub'], ['data', token, 'token'],
    ['data', token, 'token', 'lifetime'], ['data', token, 'token', 'lifetime', 'expiration'],
  ]),
  ['data', 'access', 'scopes'], ['data', 'access', 'scopes', 'openid'], ['data', 'access', 'scopes', 'openid', 'id'],
  ['data', 'access', 'scopes', 'openid', 'action'], ['data', 'access', 'scopes', '__proto__'],
  ['data', 'refresh_token'], ['data', 'refresh_token', 'jti'], ['data', '__proto__'], ['__proto__'],
];

/** Every path of a sample's tree, so damage also lands where only the sample has something. */
function pathsOf(value: unknown, path: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [path];
  return [path, ...Object.entries(value).flatMap(([key, child]) => pathsOf(child, [...path, key]))];
}
const samplePaths = valid.flatMap((sample) => pathsOf(sample));

// JSON text cannot hold undefined or 1e400 as values: markers stand for them until the text is written.
const DELETE = '@@delete@@';
const OVERFLOW = '@@overflow@@';

const replacement = fc.oneof(
  fc.constantFrom(DELETE, OVERFLOW, '', 'x', 0, -1.5, 1e308, true, null, [], {}, 'com.okta.oauth2.tokens.transform', 'GRANT'),
  fc.jsonValue({ maxDepth: 2 }),
  fc.dictionary(fc.constantFrom('id', 'action', 'value', 'claims', 'lifetime', 'expiration', 'login', '__proto__', 'x'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

function damaged(sample: Record<string, unknown>, changes: [string[], unknown][]): string {
  const request = structuredClone(sample);
  for (const [path, value] of changes) {
    if (path.length === 0) return typeof value === 'string' && value.startsWith('@@') ? 'null' : JSON.stringify(value);
    let parent: Record<string, unknown> = request;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (typeof next !== 'object' || next === null) parent[key] = {};
      parent = parent[key] as Record<string, unknown>;
    }
    // defineProperty: an assignment to `__proto__` would set the prototype instead of a key JSON.parse makes own.
    if (value === DELETE) delete parent[path.at(-1)!];
    else Object.defineProperty(parent, path.at(-1)!, { value, enumerable: true, writable: true, configurable: true });
  }
  return JSON.stringify(request).replaceAll(`"${OVERFLOW}"`, '1e400');
}

const anyRequestText = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom(...valid.map((sample) => JSON.stringify(sample))) },
  {
    weight: 8,
    arbitrary: fc
      .tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.constantFrom(...SCHEMA_PATHS, ...samplePaths), replacement), { minLength: 1, maxLength: 3 }))
      .map(([sample, changes]) => damaged(sample, changes)),
  },
  { weight: 1, arbitrary: fc.json() },
);

describe('isTokenHookRequest (the hook checks requests in place; zod is the schema)', () => {
  it('accepts exactly what TokenHookRequestSchema accepts, and leaves the request as zod would output it (up to key order)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyRequestText, (text) => {
        const checked: unknown = JSON.parse(text);
        const byZod = TokenHookRequestSchema.safeParse(JSON.parse(text));

        const verdict = isTokenHookRequest(checked);

        expect(verdict).toBe(byZod.success);
        if (byZod.success) {
          accepted += 1;
          expect(checked).toStrictEqual(byZod.data);
        }
      }),
      { numRuns: RUNS },
    );
    // Both verdicts must be exercised, or the equality says little.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(accepted).toBeLessThan(RUNS * 0.9);
  });

  it("gives zod's problems for a request it refuses", () => {
    fc.assert(
      fc.property(anyRequestText, (text) => {
        const byZod = TokenHookRequestSchema.safeParse(JSON.parse(text));
        fc.pre(!byZod.success);

        const parsed = parseTokenHookRequest(JSON.parse(text));

        expect(parsed.ok).toBe(false);
        expect(!parsed.ok && parsed.problems.map((problem) => problem.path)).toEqual(
          byZod.error!.issues.slice(0, 20).map((issue) => '/' + issue.path.map((key) => String(key).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')),
        );
      }),
      { numRuns: RUNS / 4 },
    );
  });

  it('returns the very object it was given, with no copy of the claims', () => {
    const request = JSON.parse(JSON.stringify(specExample('TokenPayLoadExample')));
    const claims = request.data.access.claims;

    const parsed = parseTokenHookRequest(request);

    expect(parsed.ok && parsed.request).toBe(request);
    expect(parsed.ok && parsed.request.data.access?.claims).toBe(claims);
  });

  it('drops an own __proto__ key where zod drops it, and keeps it in the claims, which zod does not copy', () => {
    const text = JSON.stringify(specExample('TokenPayLoadExample')).replace('"data":{', '"data":{"__proto__":{"polluted":true},').replaceAll('"claims":{', '"claims":{"__proto__":1,');

    const parsed = parseTokenHookRequest(JSON.parse(text));

    expect(parsed.ok).toBe(true);
    const request = parsed.ok ? parsed.request : undefined;
    expect(Object.hasOwn(request!.data, '__proto__')).toBe(false);
    expect(Object.hasOwn(request!.data.access!.claims, '__proto__')).toBe(true);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
