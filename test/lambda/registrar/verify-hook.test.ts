import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { HookVerificationError } from '../../../lambda/registrar/errors.js';
import { sampleTokenRequest } from '../../../lambda/registrar/sample-token-request.js';
import { verifyHook } from '../../../lambda/registrar/verify-hook.js';

/** A hook endpoint that answers with the scripted answers in turn (the last one repeats). */
async function scriptedHook(answers: { status: number; body?: unknown }[]): Promise<{ url: string; requests: () => number; server: Server }> {
  let requests = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const answer = answers[Math.min(requests, answers.length - 1)]!;
      requests += 1;
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests: () => requests, server };
}

const GOOD = { status: 200, body: { commands: [{ type: 'com.okta.access.patch', value: [{ op: 'add', path: '/claims/team', value: 'a' }] }] } };
const location = { authServerId: 'default', policyId: 'p', ruleId: 'r' };
const fast = { sleep: () => Promise.resolve(), now: Date.now, log: () => undefined };

let sim: OktaSimulator;
let api: OktaApi;
let hook: Awaited<ReturnType<typeof scriptedHook>> | undefined;

beforeEach(async () => {
  sim = await startOktaSimulator({ hookTimeoutMs: 500 });
  api = createOktaClient({ credentials: { orgUrl: sim.url, apiToken: sim.apiToken } });
});
afterEach(async () => {
  hook?.server.close();
  await sim.close();
});

async function register(answers: { status: number; body?: unknown }[]): Promise<string> {
  hook = await scriptedHook(answers);
  const created = await api.createInlineHook({ name: 'verify test', uri: hook.url, authHeader: 'Authorization', authValue: 'k' });
  return created.id;
}

describe('verifyHook', () => {
  it('accepts a valid answer after a cold start failed the first tries', async () => {
    const hookId = await register([{ status: 500 }, { status: 500 }, { status: 502 }, GOOD]);

    await verifyHook(api, hookId, sampleTokenRequest(sim.url, location), { tries: 3, delayMs: 1, withinMs: 5_000 }, fast);

    expect(hook!.requests()).toBe(4);
  });

  it('gives up after the tries it was given, saying what Okta answered', async () => {
    const hookId = await register([{ status: 500 }]);

    const verifying = verifyHook(api, hookId, sampleTokenRequest(sim.url, location), { tries: 2, delayMs: 1, withinMs: 5_000 }, fast);

    await expect(verifying).rejects.toThrow(HookVerificationError);
    await expect(verifying).rejects.toThrow(/did not answer okta's \/execute with a valid 200 \(okta answered \d{3}/);
  });

  it('fails at once when the hook answers with an error object', async () => {
    const hookId = await register([{ status: 200, body: { error: { errorSummary: 'claims service unavailable' } } }]);

    await expect(
      verifyHook(api, hookId, sampleTokenRequest(sim.url, location), { tries: 3, delayMs: 1, withinMs: 5_000 }, fast),
    ).rejects.toThrow(/answered okta's \/execute with an error \("claims service unavailable"\)/);
    expect(hook!.requests()).toBe(1);
  });

  it('fails at once when the hook fails open, naming the error class from its debugContext', async () => {
    const hookId = await register([{ status: 200, body: { debugContext: { failedOpen: 'TypeError' } } }]);

    const verifying = verifyHook(api, hookId, sampleTokenRequest(sim.url, location), { tries: 3, delayMs: 1, withinMs: 5_000 }, fast);

    await expect(verifying).rejects.toThrow(HookVerificationError);
    await expect(verifying).rejects.toThrow(/failed open on okta's \/execute \(TypeError\)/);
    expect(hook!.requests()).toBe(1);
  });

  it('fails when the answer is not a token hook response (a legacy command type)', async () => {
    const hookId = await register([{ status: 200, body: { commands: [{ type: 'com.okta.tokens.id_token.patch', value: [] }] } }]);

    await expect(
      verifyHook(api, hookId, sampleTokenRequest(sim.url, location), { tries: 3, delayMs: 1, withinMs: 5_000 }, fast),
    ).rejects.toThrow(/not a token hook response \(commands\.0\.type/);
  });
});
