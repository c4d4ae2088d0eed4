import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HookConfigSchema, parseHookConfig } from '../../../lambda/shared/hook-config.js';

const rule = (overrides: Record<string, unknown>) => ({ name: 'r1', ...overrides });

describe('HookConfigSchema', () => {
  it('fills the defaults of an empty config', () => {
    const config = parseHookConfig({});

    expect(config).toEqual({ failureMode: 'open', deadlineMs: 1500, authHeader: 'authorization', maxBodyBytes: 262144, rules: [] });
  });

  it('accepts the example environment of cdk.json', () => {
    const cdk = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'));

    const config = parseHookConfig(cdk.context.environments.example.hook);

    expect(config.rules.map((r) => r.name)).toContain('login-on-both-tokens');
  });

  it('parses JSON text and lower-cases the auth header name', () => {
    const config = parseHookConfig('{"authHeader":"X-Okta-Key","failureMode":"closed"}');

    expect(config.authHeader).toBe('x-okta-key');
    expect(config.failureMode).toBe('closed');
  });

  it('rejects unknown keys with their path', () => {
    expect(() => parseHookConfig({ rules: [rule({ sett: [] })] })).toThrow("rules['r1']: unknown key 'sett': did you mean 'set'?");
    expect(() => parseHookConfig({ failuremode: 'open' })).toThrow("(root): unknown key 'failuremode': did you mean 'failureMode'?");
    expect(() => parseHookConfig({ rules: [rule({ when: { clientId: ['app'] } })] })).toThrow("rules['r1'].when: unknown key 'clientId': did you mean 'clientIds'?");
    expect(() => parseHookConfig({ colour: 'red' })).toThrow("(root): unknown key 'colour': remove it or use one of failureMode, deadlineMs");
  });

  it.each([
    [{ claim: 'sub', token: 'identity', value: 'x' }, "claim 'sub' is reserved in ID tokens"],
    [{ claim: 'aud', token: 'both', value: 'x' }, "claim 'aud' is reserved in ID tokens"],
    [{ claim: 'scp', token: 'access', value: 'x' }, "claim 'scp' is reserved in access tokens"],
    [{ claim: 'cnf', token: 'access', value: {} }, "claim 'cnf' is reserved in access tokens"],
    [{ claim: 'groups', token: 'both', from: '/data/context/user/id' }, "claim 'groups' is reserved in access tokens"],
    [{ claim: '', token: 'access', value: 'x' }, "claim names must not be empty"],
  ])('refuses a rule setting %j, naming the rule and the reason', (setter, message) => {
    expect(() => parseHookConfig({ rules: [rule({ set: [setter] })] })).toThrow(`rules['r1'].set[0].claim: ${message}`);
  });

  it('allows sub and aud in access tokens only', () => {
    const config = parseHookConfig({ rules: [rule({ set: [{ claim: 'sub', token: 'access', value: 'svc' }, { claim: 'aud', token: 'access', value: 'api://x' }] })] });

    expect(config.rules[0]?.set).toHaveLength(2);
  });

  it('refuses removing a reserved claim', () => {
    expect(() => parseHookConfig({ rules: [rule({ remove: [{ claim: 'iss', token: 'access' }] })] })).toThrow(
      "rules['r1'].remove[0].claim: claim 'iss' is reserved in access tokens",
    );
  });

  it.each([299, 86_401, 600.5])('refuses a lifetime of %s seconds, naming the rule', (seconds) => {
    expect(() => parseHookConfig({ rules: [rule({ lifetime: { access: seconds } })] })).toThrow(
      "rules['r1'].lifetime.access: access token lifetime must be a whole number of seconds from 300 to 86400",
    );
  });

  it('refuses a static value too large for an Okta answer, naming the rule', () => {
    const big = 'x'.repeat(210 * 1024);

    expect(() => parseHookConfig({ rules: [rule({ set: [{ claim: 'blob', token: 'access', value: big }] })] })).toThrow(
      "rules['r1'].set[0].value: the value of claim 'blob' is too large for Okta's 256 KB answer",
    );
  });

  it('refuses a deadline Okta would not wait for', () => {
    expect(() => parseHookConfig({ deadlineMs: 3000 })).toThrow(/deadlineMs/);
  });

  it('refuses null values, bad pointers and duplicate rule names', () => {
    expect(() => parseHookConfig({ rules: [rule({ set: [{ claim: 'a', token: 'access', value: null }] })] })).toThrow(
      "rules['r1'].set[0].value: the value of claim 'a' must not be null: use remove to drop a claim",
    );
    expect(() => parseHookConfig({ rules: [rule({ set: [{ claim: 'a', token: 'access', from: 'data/user' }] })] })).toThrow(/JSON pointer/);
    expect(() => parseHookConfig({ rules: [rule({}), rule({})] })).toThrow("rules['r1'].name: rule 'r1' is defined twice");
  });

  it.each([
    ['team\u0000', 'has a control character in its name'],
    ['line\nbreak', 'has a control character in its name'],
    [' team', 'starts or ends with whitespace: trim the name'],
    ['team\t', 'has a control character in its name'],
    ['team ', 'starts or ends with whitespace: trim the name'],
  ])('refuses the claim name %j, which okta would reject or store differently', (claim, reason) => {
    expect(() => parseHookConfig({ rules: [rule({ set: [{ claim, token: 'access', value: 'x' }] })] })).toThrow(
      `rules['r1'].set[0].claim: claim ${JSON.stringify(claim)} ${reason}`,
    );
    expect(() => parseHookConfig({ rules: [rule({ remove: [{ claim, token: 'identity' }] })] })).toThrow(reason);
  });

  it.each(['sub', 'aud'])('refuses removing %s from access tokens, which okta requires, and allows it nowhere else', (claim) => {
    expect(() => parseHookConfig({ rules: [rule({ remove: [{ claim, token: 'access' }] })] })).toThrow(
      `rules['r1'].remove[0].claim: claim '${claim}' cannot be removed from access tokens (okta requires it)`,
    );
    expect(() => parseHookConfig({ rules: [rule({ remove: [{ claim, token: 'both' }] })] })).toThrow(/cannot be removed from access tokens|reserved in ID tokens/);
  });

  it.each([
    ['a string', 'tier', `must be an object: {"claim", "token", "value"} to set a value, or {"claim", "token", "from"} to copy one from Okta's request`],
    ['a misspelt key', { claim: 'a', token: 'access', valeu: 1 }, "unknown key 'valeu': did you mean 'value'?"],
    ['no claim', { token: 'access', value: 1 }, "'claim' is required: the claim's name"],
    ['no token', { claim: 'a', value: 1 }, "'token' is required: set access, identity or both"],
    ['a wrong token', { claim: 'a', token: 'acess', value: 1 }, `'token' is "acess": set access, identity or both`],
    ['value and from', { claim: 'a', token: 'access', value: 1, from: '/x' }, "give 'value' or 'from', not both"],
    ['neither value nor from', { claim: 'a', token: 'access' }, "give 'value' (the JSON value to set) or 'from' (a JSON pointer into Okta's request)"],
    ['query with value', { claim: 'a', token: 'access', value: 1, query: 'q' }, "'query' reads a parameter of the URL at 'from': use it with 'from', not 'value'"],
    ['an empty query', { claim: 'a', token: 'access', from: '/x', query: '' }, "'query' must be the name of a URL parameter"],
    ['a bad pointer', { claim: 'a', token: 'access', from: 'data/user' }, "'from' must be a JSON pointer such as '/data/context/user/profile/login'"],
  ])('says what is wrong with a set entry holding %s', (_, setter, message) => {
    expect(() => parseHookConfig({ rules: [rule({ set: [setter] })] })).toThrow(`rules['r1'].set[0]: ${message}`);
  });

  it('says what is wrong with a malformed remove entry', () => {
    expect(() => parseHookConfig({ rules: [rule({ remove: ['tier'] })] })).toThrow(`rules['r1'].remove[0]: must be an object: {"claim", "token"}`);
    expect(() => parseHookConfig({ rules: [rule({ remove: [{ claim: 'tier' }] })] })).toThrow(
      "rules['r1'].remove[0].token: is required: set access, identity or both",
    );
    expect(() => parseHookConfig({ rules: [rule({ remove: [{ claim: 'tier', tokens: 'access' }] })] })).toThrow("did you mean 'token'?");
  });

  it('names a rule without a name by its place', () => {
    expect(() => parseHookConfig({ rules: [{ set: [] }] })).toThrow('rules[0].name: is required');
  });

  it('refuses a static value JSON cannot carry, as read from config text', () => {
    expect(() => parseHookConfig('{"rules":[{"name":"r1","set":[{"claim":"big","token":"access","value":{"n":[1e400]}}]}]}')).toThrow(
      /rules\['r1'\]\.set\[0\]: 'value' must be a JSON value \(numbers finite: 1e400 is not\)/,
    );
  });

  it('accepts pointers with escapes and empty segments, and refuses a bad escape after a long run', () => {
    const ok = (from: string) => parseHookConfig({ rules: [rule({ set: [{ claim: 'a', token: 'access', from }] })] });

    expect(() => ok('/a~0b/~1c//d')).not.toThrow();
    expect(() => ok('/')).not.toThrow();
    expect(() => ok(`${'/a'.repeat(5_000)}~2`)).toThrow(/JSON pointer/);
    expect(() => ok('a/b')).toThrow(/JSON pointer/);
  });

  it('refuses text that is not JSON without echoing it', () => {
    expect(() => parseHookConfig('{secret-ish')).toThrow(/^hook config is not valid JSON/);
    try {
      parseHookConfig('{secret-ish');
    } catch (error) {
      expect(String(error)).not.toContain('secret-ish');
    }
  });

  it('exposes the schema for the CDK config to embed', () => {
    expect(HookConfigSchema.safeParse({ rules: [rule({ when: { grantTypes: ['client_credentials'] } })] }).success).toBe(true);
  });
});
