import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HookConfigSchema, parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { ClaimEditError } from '../../../lambda/token-hook/change-set.js';
import { LIFETIME_PATH, MAX_RESPONSE_BYTES, type TokenCommand } from '../../../lambda/token-hook/encode.js';
import { evaluate } from '../../../lambda/token-hook/evaluate.js';
import { TokenHookRequestSchema, type TokenHookRequest } from '../../../lambda/token-hook/request-schema.js';
import { claimProblem, removalProblem, type TokenKind } from '../../../lambda/token-hook/reserved-claims.js';
import { loadFixture } from '../../support/fixtures.js';

/**
 * Okta's contract for a token hook's commands (contract §2), checked independently of the encoder:
 * no config the schema accepts, and no value Okta's request carries, may yield a command Okta refuses.
 */

const RUNS = 300;
const KIND_OF: Record<string, TokenKind> = { 'com.okta.access.patch': 'access', 'com.okta.identity.patch': 'identity' };

/** `-0` reaches Okta as `0`, the same JSON number: not a change Okta could see. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withoutNegativeZero(item)]));
  return value;
}

/** Why Okta would refuse `commands` for `request`, or '' when it accepts them. */
function contractViolation(request: TokenHookRequest, commands: readonly TokenCommand[]): string {
  if (JSON.stringify({ commands }).length >= MAX_RESPONSE_BYTES) return 'answer of 256 KB or more';
  for (const command of commands) {
    const kind = KIND_OF[command.type];
    if (!kind) return `unknown command type ${command.type}`;
    const token = request.data[kind];
    if (!token) return `a command for the ${kind} token, which okta is not minting`;
    for (const operation of command.value) {
      if (operation.path === LIFETIME_PATH) {
        const seconds = (operation as { value?: unknown }).value;
        if (operation.op !== 'replace' || typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 300 || seconds > 86_400) {
          return `lifetime ${JSON.stringify(operation)}`;
        }
        continue;
      }
      const match = /^\/claims\/([^/]*)$/.exec(operation.path);
      if (!match) return `path ${operation.path}`;
      const claim = match[1]!.replaceAll('~1', '/').replaceAll('~0', '~');
      const problem = operation.op === 'remove' ? removalProblem(kind, claim) : claimProblem(kind, claim);
      if (problem) return problem;
      const exists = Object.hasOwn(token.claims, claim);
      if (operation.op !== 'add' && !exists) return `${operation.op} of absent claim ${claim}`;
      if (operation.op === 'add' && exists) return `add of existing claim ${claim}`;
      if (operation.op !== 'remove') {
        const value = (operation as { value: unknown }).value;
        if (value === null || !isDeepStrictEqual(JSON.parse(JSON.stringify(value)), withoutNegativeZero(value))) {
          return `claim ${claim}: value changes when sent as JSON`;
        }
      }
    }
  }
  return '';
}

const hostileName = fc.oneof(
  fc.constantFrom('sub', 'aud', 'login', 'cnf', 'scp', 'a/b', '~', ' team', 'team ', 'tab\t', 'nul\u0000', 'del\u007f', '\u0085x', 'iss', 'nonce'),
  fc.string({ maxLength: 6 }),
);
const token = fc.constantFrom('access', 'identity', 'both');
// Places in the request where the generated request below puts arbitrary values.
const pointer = fc.constantFrom('/data/context/user/profile/odd', '/data/context/user/profile/login', '/data/odd', '/data/access/claims/sub', '/nope');
// `1e400` and friends are spliced into the request text: JSON.parse makes them Infinity.
const oddText = fc.oneof(fc.constantFrom('1e400', '-1e400', '[1e400]', '{"a":1e999}', 'null', '""', '[]'), fc.json({ maxDepth: 2 }));

const anyRule = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 4 }),
    set: fc.array(fc.oneof(fc.record({ claim: hostileName, token, value: fc.jsonValue({ maxDepth: 2 }) }), fc.record({ claim: hostileName, token, from: pointer })), {
      maxLength: 4,
    }),
    remove: fc.array(fc.record({ claim: hostileName, token }), { maxLength: 3 }),
    lifetime: fc.record({ access: fc.integer({ min: 250, max: 90_000 }), identity: fc.integer({ min: 250, max: 90_000 }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['name'] },
);

function requestWith(fixture: string, profileText: string, dataText: string): TokenHookRequest {
  const text = JSON.stringify(loadFixture('token-hook', fixture))
    .replace('"profile":{', () => `"profile":{"odd":${profileText},`)
    .replace('"data":{', () => `"data":{"odd":${dataText},`);
  return TokenHookRequestSchema.parse(JSON.parse(text));
}

describe("commands under okta's contract", () => {
  it('no accepted config and no request value yields a command okta refuses', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(anyRule, { maxLength: 3 }),
        fc.constantFrom('authorization-code', 'client-credentials', 'refresh-token'),
        oddText,
        oddText,
        async (rules, fixture, profileText, dataText) => {
          const config = { rules: rules.map((rule, index) => ({ ...rule, name: `${rule.name}${index}` })) };
          if (!HookConfigSchema.safeParse(config).success) return;
          const request = requestWith(fixture, profileText, dataText);

          const decision = await evaluate(request, parseHookConfig(config));

          if (decision.outcome === 'denied') return;
          expect(contractViolation(request, decision.encoded.commands)).toBe('');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("no transform edit yields a command okta refuses: the editor refuses it first", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom('set', 'remove'), fc.constantFrom<TokenKind>('access', 'identity'), hostileName, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(Infinity, NaN, [1, undefined], { a: -Infinity }))), {
          maxLength: 5,
        }),
        async (edits) => {
          const request = requestWith('authorization-code', '1', '1');

          const decision = await evaluate(request, { rules: [] }, (_, edit) => {
            for (const [action, kind, claim, value] of edits) {
              try {
                if (action === 'set') edit[kind].set(claim, value);
                else edit[kind].remove(claim);
              } catch (error) {
                if (!(error instanceof ClaimEditError)) throw error;
              }
            }
          });

          if (decision.outcome === 'denied') return;
          expect(contractViolation(request, decision.encoded.commands)).toBe('');
        },
      ),
      { numRuns: RUNS },
    );
  });
});
