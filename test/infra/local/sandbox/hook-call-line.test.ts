import { describe, expect, it } from 'vitest';
import { describeHookCall } from '../../../../infra/local/sandbox/hook-call-line.js';

describe('describeHookCall', () => {
  it('names the claims each command adds, replaces or removes, per token', () => {
    const body = JSON.stringify({
      commands: [
        { type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/login' }, { op: 'replace', path: '/token/lifetime/expiration' }] },
        { type: 'com.okta.identity.patch', value: [{ op: 'remove', path: '/claims/email' }] },
      ],
    });

    expect(describeHookCall({ statusCode: 200, body })).toBe('200 access: +login ~lifetime; identity: -email');
  });

  it('says what a 204, a 401 and a denial mean for the token', () => {
    expect(describeHookCall({ statusCode: 204 })).toBe('204 no change: the token is issued as it is');
    expect(describeHookCall({ statusCode: 401, body: '' })).toMatch(/^401 rejected/);
    expect(describeHookCall({ statusCode: 200, body: '{"error":{"errorSummary":"retired app"}}' })).toBe(
      '200 denied: "retired app", Okta issues no token',
    );
    expect(describeHookCall({ statusCode: 200, body: '{"debugContext":{"failedOpen":"TypeError"}}' })).toBe(
      '200 failed open (TypeError): the token is issued as it is',
    );
  });
});
