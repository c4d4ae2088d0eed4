import { describe, expect, it } from 'vitest';
import { tokenView } from '../../../../infra/local/sandbox/token-views.js';

describe('tokenView', () => {
  it('takes what Okta sent the hook as "before" and copies the claims Okta adds after the hook', () => {
    const sent = { claims: { sub: 'ada', ver: 1 }, token: { lifetime: { expiration: 3600 } } };
    const minted = { claims: { sub: 'ada', ver: 1, login: 'ada@example.com', iat: 1000, exp: 4600, scp: ['openid'] }, lifetime: 3600 };

    const view = tokenView('access', sent, minted);

    expect(view.before).toEqual({ sub: 'ada', ver: 1, iat: 1000, exp: 4600, scp: ['openid'] });
    expect(view.after).toBe(minted.claims);
  });

  it('computes the expiry the token would have had when the hook changed the lifetime', () => {
    const sent = { claims: { sub: 'ada' }, token: { lifetime: { expiration: 3600 } } };
    const minted = { claims: { sub: 'ada', iat: 1000, exp: 1900 }, lifetime: 900 };

    const view = tokenView('access', sent, minted);

    expect(view.before['exp']).toBe(4600);
    expect([view.lifetimeBefore, view.lifetimeAfter]).toEqual([3600, 900]);
  });

  it('does not credit Okta with a claim the hook may set', () => {
    const view = tokenView('identity', { claims: { sub: 'ada' } }, { claims: { sub: 'ada', tenant: 'acme' }, lifetime: 3600 });

    expect(view.before).toEqual({ sub: 'ada' });
  });
});
