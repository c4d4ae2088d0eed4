import { describe, expect, it } from 'vitest';
import { applyTokenCommands, type MintedTokens } from '../../../../infra/local/okta-simulator/token-patch.js';

function tokens(withIdentity = true): MintedTokens {
  return {
    access: { claims: { ver: 1, sub: 'ada', aud: 'api://default', team: 'red', roles: ['a', 'b'], address: { city: 'London' } }, lifetime: 3600 },
    ...(withIdentity ? { identity: { claims: { sub: '00u1', name: 'Ada', aud: 'client' }, lifetime: 3600 } } : {}),
  };
}

const access = (...value: unknown[]) => ({ type: 'com.okta.access.patch', value });
const identity = (...value: unknown[]) => ({ type: 'com.okta.identity.patch', value });

describe('applyTokenCommands', () => {
  it('adds, replaces and removes claims in both tokens and changes the lifetime', () => {
    const verdict = applyTokenCommands(
      [
        access(
          { op: 'add', path: '/claims/region', value: 'eu' },
          { op: 'replace', path: '/claims/team', value: 'blue' },
          { op: 'add', path: '/claims/roles/-', value: 'c' },
          { op: 'add', path: '/claims/address/zip', value: 'N1' },
          { op: 'remove', path: '/claims/address/city', value: null },
          { op: 'replace', path: '/token/lifetime/expiration', value: 300 },
        ),
        identity({ op: 'add', path: '/claims/nickname', value: 'Countess' }),
      ],
      tokens(),
    );

    expect(verdict).toEqual({
      ok: true,
      tokens: {
        access: {
          claims: { ver: 1, sub: 'ada', aud: 'api://default', team: 'blue', roles: ['a', 'b', 'c'], address: { zip: 'N1' }, region: 'eu' },
          lifetime: 300,
        },
        identity: { claims: { sub: '00u1', name: 'Ada', aud: 'client', nickname: 'Countess' }, lifetime: 3600 },
      },
    });
  });

  it('lets the hook replace aud and sub in the access token only', () => {
    const inAccess = applyTokenCommands([access({ op: 'replace', path: '/claims/aud', value: 'api://other' })], tokens());
    const inIdentity = applyTokenCommands([identity({ op: 'replace', path: '/claims/sub', value: 'x' })], tokens());

    expect(inAccess.ok).toBe(true);
    expect(inIdentity).toEqual({ ok: false, reason: "claim 'sub' is reserved in the identity token" });
  });

  it.each([
    ['a reserved claim', [access({ op: 'add', path: '/claims/scp', value: ['x'] })]],
    ['replace of a missing claim', [access({ op: 'replace', path: '/claims/missing', value: 1 })]],
    ['remove of a missing claim', [access({ op: 'remove', path: '/claims/missing' })]],
    ['remove with a value', [access({ op: 'remove', path: '/claims/team', value: 'red' })]],
    ['add into a missing object', [access({ op: 'add', path: '/claims/nothing/here', value: 1 })]],
    ['an index past the end of an array', [access({ op: 'add', path: '/claims/roles/7', value: 'x' })]],
    ['a lifetime under 300 s', [access({ op: 'replace', path: '/token/lifetime/expiration', value: 299 })]],
    ['a lifetime over 86400 s', [access({ op: 'replace', path: '/token/lifetime/expiration', value: 86401 })]],
    ['a path outside claims and lifetime', [access({ op: 'add', path: '/token/other', value: 1 })]],
    ['an op other than add, replace, remove', [access({ op: 'move', from: '/claims/team', path: '/claims/t' })]],
    ['a legacy command type', [{ type: 'com.okta.tokens.access_token.patch', value: [{ op: 'add', path: '/claims/x', value: 1 }] }]],
  ])('skips the whole patch, valid commands included, for %s', (_, commands) => {
    const verdict = applyTokenCommands([access({ op: 'add', path: '/claims/first', value: 1 }), ...commands], tokens());

    expect(verdict.ok).toBe(false);
  });

  it('skips the patch when commands is not a list', () => {
    expect(applyTokenCommands({ type: 'com.okta.access.patch' }, tokens())).toEqual({ ok: false, reason: 'commands is not an array' });
  });

  it('skips the patch when an identity command targets a token that is not minted', () => {
    const verdict = applyTokenCommands([identity({ op: 'add', path: '/claims/x', value: 1 })], tokens(false));

    expect(verdict).toEqual({ ok: false, reason: 'com.okta.identity.patch targets a token that is not being minted' });
  });

  it('leaves the tokens as they were when there are no commands', () => {
    expect(applyTokenCommands(undefined, tokens())).toEqual({ ok: true, tokens: tokens() });
    expect(applyTokenCommands([], tokens())).toEqual({ ok: true, tokens: tokens() });
  });

  it('never changes the tokens it is given', () => {
    const given = tokens();

    applyTokenCommands([access({ op: 'replace', path: '/claims/team', value: 'blue' }, { op: 'remove', path: '/claims/missing' })], given);
    applyTokenCommands([access({ op: 'replace', path: '/claims/team', value: 'blue' })], given);

    expect(given).toEqual(tokens());
  });
});
