import { describe, expect, it } from 'vitest';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { ClaimEditError, createChangeSet, editorFor } from '../../../lambda/token-hook/change-set.js';
import { applyCommands } from '../../../lambda/token-hook/apply-commands.js';
import { CommandEncodingError, encodeChanges } from '../../../lambda/token-hook/encode.js';
import { evaluate } from '../../../lambda/token-hook/evaluate.js';
import { TokenHookRequestSchema, type TokenHookRequest } from '../../../lambda/token-hook/request-schema.js';
import { loadFixture } from '../../support/fixtures.js';
import { specExample, specErrors } from '../../support/okta-spec.js';

const specRequest = (): TokenHookRequest => TokenHookRequestSchema.parse(specExample('TokenPayLoadExample'));
const fixture = (name: string): TokenHookRequest => TokenHookRequestSchema.parse(loadFixture('token-hook', name));

function changesOn(edit: (editor: ReturnType<typeof editorFor>) => void) {
  const changes = createChangeSet();
  edit(editorFor(changes));
  return changes;
}

describe('encodeChanges', () => {
  it("answers Okta's example request with commands valid against the spec's TokenHookResponse", async () => {
    const config = parseHookConfig({
      rules: [
        {
          name: 'enrich',
          set: [
            { claim: 'login', token: 'both', from: '/data/context/user/profile/login' },
            { claim: 'firstName', token: 'access', value: 'Ada' },
            { claim: 'nonce_param', token: 'access', from: '/data/context/request/url/value', query: 'nonce' },
            { claim: 'profile', token: 'identity', value: { team: 'blue', level: 3 } },
          ],
          remove: [{ claim: 'preferred_username', token: 'both' }],
          lifetime: { access: 900, identity: 600 },
        },
      ],
    });

    const decision = await evaluate(specRequest(), config);

    expect(decision.outcome).toBe('patched');
    if (decision.outcome !== 'patched') return;
    const body = { commands: decision.encoded.commands };
    expect(specErrors('TokenHookResponse', body)).toBe('');
    expect(decision.encoded.commands).toEqual([
      {
        type: 'com.okta.access.patch',
        value: [
          { op: 'add', path: '/claims/login', value: 'administrator1@clouditude.net' },
          { op: 'replace', path: '/claims/firstName', value: 'Ada' },
          { op: 'add', path: '/claims/nonce_param', value: 'asf' },
          { op: 'remove', path: '/claims/preferred_username' },
          { op: 'replace', path: '/token/lifetime/expiration', value: 900 },
        ],
      },
      {
        type: 'com.okta.identity.patch',
        value: [
          { op: 'add', path: '/claims/login', value: 'administrator1@clouditude.net' },
          { op: 'add', path: '/claims/profile', value: { team: 'blue', level: 3 } },
          { op: 'remove', path: '/claims/preferred_username' },
          { op: 'replace', path: '/token/lifetime/expiration', value: 600 },
        ],
      },
    ]);
  });

  it('sends no identity command when the request mints no ID token', () => {
    const changes = changesOn((edit) => {
      edit.identity.set('team', 'blue');
      edit.access.set('team', 'blue');
    });

    const request = fixture('client-credentials');
    const encoded = encodeChanges(request, changes);

    expect(encoded.commands.map((command) => command.type)).toEqual(['com.okta.access.patch']);
    expect(applyCommands(request, encoded.commands).identity).toBeUndefined();
  });

  it('leaves out edits that change nothing', () => {
    const request = fixture('refresh-token');
    const changes = changesOn((edit) => {
      edit.access.set('custom_tier', 'gold').lifetime(3600).remove('absent_claim');
    });

    const encoded = encodeChanges(request, changes);

    expect(encoded.commands).toEqual([]);
  });

  it('escapes claim names as JSON pointer segments', () => {
    const changes = changesOn((edit) => edit.access.set('https://example.com/roles', ['a']).set('a~b', 1));

    const request = fixture('authorization-code');
    const encoded = encodeChanges(request, changes);

    expect(encoded.commands[0]?.value.map((op) => op.path)).toEqual(['/claims/https:~1~1example.com~1roles', '/claims/a~0b']);
    expect(applyCommands(request, encoded.commands).access?.claims['https://example.com/roles']).toEqual(['a']);
  });

  it('shows the tokens as Okta would mint them after the patch', () => {
    const changes = changesOn((edit) => edit.identity.set('email', 'new@example.com').remove('name').lifetime(900));

    const request = fixture('authorization-code');
    const encoded = encodeChanges(request, changes);
    const tokens = applyCommands(request, encoded.commands);

    expect(tokens.identity?.claims['email']).toBe('new@example.com');
    expect(tokens.identity?.claims).not.toHaveProperty('name');
    expect(tokens.identity?.lifetimeSeconds).toBe(900);
    expect(encoded.changed.identity).toEqual(['email', 'name', 'lifetime']);
  });

  it("never changes the request's own claims, not even when the patch is applied for preview", () => {
    const request = fixture('authorization-code');
    const before = structuredClone(request.data.access?.claims);

    applyCommands(request, encodeChanges(request, changesOn((edit) => edit.access.set('x', 1).remove('firstName'))).commands);

    expect(request.data.access?.claims).toEqual(before);
  });

  it('refuses, when applying for preview, a patch that does not apply to the token', () => {
    const request = fixture('authorization-code');
    request.data.access!.claims = Object.create(null) as Record<string, unknown>;
    const changes = createChangeSet();
    changes.access.set.set('__proto__', 1);
    const encoded = encodeChanges(request, changes);

    expect(() => applyCommands(request, encoded.commands)).toThrow(CommandEncodingError);
  });
});

describe('the change-set editor', () => {
  it.each([
    ['identity', 'sub'],
    ['identity', 'aud'],
    ['access', 'cnf'],
    ['access', 'iss'],
    ['access', 'scp'],
  ] as const)('refuses to set reserved claim %s.%s', (token, claim) => {
    const edit = editorFor(createChangeSet());

    expect(() => edit[token].set(claim, 'x')).toThrow(ClaimEditError);
  });

  it('checks a name per token and per edit: one allowed in access tokens, or set, is still refused where it is not', () => {
    const edit = editorFor(createChangeSet());

    edit.access.set('scope', 'x').set('aud', 'api');

    expect(() => edit.identity.set('scope', 'x')).toThrow(/reserved in ID tokens/);
    expect(() => edit.access.remove('aud')).toThrow(/cannot be removed/);
    expect(() => editorFor(createChangeSet()).identity.set('scope', 'x')).toThrow(ClaimEditError);
  });

  it('lets a later edit win over an earlier one', () => {
    const changes = changesOn((edit) => edit.access.set('a', 1).remove('a').set('a', 2));

    expect([...changes.access.set]).toEqual([['a', 2]]);
    expect(changes.access.remove.size).toBe(0);
  });

  it.each([299, 86_401, 1.5, Number.NaN])('refuses a lifetime of %s seconds', (seconds) => {
    expect(() => editorFor(createChangeSet()).access.lifetime(seconds)).toThrow(/300 to 86400/);
  });

  it.each([
    ['Infinity', Number.POSITIVE_INFINITY],
    ['NaN inside an object', { a: { b: Number.NaN } }],
    ['undefined inside an array', [1, undefined]],
    ['a function inside an object', { f: () => 1 }],
  ])('refuses a value JSON cannot carry unchanged: %s', (_, value) => {
    expect(() => editorFor(createChangeSet()).access.set('a', value)).toThrow(/cannot set claim 'a': .* has no JSON form/);
  });

  it('checks a deeply nested value without overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];

    expect(() => editorFor(createChangeSet()).access.set('deep', deep)).not.toThrow();
  });

  it.each(['sub', 'aud'])('refuses removing %s from the access token', (claim) => {
    expect(() => editorFor(createChangeSet()).access.remove(claim)).toThrow(`cannot remove claim: claim '${claim}' cannot be removed from access tokens`);
  });

  it('refuses claim names with control characters or outer whitespace', () => {
    const edit = editorFor(createChangeSet());

    expect(() => edit.access.set('a\u0007', 1)).toThrow(/control character/);
    expect(() => edit.identity.remove(' a')).toThrow(/whitespace/);
  });

  it('refuses null and undefined values', () => {
    const edit = editorFor(createChangeSet());

    expect(() => edit.access.set('a', null)).toThrow(/use remove/);
    expect(() => edit.access.set('a', undefined)).toThrow(/use remove/);
  });
});
