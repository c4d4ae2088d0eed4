import type { RuleLocation } from '../okta/okta-api.js';
import { verificationEventId } from '../token-hook/verification.js';

/**
 * A representative token hook request (contract §1, shaped like the spec's TokenPayLoadExample) for the
 * authorization-code flow of a user, as Okta sends it (from `/authorize`, `response_type=code`, no
 * `grant_type`), aimed at the rule we attach to, so the hook's claim rules see what Okta would send them.
 * The registrar sends it through Okta's `/execute`. Its eventId marks it as a verification, so a claim
 * logic that fails on it answers with the reason instead of failing open (token-hook/verification.ts).
 */
export function sampleTokenRequest(orgUrl: string, location: RuleLocation, now: Date = new Date()): object {
  const org = orgUrl.replace(/\/+$/, '');
  const issuer = `${org}/oauth2/${location.authServerId}`;
  const eventTime = now.toISOString();
  const epoch = Math.floor(now.getTime() / 1000);
  const userId = '00uregistrarcheck001';
  const authorize = `${issuer}/v1/authorize`;
  const query = new URLSearchParams({
    client_id: '0oaregistrarcheck01',
    response_type: 'code',
    scope: 'openid profile email',
    redirect_uri: 'https://example.com/callback',
    state: 'registrar-verify',
  });
  return {
    source: authorize,
    eventId: verificationEventId(now),
    eventTime,
    eventTypeVersion: '1.0',
    cloudEventVersion: '0.1',
    contentType: 'application/json',
    eventType: 'com.okta.oauth2.tokens.transform',
    data: {
      context: {
        request: {
          id: `reqRegistrarVerify${epoch}`,
          method: 'GET',
          url: { value: `${authorize}?${query.toString()}` },
          ipAddress: '127.0.0.1',
        },
        protocol: {
          type: 'OAUTH2.0',
          request: {
            scope: 'openid profile email',
            state: 'registrar-verify',
            redirect_uri: 'https://example.com/callback',
            response_mode: 'query',
            response_type: 'code',
            client_id: '0oaregistrarcheck01',
          },
          issuer: { uri: issuer },
          client: { id: '0oaregistrarcheck01', name: 'Registrar verification', type: 'PUBLIC' },
        },
        session: {
          id: '102registrarcheck',
          userId,
          login: 'verify@example.com',
          createdAt: eventTime,
          expiresAt: eventTime,
          status: 'ACTIVE',
          lastPasswordVerification: eventTime,
          amr: ['PASSWORD'],
          idp: { id: '00oregistrarcheck01', type: 'OKTA' },
          mfaActive: false,
        },
        user: {
          id: userId,
          passwordChanged: eventTime,
          profile: {
            login: 'verify@example.com',
            firstName: 'Registrar',
            lastName: 'Check',
            locale: 'en',
            timeZone: 'UTC',
          },
          _links: {
            groups: { href: `${org}/api/v1/users/${userId}/groups` },
            factors: { href: `${org}/api/v1/users/${userId}/factors` },
          },
        },
        policy: { id: location.policyId, rule: { id: location.ruleId } },
      },
      identity: {
        claims: {
          sub: userId,
          name: 'Registrar Check',
          email: 'verify@example.com',
          ver: 1,
          iss: issuer,
          aud: '0oaregistrarcheck01',
          jti: `ID.registrar-verify-${epoch}`,
          amr: ['pwd'],
          idp: '00oregistrarcheck01',
          nonce: 'registrar-verify',
          preferred_username: 'verify@example.com',
          auth_time: epoch,
        },
        token: { lifetime: { expiration: 3600 } },
      },
      access: {
        claims: {
          ver: 1,
          jti: `AT.registrar-verify-${epoch}`,
          iss: issuer,
          aud: 'api://default',
          cid: '0oaregistrarcheck01',
          uid: userId,
          sub: 'verify@example.com',
        },
        token: { lifetime: { expiration: 3600 } },
        scopes: {
          openid: { id: 'scpregistrarcheck01', action: 'GRANT' },
          profile: { id: 'scpregistrarcheck02', action: 'GRANT' },
          email: { id: 'scpregistrarcheck03', action: 'GRANT' },
        },
      },
    },
  };
}
