import { describe, expect, it } from 'vitest';
import type { InlineHook } from '../../../lambda/okta/schemas.js';
import {
  desiredHook,
  encodePreviousHooks,
  hookDifferences,
  PREVIOUS_HOOK_HEADER,
  previousHeader,
  previousHookFor,
  previousHooksOf,
} from '../../../lambda/registrar/hook-definition.js';
import { parseProperties } from '../../../lambda/registrar/properties.js';
import { loadFixture } from '../../support/fixtures.js';

const properties = parseProperties(loadFixture<{ ResourceProperties: unknown }>('registrar', 'create').ResourceProperties);

/** The hook as Okta answers: lower-cased auth scheme, no key. */
function stored(headers: { key: string; value: string }[]): InlineHook {
  return {
    id: 'cal1',
    status: 'ACTIVE',
    name: properties.HookName,
    type: 'com.okta.oauth2.tokens.transform',
    version: '1.0.0',
    channel: {
      type: 'HTTP',
      version: '1.0.0',
      config: { uri: properties.HookUrl, method: 'POST', headers, authScheme: { type: 'header', key: 'authorization' } },
    },
  };
}

describe('hookDifferences', () => {
  it('finds none between the wanted hook and what Okta stored, whatever the case of the auth scheme', () => {
    const want = desiredHook(properties, 'calPrevious');

    expect(hookDifferences(stored([...want.headers!]), want)).toEqual([]);
  });

  it('names each field that differs', () => {
    const want = desiredHook({ ...properties, HookName: 'new', HookUrl: 'https://new.example.com/', AuthHeader: 'X-Key' }, undefined);

    expect(hookDifferences(stored([]), want)).toEqual(['name', 'url', 'auth header', 'headers']);
  });
});

describe('the displaced hooks recorded on our hook', () => {
  const header = (value: string) => stored([{ key: PREVIOUS_HOOK_HEADER.toLowerCase(), value }]);

  it('reads one displaced hook per rule from the header the registrar keeps on its hook', () => {
    const previous = previousHooksOf(header('0prA=calA,0prB=calB'));

    expect(previousHookFor(previous, '0prA')).toBe('calA');
    expect(previousHookFor(previous, '0prB')).toBe('calB');
    expect(previousHookFor(previous, '0prC')).toBeUndefined();
    expect(previousHooksOf(stored([{ key: 'X-Environment', value: 'dev' }])).size).toBe(0);
  });

  it('reads the bare id of the single-target releases as the hook displaced on the rule', () => {
    expect(previousHookFor(previousHooksOf(header('calPrevious')), '0prAny')).toBe('calPrevious');
  });

  it('keeps a bare id as stored when it means the same, so an update of an old stack writes nothing', () => {
    expect(previousHeader(new Map([['0prA', 'calPrevious']]), 'calPrevious', ['0prA'])).toBe('calPrevious');
  });

  it('writes pairs, sorted by rule, once the rules or their displaced hooks change', () => {
    const previous = new Map([
      ['0prB', 'calB'],
      ['0prA', 'calPrevious'],
    ]);

    expect(previousHeader(previous, 'calPrevious', ['0prA', '0prB'])).toBe('0prA=calPrevious,0prB=calB');
    expect(previousHeader(new Map(), 'calPrevious', ['0prA'])).toBeUndefined();
    expect(encodePreviousHooks(new Map())).toBeUndefined();
  });
});
