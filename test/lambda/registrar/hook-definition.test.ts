import { describe, expect, it } from 'vitest';
import type { InlineHook } from '../../../lambda/okta/schemas.js';
import { desiredHook, hookDifferences, PREVIOUS_HOOK_HEADER, previousHookOf } from '../../../lambda/registrar/hook-definition.js';
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

describe('previousHookOf', () => {
  it('reads the displaced hook from the header the registrar keeps on its hook', () => {
    expect(previousHookOf(stored([{ key: PREVIOUS_HOOK_HEADER.toLowerCase(), value: 'calPrevious' }]))).toBe('calPrevious');
    expect(previousHookOf(stored([{ key: 'X-Environment', value: 'dev' }]))).toBeUndefined();
  });
});
