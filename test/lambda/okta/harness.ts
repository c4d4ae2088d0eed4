import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportPKCS8, generateKeyPair, type JWK } from 'jose';
import { expect } from 'vitest';
import { startOktaSimulator, type OktaSimulator, type SimCall } from '../../../infra/local/okta-simulator/index.js';
import { createOktaClient, type OktaClientOptions } from '../../../lambda/okta/client.js';
import type { OktaCredentials } from '../../../lambda/okta/credentials.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { assertMatchesSpec, channelSpecErrors, operationSchemaName } from '../../support/okta-spec.js';

/** Shared set-up of the simulator-backed client tests: a simulator, a client with recorded waits and logs. */

export interface Harness {
  readonly sim: OktaSimulator;
  readonly api: OktaApi;
  /** Waits the client asked for (the injected sleep returns at once). */
  readonly waits: number[];
  readonly logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    credentials?: (sim: OktaSimulator) => OktaCredentials | Promise<OktaCredentials>;
    client?: Partial<OktaClientOptions>;
    hookTimeoutMs?: number;
  } = {},
): Promise<Harness> {
  const sim = await startOktaSimulator({ ...(options.hookTimeoutMs ? { hookTimeoutMs: options.hookTimeoutMs } : {}) });
  const waits: number[] = [];
  const logs: Record<string, unknown>[] = [];
  const api = createOktaClient({
    credentials: (await options.credentials?.(sim)) ?? { orgUrl: sim.url, apiToken: sim.apiToken },
    sleep: async (ms) => {
      waits.push(ms);
    },
    log: (event) => logs.push({ ...event }),
    random: () => 0.5,
    ...options.client,
  });
  return { sim, api, waits, logs, close: () => sim.close() };
}

/** A service app registered with the simulator and the credentials that go with it. */
export async function serviceApp(
  sim: OktaSimulator,
  app: { clientId: string; scopes?: string[]; requireDpop?: boolean; credentialScopes?: string[]; alg?: 'ES256' | 'RS256' },
): Promise<OktaCredentials> {
  // ES256 by default: an RSA key pair takes a noticeable part of a second to generate.
  const { privateKey, publicKey } = await generateKeyPair(app.alg ?? 'ES256', { extractable: true });
  const publicJwk: JWK = { ...(await exportJWK(publicKey)), kid: `${app.clientId}-key` };
  sim.addServiceApp({
    clientId: app.clientId,
    publicJwk,
    scopes: app.scopes ?? ['okta.inlineHooks.manage', 'okta.inlineHooks.read', 'okta.authorizationServers.manage', 'okta.authorizationServers.read'],
    ...(app.requireDpop !== undefined ? { requireDpop: app.requireDpop } : {}),
  });
  return {
    orgUrl: sim.url,
    clientId: app.clientId,
    privateKey: await exportPKCS8(privateKey),
    keyId: `${app.clientId}-key`,
    scopes: app.credentialScopes ?? ['okta.inlineHooks.manage', 'okta.inlineHooks.read', 'okta.authorizationServers.manage', 'okta.authorizationServers.read'],
  };
}

// Spec path template and method of each operation whose request has a body, by the spec's operationId.
const REQUEST_OPERATIONS: Record<string, [string, string]> = {
  createInlineHook: ['/api/v1/inlineHooks', 'post'],
  replaceInlineHook: ['/api/v1/inlineHooks/{inlineHookId}', 'put'],
  replaceAuthorizationServerPolicyRule: ['/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}', 'put'],
  createHookKey: ['/api/v1/hook-keys', 'post'],
};
// Operations outside the copy's paths, by the full spec's request schema.
const REQUEST_SCHEMAS: Record<string, string> = {
  createOAuth2ClientSecret: 'OAuth2ClientSecretRequestBody',
  addJwk: 'OAuth2ClientJsonWebKeyRsaRequest',
};

/** Every JSON body the client sent validates against the request schema of its operation in Okta's spec. */
export function expectRequestsMatchSpec(calls: readonly SimCall[]): number {
  let checked = 0;
  for (const call of calls) {
    const operation = REQUEST_OPERATIONS[call.operationId];
    const named = REQUEST_SCHEMAS[call.operationId];
    if ((!operation && !named) || call.body === undefined) continue;
    const schema = named ?? operationSchemaName(operation![0], operation![1], 'request');
    expect(schema, `spec request schema of ${call.operationId}`).toBeDefined();
    assertMatchesSpec(schema!, call.body);
    const channel = (call.body as { channel?: { type?: unknown } }).channel;
    if (channel) expect(channelSpecErrors(channel), `channel of ${call.operationId}`).toBe('');
    checked++;
  }
  return checked;
}

export function callsOf(sim: OktaSimulator, operationId: string): SimCall[] {
  return sim.calls.filter((call) => call.operationId === operationId);
}

/** A token hook on loopback whose behaviour a test sets per request. */
export interface HookServer {
  readonly url: string;
  readonly requests: { headers: IncomingMessage['headers']; body: unknown }[];
  respond: (response: ServerResponse) => void;
  close(): Promise<void>;
}

export async function startHookServer(): Promise<HookServer> {
  const hook: HookServer = {
    url: '',
    requests: [],
    respond: (response) => response.writeHead(204).end(),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hook.requests.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') });
      hook.respond(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (hook as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token-hook`;
  return hook;
}
