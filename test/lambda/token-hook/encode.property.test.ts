import fc from 'fast-check';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { HookConfigSchema } from '../../../lambda/shared/hook-config.js';
import { createChangeSet, editorFor, type ChangeSet } from '../../../lambda/token-hook/change-set.js';
import { COMMAND_TYPE, encodeChanges, type TokenCommand } from '../../../lambda/token-hook/encode.js';
import { decide } from '../../../lambda/token-hook/evaluate.js';
import { TokenHookRequestSchema, type TokenHookRequest } from '../../../lambda/token-hook/request-schema.js';
import { TOKEN_KINDS, type TokenKind } from '../../../lambda/token-hook/reserved-claims.js';
import { loadFixture } from '../../support/fixtures.js';

/**
 * design.md decision 10: the hook sends its commands without applying them first, so the encoder's
 * guarantee is proven here instead. Across arbitrary requests and arbitrary edits (the change sets that
 * rules and transforms produce), every encoded patch applies with fast-json-patch, Okta's way (paths
 * checked, no prototype writes), to the request's own token, and yields exactly the edited token.
 */

const RUNS = 400;

// Names that make JSON pointers and objects misbehave, beside ordinary and random ones.
const claimName = fc.oneof(
  fc.constantFrom('login', 'team', 'a/b', '~', '~1', 'a~0b', '', ' ', 'constructor', 'prototype', 'toString', '__proto__', 'hasOwnProperty', 'sub', 'scp', '0', '-'),
  fc.string({ maxLength: 6 }),
);
const claimValue = fc.jsonValue({ maxDepth: 2 }).filter((value) => value !== null);
const claims = fc.dictionary(claimName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 });
const lifetime = fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined });

/** A request built from JSON text, as the hook gets it: own `__proto__` keys included. */
const anyRequest = fc
  .record({
    fixture: fc.constantFrom('authorization-code', 'client-credentials', 'refresh-token'),
    access: fc.option(fc.record({ claims, lifetime }), { nil: undefined }),
    identity: fc.option(fc.record({ claims, lifetime }), { nil: undefined }),
  })
  .map(({ fixture, access, identity }) => {
    const request = loadFixture<Record<string, any>>('token-hook', fixture);
    for (const [kind, token] of [['access', access], ['identity', identity]] as const) {
      if (!token) continue;
      request['data'][kind] = { ...request['data'][kind], claims: token.claims, ...(token.lifetime === undefined ? {} : { token: { lifetime: { expiration: token.lifetime } } }) };
    }
    return TokenHookRequestSchema.parse(JSON.parse(JSON.stringify(request))) as TokenHookRequest;
  });

type Edit =
  | { readonly op: 'set'; readonly kind: TokenKind; readonly claim: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly kind: TokenKind; readonly claim: string }
  | { readonly op: 'lifetime'; readonly kind: TokenKind; readonly seconds: number };

const kind = fc.constantFrom<TokenKind>('access', 'identity');
const anyEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), kind, claim: claimName, value: claimValue }),
  fc.record({ op: fc.constant('remove' as const), kind, claim: claimName }),
  fc.record({ op: fc.constant('lifetime' as const), kind, seconds: fc.integer({ min: 0, max: 100_000 }) }),
);

/** Applies `edits` through the editor, skipping those it refuses (as the hook fails such a request). */
function changeSetOf(edits: readonly Edit[]): ChangeSet {
  const changes = createChangeSet();
  const editor = editorFor(changes);
  for (const edit of edits) {
    try {
      if (edit.op === 'set') editor[edit.kind].set(edit.claim, edit.value);
      else if (edit.op === 'remove') editor[edit.kind].remove(edit.claim);
      else editor[edit.kind].lifetime(edit.seconds);
    } catch {
      // Refused edits change nothing.
    }
  }
  return changes;
}

/** Okta's view of a token: the document its patch paths address. */
function oktaDocument(request: TokenHookRequest, kind: TokenKind) {
  const token = request.data[kind]!;
  return structuredClone({ claims: token.claims, token: { lifetime: { expiration: token.token?.lifetime?.expiration ?? null } } });
}

function applyAll(request: TokenHookRequest, commands: readonly TokenCommand[], kind: TokenKind) {
  const document = oktaDocument(request, kind);
  for (const command of commands.filter((c) => c.type === COMMAND_TYPE[kind])) {
    // validate = true, mutate the copy, banPrototypeModifications = true: a bad path throws.
    jsonpatch.applyPatch(document, command.value as Operation[], true, true, true);
  }
  return document;
}

/** What the token must look like after the patch: the edits, last one winning, on the original. */
function expected(request: TokenHookRequest, changes: ChangeSet, kind: TokenKind) {
  const document = oktaDocument(request, kind);
  const claimsAfter = document.claims as Record<string, unknown>;
  for (const [claim, value] of changes[kind].set) claimsAfter[claim] = value;
  for (const claim of changes[kind].remove) delete claimsAfter[claim];
  if (changes[kind].lifetime !== undefined) document.token.lifetime.expiration = changes[kind].lifetime;
  return document;
}

describe('encoded patches, applied as Okta applies them', () => {
  it('apply to the request token and yield exactly the edited token, for any request and edits', () => {
    fc.assert(
      fc.property(anyRequest, fc.array(anyEdit, { maxLength: 10 }), (request, edits) => {
        const changes = changeSetOf(edits);
        const before = structuredClone(request.data);

        const { commands } = encodeChanges(request, changes);

        expect(request.data).toEqual(before);
        for (const kind of TOKEN_KINDS) {
          if (!request.data[kind]) {
            expect(commands.map((command) => command.type)).not.toContain(COMMAND_TYPE[kind]);
            continue;
          }
          expect(applyAll(request, commands, kind)).toEqual(expected(request, changes, kind));
        }
        // A command for each token that changes, none for one that does not.
        for (const command of commands) expect(command.value.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS },
    );
  });

  const pointer = fc.constantFrom('/data/context/user/profile/login', '/data/context/request/url/value', '/data/access/claims', '/data/identity', '/nope');
  const target = fc.constantFrom('access', 'identity', 'both');
  const anyRule = fc.record({
    name: fc.string({ minLength: 1, maxLength: 6 }),
    when: fc.record({ scopes: fc.array(fc.constantFrom('openid', 'profile', 'email', 'offline_access', 'api:read'), { minLength: 1, maxLength: 2 }) }, { requiredKeys: [] }),
    set: fc.array(fc.oneof(fc.record({ claim: claimName, token: target, value: claimValue }), fc.record({ claim: claimName, token: target, from: pointer })), { maxLength: 4 }),
    remove: fc.array(fc.record({ claim: claimName, token: target }), { maxLength: 2 }),
    lifetime: fc.record({ access: fc.integer({ min: 300, max: 86_400 }), identity: fc.integer({ min: 300, max: 86_400 }) }, { requiredKeys: [] }),
  });

  it('apply for any accepted rules on any request', () => {
    fc.assert(
      fc.property(anyRequest, fc.array(anyRule, { maxLength: 4 }), (request, rules) => {
        const config = HookConfigSchema.safeParse({ rules });
        fc.pre(config.success);

        const decision = decide(request, config.data!);

        if (decision instanceof Promise || decision.outcome === 'denied') throw new Error('rules alone neither wait nor deny');
        for (const kind of TOKEN_KINDS) {
          if (request.data[kind]) expect(() => applyAll(request, decision.encoded.commands, kind)).not.toThrow();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
