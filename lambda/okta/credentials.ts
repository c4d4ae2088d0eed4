import * as z from 'zod';
import { DEFAULT_SCOPES } from './scopes.js';

/**
 * The credentials JSON the user keeps in Secrets Manager: an SSWS API token, or an OAuth 2.0 service
 * app (client_credentials with a private_key_jwt assertion). Strict objects: a misspelt key is an error,
 * not a silently ignored setting.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** The org's origin, e.g. `https://example.okta.com`; plain http only on loopback (the simulator). */
export const OrgUrlSchema = z
  .string()
  .transform((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'orgUrl is not a URL: give the org origin, e.g. https://example.okta.com' });
      return z.NEVER;
    }
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
    if (!secure) {
      ctx.addIssue({ code: 'custom', message: 'orgUrl must use https (plain http is allowed only on loopback)' });
    }
    if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'orgUrl must be the org origin only, without path, query or user info' });
    }
    return url.origin;
  });

export const SswsCredentialsSchema = z.strictObject({
  orgUrl: OrgUrlSchema,
  apiToken: z.string().min(1, 'apiToken is empty'),
});
export type SswsCredentials = z.infer<typeof SswsCredentialsSchema>;

/** A private JWK as Okta's admin console shows it (RSA or EC); `kid` is used when `keyId` is absent. */
export const PrivateJwkSchema = z.looseObject({
  kty: z.enum(['RSA', 'EC']),
  d: z.string().min(1, 'the JWK has no private part (d)'),
  kid: z.string().optional(),
});

export const ServiceAppCredentialsSchema = z.strictObject({
  orgUrl: OrgUrlSchema,
  clientId: z.string().min(1, 'clientId is empty'),
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a private JWK. */
  privateKey: z.union([z.string().includes('PRIVATE KEY', { message: 'privateKey must be a PEM private key' }), PrivateJwkSchema], {
    error: 'privateKey must be a PEM private key or a private RSA or EC JWK',
  }),
  /** The key id registered on the service app (sent as the assertion's `kid`). */
  keyId: z.string().min(1).optional(),
  scopes: z.array(z.string().min(1)).min(1).default([...DEFAULT_SCOPES]),
});
export type ServiceAppCredentials = z.infer<typeof ServiceAppCredentialsSchema>;

const EXPECTED_FORMS =
  'expected {"orgUrl","apiToken"} (SSWS) or {"orgUrl","clientId","privateKey","keyId"?,"scopes"?} (service app)';

interface UnionIssue {
  readonly input: unknown;
  readonly errors: readonly (readonly { readonly path: readonly PropertyKey[]; readonly message: string }[])[];
}

/** Explains a failed union by the form the input was meant to be; values never appear, only keys. */
function describeUnionFailure(issue: UnionIssue): string {
  const input = (typeof issue.input === 'object' && issue.input !== null ? issue.input : {}) as Record<string, unknown>;
  const branch = 'apiToken' in input ? 0 : 'clientId' in input || 'privateKey' in input ? 1 : undefined;
  if (branch === undefined) return `neither apiToken nor clientId given: ${EXPECTED_FORMS}`;
  const problems = (issue.errors[branch] ?? []).map((e) => (e.path.length ? `${e.path.join('.')}: ${e.message}` : e.message));
  return `${branch === 0 ? 'SSWS' : 'service app'} form: ${problems.join('; ')}`;
}

export const OktaCredentialsSchema = z.union([SswsCredentialsSchema, ServiceAppCredentialsSchema], {
  error: (issue) => (issue.code === 'invalid_union' ? describeUnionFailure(issue as unknown as UnionIssue) : undefined),
});
export type OktaCredentials = z.infer<typeof OktaCredentialsSchema>;

export function isServiceApp(credentials: OktaCredentials): credentials is ServiceAppCredentials {
  return 'clientId' in credentials;
}

/** Credentials that cannot be used; the message names keys and rules, never values. */
export class OktaCredentialsError extends Error {
  override readonly name = 'OktaCredentialsError';
}

/** Parses the secret's text; throws `OktaCredentialsError` saying what to fix. */
export function parseOktaCredentials(text: string): OktaCredentials {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OktaCredentialsError(`okta credentials are not JSON: ${EXPECTED_FORMS}`);
  }
  const result = OktaCredentialsSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
    throw new OktaCredentialsError(`okta credentials are invalid: ${problems.join('; ')}`);
  }
  return result.data;
}
