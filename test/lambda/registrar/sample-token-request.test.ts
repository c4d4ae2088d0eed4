import { describe, expect, it } from 'vitest';
import { sampleTokenRequest } from '../../../lambda/registrar/sample-token-request.js';
import { TokenHookRequestSchema } from '../../../lambda/token-hook/request-schema.js';
import { grantTypeOf } from '../../../lambda/token-hook/request-values.js';
import { isVerificationRequest } from '../../../lambda/token-hook/verification.js';
import { specErrors, specExample } from '../../support/okta-spec.js';

describe('sampleTokenRequest', () => {
  const location = { authServerId: 'aus1example', policyId: '00p1example', ruleId: '0pr1example' };

  it('is a valid TokenRequest of the Okta spec', () => {
    const request = sampleTokenRequest('https://example.okta.com', location, new Date('2026-01-02T03:04:05Z'));

    expect(specErrors('TokenRequest', request)).toBe('');
  });

  it('has the shape of the spec example, with the target rule as the policy context', () => {
    const example = specExample<Record<string, unknown>>('TokenPayLoadExample');

    const request = sampleTokenRequest('https://example.okta.com/', location) as typeof example & {
      data: { context: { policy: unknown }; identity: unknown; access: unknown };
    };

    expect(Object.keys(request).sort()).toEqual(Object.keys(example).sort());
    expect(request.data.context.policy).toEqual({ id: '00p1example', rule: { id: '0pr1example' } });
    expect(request.data.identity).toBeDefined();
    expect(request.data.access).toBeDefined();
  });

  it('is an authorization-code request as Okta sends it, which the hook reads as authorization_code', () => {
    const request = TokenHookRequestSchema.parse(sampleTokenRequest('https://example.okta.com', location));

    expect(request.source).toBe('https://example.okta.com/oauth2/aus1example/v1/authorize');
    expect(request.data.context.protocol?.request).not.toHaveProperty('grant_type');
    expect(grantTypeOf(request)).toBe('authorization_code');
  });

  it('carries an eventId that marks it as a verification, unlike the eventIds Okta makes', () => {
    const request = sampleTokenRequest('https://example.okta.com', location) as { eventId: string };

    expect(isVerificationRequest(request.eventId)).toBe(true);
    expect(isVerificationRequest(specExample<{ eventId: string }>('TokenPayLoadExample').eventId)).toBe(false);
  });
});
