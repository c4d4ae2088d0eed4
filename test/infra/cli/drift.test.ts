import { describe, expect, it } from 'vitest';
import { findDrift, type ObservedState } from '../../../infra/cli/drift.js';
import type { AuthorizationServerPolicyRule, InlineHook } from '../../../lambda/okta/schemas.js';

const URL = 'https://abc.lambda-url.eu-west-1.on.aws/';

function hook(overrides: Partial<InlineHook> = {}): InlineHook {
  return {
    id: 'calOURS',
    name: 'okta-token-hook-prod',
    status: 'ACTIVE',
    type: 'com.okta.oauth2.tokens.transform',
    version: '1.0.0',
    channel: { type: 'HTTP', version: '1.0.0', config: { uri: URL } },
    ...overrides,
  };
}

function rule(hookId?: string): AuthorizationServerPolicyRule {
  return {
    id: '0prRULE',
    name: 'Default Policy Rule',
    type: 'RESOURCE_ACCESS',
    conditions: {},
    actions: { token: hookId ? { inlineHook: { id: hookId } } : {} },
  };
}

function observed(state: Partial<ObservedState>): ObservedState {
  return { rule: rule('calOURS'), hooksById: new Map(), ...state };
}

const expected = { environment: 'prod', name: 'okta-token-hook-prod', url: URL };

describe('findDrift', () => {
  it('finds none when the active hook calls the deployed URL and the rule calls it', () => {
    expect(findDrift(expected, observed({ hook: hook() }))).toEqual([]);
  });

  it('treats URLs that differ only in form as the same', () => {
    const drift = findDrift({ ...expected, url: 'HTTPS://abc.lambda-url.eu-west-1.on.aws' }, observed({ hook: hook() }));

    expect(drift).toEqual([]);
  });

  it('reports a missing hook and a rule that calls no hook', () => {
    const drift = findDrift(expected, observed({ rule: rule() }));

    expect(drift.map((d) => d.kind)).toEqual(['hook-missing', 'rule-detached']);
    expect(drift[0]?.message).toContain('npx cdk deploy -c env=prod');
  });

  it('reports an inactive hook', () => {
    const drift = findDrift(expected, observed({ hook: hook({ status: 'INACTIVE' }) }));

    expect(drift.map((d) => d.kind)).toEqual(['hook-inactive']);
  });

  it('reports a hook that calls another URL than the deployed Function URL', () => {
    const moved = hook({ channel: { type: 'HTTP', version: '1.0.0', config: { uri: 'https://old.example.com/hook' } } });

    const drift = findDrift(expected, observed({ hook: moved }));

    expect(drift.map((d) => d.kind)).toEqual(['url-differs']);
    expect(drift[0]?.message).toContain('https://old.example.com/hook');
  });

  it('does not judge the URL when the deployed one is unknown', () => {
    const moved = hook({ channel: { type: 'HTTP', version: '1.0.0', config: { uri: 'https://old.example.com/hook' } } });

    expect(findDrift({ environment: 'prod', name: expected.name }, observed({ hook: moved }))).toEqual([]);
  });

  it('names the other hook a rule calls', () => {
    const other = hook({ id: 'calOTHER', name: 'someone-elses-hook' });

    const drift = findDrift(expected, observed({ hook: hook(), rule: rule('calOTHER'), hooksById: new Map([['calOTHER', other]]) }));

    expect(drift.map((d) => d.kind)).toEqual(['other-hook-on-rule']);
    expect(drift[0]?.message).toContain("'someone-elses-hook' (calOTHER)");
  });
});
