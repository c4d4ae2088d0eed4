import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClaimRule } from '../lambda/shared/hook-config.js';

/** Okta's own example request (`TokenPayLoadExample` of the spec, from the project's copy): the reference payload. */
export function referencePayload(): Record<string, any> {
  const path = fileURLToPath(new URL('../test/fixtures/okta-spec/okta-spec.json', import.meta.url));
  const spec = JSON.parse(readFileSync(path, 'utf8')) as { components: { examples: Record<string, { value: Record<string, any> }> } };
  return structuredClone(spec.components.examples['TokenPayLoadExample']!.value);
}

/**
 * The reference request grown to about `kb` KB the way real ones grow: a larger user profile, and
 * custom claims (objects and group lists) in both tokens.
 */
export function sizedPayload(kb: number): Record<string, any> {
  const request = referencePayload();
  const target = kb * 1024;
  const profile = request['data'].context.user.profile as Record<string, unknown>;
  const claims = [request['data'].access.claims, request['data'].identity.claims] as Record<string, unknown>[];
  let size = JSON.stringify(request).length;
  for (let i = 0; size < target; i += 1) {
    const attribute = `attribute_${i}`;
    profile[attribute] = `value-${i}-${'x'.repeat(40)}`;
    const claim = { id: i, label: `label-${i}-${'y'.repeat(30)}`, tags: ['a', 'b', 'c'] };
    for (const token of claims) token[`custom_${i}`] = claim;
    size += attribute.length + 52 + 2 * (JSON.stringify(claim).length + 12);
  }
  return request;
}

/** The reference request with `count` granted scopes on the access token. */
export function manyScopesPayload(count: number): Record<string, any> {
  const request = referencePayload();
  const scopes: Record<string, { id: string; action: string }> = {};
  for (let i = 0; i < count; i += 1) scopes[`api:resource-${i}:read`] = { id: `scp${String(i).padStart(16, '0')}`, action: 'GRANT' };
  request['data'].access.scopes = scopes;
  return request;
}

/** The reference request whose URL carries `count` query parameters `p0..p{count-1}`. */
export function manyQueryParamsPayload(count: number): Record<string, any> {
  const request = referencePayload();
  const query = Array.from({ length: count }, (_, i) => `p${i}=value%20${i}`).join('&');
  request['data'].context.request.url.value = `https://example.okta.com/oauth2/default/v1/authorize?${query}`;
  return request;
}

/** The reference request with about `kb` KB of claims in each token. */
export function manyClaimsPayload(kb: number): Record<string, any> {
  const request = referencePayload();
  for (const token of ['access', 'identity'] as const) {
    const claims = request['data'][token].claims as Record<string, unknown>;
    for (let i = 0; i * 100 < kb * 1024; i += 1) claims[`claim_${i}`] = { n: i, text: 'z'.repeat(70) };
  }
  return request;
}

/**
 * `count` rules of the kind users write: conditions on client, grant type and scope, a static claim
 * and one copied from the request. Each one applies to the reference request.
 */
export function typicalRules(count: number): ClaimRule[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `rule-${i}`,
    when: { grantTypes: ['implicit', 'authorization_code'], scopes: ['openid', 'profile'] },
    set: [
      { claim: `tier_${i}`, token: 'access' as const, value: { level: i, label: `tier-${i}` } },
      { claim: `login_${i}`, token: 'both' as const, from: '/data/context/user/profile/login' },
    ],
    remove: [],
    lifetime: {},
  }));
}

/** `count` rules each conditioned on one of the granted scopes of `manyScopesPayload` (the last ones). */
export function scopeRules(count: number, scopes: number): ClaimRule[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `scope-rule-${i}`,
    when: { scopes: [`api:resource-${scopes - 1 - i}:read`, `api:absent-${i}`] },
    set: [{ claim: `scope_${i}`, token: 'access' as const, value: true }],
    remove: [],
    lifetime: {},
  }));
}

/** `count` rules each copying one of the last query parameters of `manyQueryParamsPayload`. */
export function queryRules(count: number, params: number): ClaimRule[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `query-rule-${i}`,
    when: {},
    set: [{ claim: `param_${i}`, token: 'access' as const, from: '/data/context/request/url/value', query: `p${params - 1 - i}` }],
    remove: [],
    lifetime: {},
  }));
}

/** `count` rules each replacing one existing claim of `manyClaimsPayload` with a new object. */
export function claimRules(count: number): ClaimRule[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `claim-rule-${i}`,
    when: {},
    set: [{ claim: `claim_${i}`, token: 'both' as const, value: { n: -i, text: 'replaced' } }],
    remove: [],
    lifetime: {},
  }));
}
