import { AwsV4Signer } from 'aws4fetch';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureProblem } from '../../../infra/local/secrets-manager/sigv4.js';
import { signRequest, type SignInput } from '../../../lambda/shared/sigv4.js';

// The hook's own SigV4 signer, held to two independent implementations: aws4fetch (a maintained
// signing library) and the local Secrets Manager's verifier, which checks signatures as AWS does.

const DATE = new Date('2026-11-28T10:20:30.456Z');

const text = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9+/=_.-]{${min},${max}}$`));

const signInput = fc.record({
  host: fc.constantFrom('secretsmanager.eu-west-1.amazonaws.com', '127.0.0.1:4566', 'localhost:8080'),
  path: fc.array(fc.stringMatching(/^[A-Za-z0-9 ._~%!*'()-]{0,8}$/), { maxLength: 3 }),
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
  accessKeyId: text(4, 24),
  secretAccessKey: text(8, 48),
  sessionToken: fc.option(text(8, 120), { nil: undefined }),
  target: fc.constantFrom('secretsmanager.GetSecretValue', 'secretsmanager.DescribeSecret'),
  body: fc.json(),
});

type Drawn = typeof signInput extends fc.Arbitrary<infer T> ? T : never;

function inputOf(drawn: Drawn): SignInput {
  return {
    method: 'POST',
    url: new URL(`http://${drawn.host}/${drawn.path.map(encodeURIComponent).join('/')}`),
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': drawn.target },
    body: drawn.body,
    credentials: { accessKeyId: drawn.accessKeyId, secretAccessKey: drawn.secretAccessKey, ...(drawn.sessionToken ? { sessionToken: drawn.sessionToken } : {}) },
    region: drawn.region,
    service: 'secretsmanager',
    date: DATE,
  };
}

describe('signRequest', () => {
  it('signs exactly as aws4fetch does, headers and all', async () => {
    await fc.assert(
      fc.asyncProperty(signInput, async (drawn) => {
        const input = inputOf(drawn);

        const ours = signRequest(input);
        const reference = await new AwsV4Signer({
          method: input.method,
          url: input.url.href,
          headers: input.headers,
          body: input.body,
          ...input.credentials,
          service: input.service,
          region: input.region,
          datetime: '20261128T102030Z',
          // aws4fetch leaves content-type unsigned unless told; we sign every header we send.
          allHeaders: true,
        }).sign();

        expect(ours['authorization']).toBe(reference.headers.get('authorization'));
        expect(ours['x-amz-date']).toBe('20261128T102030Z');
        expect(ours['x-amz-security-token']).toBe(input.credentials.sessionToken);
      }),
      { numRuns: 200 },
    );
  });

  it('passes the signature check of the local Secrets Manager, and fails it once the body changes', () => {
    const input = inputOf({ host: '127.0.0.1:4566', path: [], region: 'us-east-1', accessKeyId: 'local', secretAccessKey: 'local', sessionToken: 'session', target: 'secretsmanager.GetSecretValue', body: '{"SecretId":"arn"}' });
    const headers = signRequest(input);
    const request = { method: 'POST', url: '/', headers };
    const secretFor = (id: string) => (id === 'local' ? 'local' : undefined);

    const accepted = signatureProblem({ ...request, body: input.body }, secretFor, DATE.getTime());
    const tampered = signatureProblem({ ...request, body: '{"SecretId":"other"}' }, secretFor, DATE.getTime());

    expect(accepted).toBeUndefined();
    expect(tampered).toBe('the signature does not match the request');
  });
});
