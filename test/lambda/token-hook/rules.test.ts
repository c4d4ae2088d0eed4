import { describe, expect, it } from 'vitest';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { createChangeSet } from '../../../lambda/token-hook/change-set.js';
import { TokenHookRequestSchema, type TokenHookRequest } from '../../../lambda/token-hook/request-schema.js';
import { grantedScopesOf, MAX_SCOPES_READ, queryParameter, valueAtPointer } from '../../../lambda/token-hook/request-values.js';
import { applyRules } from '../../../lambda/token-hook/rules.js';
import { loadFixture } from '../../support/fixtures.js';
import { specExample } from '../../support/okta-spec.js';

const fixture = (name: string): TokenHookRequest => TokenHookRequestSchema.parse(loadFixture('token-hook', name));

function run(rules: unknown[], request: TokenHookRequest) {
  const changes = createChangeSet();
  const applied = applyRules(parseHookConfig({ rules }).rules, request, changes);
  return { applied, access: Object.fromEntries(changes.access.set), identity: Object.fromEntries(changes.identity.set), changes };
}

const tag = (name: string, when: unknown) => ({ name, when, set: [{ claim: 'tag', token: 'access', value: name }] });

describe('applyRules', () => {
  it.each([
    ['client id', { clientIds: ['0oaWebApp123'] }, 'authorization-code', true],
    ['client id', { clientIds: ['0oaOther'] }, 'authorization-code', false],
    ['grant type', { grantTypes: ['client_credentials'] }, 'client-credentials', true],
    ['grant type', { grantTypes: ['authorization_code'] }, 'refresh-token', false],
    ['granted scope', { scopes: ['orders:read', 'x'] }, 'authorization-code', true],
    ['granted scope', { scopes: ['orders:write'] }, 'authorization-code', false],
    ['policy rule', { policyRuleIds: ['0prServiceRule'] }, 'client-credentials', true],
    ['every condition', { clientIds: ['0oaServiceApp9'], grantTypes: ['refresh_token'] }, 'client-credentials', false],
  ])('tests the %s condition (%j on %s)', (_, when, name, applies) => {
    const { applied } = run([tag('r', when)], fixture(name));

    expect(applied).toEqual(applies ? ['r'] : []);
  });

  // One rule per flow; each fixture is shaped like what Okta sends for that flow.
  const FLOWS = [
    ['authorization-code', 'authorization_code'],
    ['implicit', 'implicit'],
    ['hybrid', 'hybrid'],
    ['refresh-token', 'refresh_token'],
    ['client-credentials', 'client_credentials'],
  ] as const;
  const flowRules = FLOWS.map(([, flow]) => tag(flow, { grantTypes: [flow] }));

  it.each(FLOWS)('fires only the %s rule on a request shaped like Okta sends for that flow', (name, flow) => {
    const { applied } = run(flowRules, fixture(name));

    expect(applied).toEqual([flow]);
  });

  it('reads the authorization-code flow from /authorize (response_type code, no grant_type), not as implicit', () => {
    const request = fixture('authorization-code');

    const { applied } = run(flowRules, request);

    expect([request.source, request.data.context.protocol?.request?.grant_type]).toEqual([expect.stringMatching(/\/v1\/authorize$/), undefined]);
    expect(applied).toEqual(['authorization_code']);
  });

  it.each([
    ['code', 'authorization_code'],
    ['token', 'implicit'],
    ['id_token', 'implicit'],
    ['token id_token', 'implicit'],
    ['code id_token', 'hybrid'],
    ['id_token code', 'hybrid'],
    ['code token', 'hybrid'],
    ['code id_token token', 'hybrid'],
  ])('names response_type %j from /authorize %s', (responseType, flow) => {
    const request = fixture('implicit');
    request.data.context.protocol!.request = { ...request.data.context.protocol!.request, response_type: responseType };

    expect(run(flowRules, request).applied).toEqual([flow]);
  });

  it('matches no flow when the request has neither grant_type nor response_type', () => {
    const request = fixture('implicit');
    const { response_type: _, ...rest } = request.data.context.protocol!.request!;
    request.data.context.protocol!.request = rest;

    expect(run(flowRules, request).applied).toEqual([]);
  });

  it('leaves a claim unset when the value copied from the request has no JSON form (1e400)', () => {
    const raw = JSON.stringify(loadFixture('token-hook', 'authorization-code')).replace('"data":{', '"data":{"big":1e400,');
    const request = TokenHookRequestSchema.parse(JSON.parse(raw));

    const { applied, access } = run([{ name: 'r', set: [{ claim: 'big', token: 'access', from: '/data/big' }] }], request);

    expect(applied).toEqual(['r']);
    expect(access).toEqual({});
  });

  it('reads at most MAX_SCOPES_READ scope entries of a request', () => {
    const request = fixture('authorization-code');
    const scopes = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`s${i}`, { id: `scp${i}`, action: 'GRANT' }]));
    request.data.access!.scopes = scopes as never;
    request.data.context.protocol!.request = { ...request.data.context.protocol!.request, scope: Object.keys(scopes).join(' ') };

    const granted = grantedScopesOf(request);
    delete request.data.access!.scopes;
    const requested = grantedScopesOf(request);

    expect(granted).toHaveLength(MAX_SCOPES_READ);
    expect(requested).toEqual(Object.keys(scopes).slice(0, MAX_SCOPES_READ));
  });

  it('treats tokens minted at /authorize as the implicit grant', () => {
    const request = TokenHookRequestSchema.parse(specExample('TokenPayLoadExample'));

    expect(run([tag('r', { grantTypes: ['implicit'] })], request).applied).toEqual(['r']);
  });

  it('copies values by JSON pointer, including unknown fields, and skips missing ones', () => {
    const { access, identity } = run(
      [
        {
          name: 'copy',
          set: [
            { claim: 'department', token: 'both', from: '/data/context/user/profile/department' },
            { claim: 'ip', token: 'access', from: '/data/context/request/ipAddress' },
            { claim: 'missing', token: 'access', from: '/data/context/user/profile/nope' },
            { claim: 'first_amr', token: 'access', from: '/data/context/session/amr/0' },
          ],
        },
      ],
      fixture('authorization-code'),
    );

    expect(access).toEqual({ department: 'Engineering', ip: '203.0.113.10', first_amr: 'PASSWORD' });
    expect(identity).toEqual({ department: 'Engineering' });
  });

  it('reads a query parameter of the request URL', () => {
    const request = fixture('authorization-code');
    request.data.context.request!.url!.value = 'https://example.okta.com/oauth2/default/v1/authorize?client_id=x&campaign=spring%202026';

    const { access } = run([{ name: 'q', set: [{ claim: 'campaign', token: 'access', from: '/data/context/request/url/value', query: 'campaign' }] }], request);

    expect(access).toEqual({ campaign: 'spring 2026' });
  });

  it('applies removals and lifetimes, later rules winning', () => {
    const { changes } = run(
      [
        { name: 'a', set: [{ claim: 'x', token: 'access', value: 1 }], lifetime: { access: 600 } },
        { name: 'b', remove: [{ claim: 'x', token: 'access' }], lifetime: { access: 900, identity: 300 } },
      ],
      fixture('authorization-code'),
    );

    expect(changes.access.set.size).toBe(0);
    expect([...changes.access.remove]).toEqual(['x']);
    expect(changes.access.lifetime).toBe(900);
    expect(changes.identity.lifetime).toBe(300);
  });
});

describe('request values', () => {
  it('resolves escaped pointers and own properties only', () => {
    const document = { 'a/b': { '~c': 1 }, list: [10, 20] };

    expect(valueAtPointer(document, '/a~1b/~0c')).toBe(1);
    expect(valueAtPointer(document, '/list/1')).toBe(20);
    expect(valueAtPointer(document, '/constructor')).toBeUndefined();
    expect(valueAtPointer(document, '/list/length')).toBe(2);
    // The pointer is parsed once; each document still gives its own value.
    expect(valueAtPointer({ 'a/b': { '~c': 2 } }, '/a~1b/~0c')).toBe(2);
    expect(valueAtPointer(document, '')).toBe(document);
  });

  it("reads query parameters of Okta's placeholder URLs", () => {
    expect(queryParameter('https://{yourOktaDomain}/v1/authorize?scope=openid+profile&state=s#frag', 'scope')).toBe('openid profile');
    expect(queryParameter('https://{yourOktaDomain}/v1/authorize', 'scope')).toBeUndefined();
    expect(queryParameter('https://x/v1/authorize?flag&bad=%E0%A4%A&a%20b=1', 'flag')).toBe('');
    expect(queryParameter('https://x/v1/authorize?flag&bad=%E0%A4%A&a%20b=1', 'bad')).toBeUndefined();
    expect(queryParameter('https://x/v1/authorize?flag&bad=%E0%A4%A&a%20b=1', 'a b')).toBe('1');
  });
});
