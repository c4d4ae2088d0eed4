import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOktaClient } from '../../../lambda/okta/client.js';
import { OktaApiError } from '../../../lambda/okta/errors.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { loadFixture } from '../../support/fixtures.js';
import { rejectionOf } from '../../support/rejection.js';

/** Answers Okta recorded against real orgs, one per errorCode (and object kind) the recordings hold. */
interface RecordedError {
  scenario: string;
  path: string;
  status: number;
  body: { errorCode: string; errorSummary: string };
}
const recorded = loadFixture<{ errors: RecordedError[] }>('okta', 'recorded-errors').errors;
const answer = (code: string, path: string): RecordedError => {
  const found = recorded.find((error) => error.body.errorCode === code && error.path.startsWith(path));
  if (!found) throw new Error(`no recorded ${code} for ${path}`);
  return found;
};

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A client whose org answers every call with one recorded error. */
async function clientAnswering(error: RecordedError): Promise<OktaApi> {
  server = createServer((request, response) => {
    request.resume();
    response.writeHead(error.status, { 'content-type': 'application/json', 'x-okta-request-id': 'recorded-1' });
    response.end(JSON.stringify(error.body));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return createOktaClient({ credentials: { orgUrl: `http://127.0.0.1:${port}`, apiToken: '00recorded-token-never-shown' }, sleep: async () => undefined, random: () => 0.5 });
}

const failure = (promise: Promise<unknown>) => rejectionOf(promise, OktaApiError);

describe('the advice on the Okta errors of the recordings', () => {
  it('has a recorded answer for each errorCode the tests below cover', () => {
    const codes = new Set(recorded.map((error) => error.body.errorCode));

    expect([...codes].sort()).toEqual(['E0000007', 'E0000015']);
  });

  it.each([
    ['listAuthorizationServers', (api: OktaApi) => api.listAuthorizationServers()],
    ['getAuthorizationServer', (api: OktaApi) => api.getAuthorizationServer('default')],
    ['listPolicies', (api: OktaApi) => api.listPolicies('default')],
    ['getPolicyRule', (api: OktaApi) => api.getPolicyRule('default', '00p1', '0pr1')],
  ])('names API Access Management, not the token, on E0000015 from %s (a classic org without it)', async (_, call) => {
    const api = await clientAnswering(answer('E0000015', '/api/v1/authorizationServers'));

    const error = await failure(call(api));

    expect(error).toMatchObject({ status: 401, errorCode: 'E0000015' });
    expect(error.message).toContain('API Access Management (custom authorization servers');
    expect(error.message).toContain('is not enabled for this org');
    expect(error.message).not.toContain('check that the API token is valid');
    expect(error.message).not.toContain('00recorded-token-never-shown');
  });

  it('names the missing feature on E0000015 from an inline hook call', async () => {
    const api = await clientAnswering(answer('E0000015', '/api/v1/authorizationServers'));

    const error = await failure(api.listInlineHooks());

    expect(error.message).toContain('the org lacks the feature this call needs (token inline hooks need API Access Management');
    expect(error.message).not.toContain('check that the API token is valid');
  });

  it('names a missing authorization server on its recorded E0000007', async () => {
    const recordedAnswer = answer('E0000007', '/api/v1/authorizationServers');
    const api = await clientAnswering(recordedAnswer);

    const error = await failure(api.getAuthorizationServer('aus95ubecvAAv8PTV1d7'));

    expect(error).toMatchObject({ status: 404, errorCode: 'E0000007', isNotFound: true });
    expect(error.message).toContain(recordedAnswer.body.errorSummary);
    expect(error.message).toContain('the authorization server does not exist (any more); check the authorization server of the target');
  });

  it('names a missing inline hook on its recorded E0000007', async () => {
    const api = await clientAnswering(answer('E0000007', '/api/v1/inlineHooks'));

    const error = await failure(api.getInlineHook('cal95v3nmoKRbVU7L1d7'));

    expect(error).toMatchObject({ status: 404, errorCode: 'E0000007' });
    expect(error.message).toContain('the inline hook does not exist (any more), maybe deleted outside this stack');
  });
});
