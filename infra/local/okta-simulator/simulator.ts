import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { ApiTokens } from './api-tokens.js';
import { ServiceApps } from './apps.js';
import { authorizationServerPolicyRoutes } from './authorization-server-policies.js';
import { findRule } from './authorization-servers.js';
import { CustomServerTokens } from './custom-server-tokens.js';
import { OktaSimError } from './errors.js';
import { executeInlineHook } from './execute.js';
import { Faults, type FaultSpec } from './faults.js';
import { HookKeys } from './hook-keys.js';
import { managementRoutes } from './management-routes.js';
import { mintTokens, MintRequestSchema, type HookCallReport, type MintRequest, type MintResult } from './mint.js';
import type { SimAuthorizationServer, SimInlineHook, SimServiceApp, SimState } from './model.js';
import { OAuthServer } from './oauth-server.js';
import { DEFAULT_RATE_LIMIT_PER_MINUTE, RateLimits } from './rate-limits.js';
import { parseBody } from './request-validation.js';
import { Router, type Route } from './router.js';
import { seedState } from './seed.js';
import { createRequestListener, type SimCall } from './server.js';
import { simRoutes } from './sim-routes.js';
import { recordHookCall, SystemLog, systemLogRoute, withLifecycleEvents, type SimLogEvent } from './system-log.js';

/** Okta's inline-hook timeout. */
export const DEFAULT_HOOK_TIMEOUT_MS = 3000;

export interface OktaSimulatorOptions {
  /** @default 0 (an ephemeral port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Requests per minute per bucket. @default 600 (Okta's catch-all `/api/v1` bucket) */
  rateLimitPerMinute?: number;
  /** @default 3000 (Okta's) */
  hookTimeoutMs?: number;
  /**
   * `false` starts a classic org without API Access Management: no custom authorization servers, and
   * every `/api/v1/authorizationServers` call answers 401 `E0000015`, as real classic orgs do.
   * @default true
   */
  apiAccessManagement?: boolean;
  log?: (line: object) => void;
}

export interface OktaSimulator {
  /** The org URL, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** An SSWS token with every permission. */
  readonly apiToken: string;
  /** An SSWS token limited to these OAuth scopes (403 `E0000006` elsewhere); every permission without. */
  addApiToken(options?: { scopes?: string[] }): string;
  /** A service app that gets access tokens at `/oauth2/v1/token` with private_key_jwt (and DPoP if required). */
  addServiceApp(app: { clientId: string; publicJwk: JWK; scopes: string[]; requireDpop?: boolean }): void;
  /** The next `count` calls to `operationId` fail (see README "Okta simulator"). */
  injectFault(fault: FaultSpec): void;
  /** Runs `edit` on the stored rule right after the next successful rule GET is answered. */
  editRuleBetweenReadAndWrite(edit: (rule: Record<string, unknown>) => void): void;
  /** Deep copies of the state; hooks include their stored secret (`authValue`, `clientSecret`). */
  snapshot(): { inlineHooks: SimInlineHook[]; authorizationServers: SimAuthorizationServer[] };
  readonly calls: readonly SimCall[];
  /** Okta's System Log so far (`/api/v1/logs` serves it): inline hook calls, their answers, lifecycle changes. */
  systemLog(): SimLogEvent[];
  resetCalls(): void;
  /** Okta's token path for a client: rule by priority, the attached hook called (no retry), its answer applied. */
  mintTokens(request: MintRequest): Promise<MintResult>;
  /** Rotates a custom authorization server's signing key: a new active key, the previous kept, older ones unpublished. */
  rotateSigningKeys(authorizationServerId: string): Promise<void>;
  close(): Promise<void>;
}

const AUTHORIZATION_SERVERS = '/api/v1/authorizationServers';

/** In a classic org every authorization server operation answers 401 `E0000015`, as the recordings show. */
function withoutApiAccessManagement(classic: boolean, routes: Route[]): Route[] {
  if (!classic) return routes;
  return routes.map((route) =>
    route.template.startsWith(AUTHORIZATION_SERVERS)
      ? {
          ...route,
          handle: () => {
            throw new OktaSimError('E0000015');
          },
        }
      : route,
  );
}

/**
 * Starts an in-memory Okta org on loopback: the management API operations this project uses, OAuth
 * service-app tokens, rate limits, injected faults and Okta's token path with the token hook.
 *
 * @example
 * const sim = await startOktaSimulator({ hookTimeoutMs: 500 });
 * const hooks = await fetch(`${sim.url}/api/v1/inlineHooks`, { headers: { Authorization: `SSWS ${sim.apiToken}` } });
 * const minted = await sim.mintTokens({ authorizationServer: 'default', clientId: SEED.serviceClient.clientId,
 *   grantType: 'client_credentials', scopes: ['orders:read'] });
 * await sim.close();
 */
export async function startOktaSimulator(options: OktaSimulatorOptions = {}): Promise<OktaSimulator> {
  const host = options.host ?? '127.0.0.1';
  const hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  const apiAccessManagement = options.apiAccessManagement ?? true;
  const state: SimState = seedState({ authorizationServers: apiAccessManagement });
  const apiTokens = new ApiTokens();
  const apiToken = apiTokens.add();
  const faults = new Faults();
  const calls: SimCall[] = [];
  const ruleEdits: ((rule: Record<string, unknown>) => void)[] = [];
  let orgUrl = '';
  const oauth = await OAuthServer.create(() => orgUrl);

  const hookKeys = new HookKeys(state);
  const systemLog = new SystemLog();
  const mintOptions = () => ({ orgUrl, hookTimeoutMs, channelAuth: hookKeys, onHookCall: (report: HookCallReport) => recordHookCall(systemLog, report) });
  const apps = new ServiceApps(state, () => orgUrl);
  const serverTokens = new CustomServerTokens(state, apps, () => orgUrl, mintOptions);
  const now = () => new Date().toISOString();
  const mint = (request: MintRequest) => mintTokens(state, request, mintOptions());
  const snapshot = () => structuredClone({ inlineHooks: state.inlineHooks, authorizationServers: state.authorizationServers });

  const router = new Router(withoutApiAccessManagement(!apiAccessManagement, [
    systemLogRoute(systemLog, () => orgUrl),
    ...withLifecycleEvents(managementRoutes({
      state,
      orgUrl: () => orgUrl,
      now: () => new Date().toISOString(),
      executeInlineHook: (hook, payload) => executeInlineHook(hook, payload, hookTimeoutMs, hookKeys),
      afterRuleRead: (serverId, policyId, ruleId) => {
        const edit = ruleEdits.shift();
        if (!edit) return undefined;
        return () => {
          const rule = findRule(state, serverId, policyId, ruleId);
          edit(rule);
          rule.lastUpdated = new Date().toISOString();
        };
      },
    }), systemLog, state),
    ...oauth.routes(),
    ...hookKeys.routes(now),
    ...apps.routes(now),
    ...serverTokens.routes(now),
    ...authorizationServerPolicyRoutes(state, () => orgUrl, now),
    ...simRoutes({
      injectFault: (fault) => faults.add(fault),
      state: snapshot,
      calls: () => calls,
      resetCalls: () => (calls.length = 0),
      mint: (body) => mint(parseBody(MintRequestSchema, body)),
    }),
  ]));

  const server = createServer(
    createRequestListener({
      router,
      rateLimits: new RateLimits(options.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE),
      faults,
      apiTokens,
      verifyBearer: (request) => oauth.verifyAccessToken(request),
      orgUrl: () => orgUrl,
      record: (call) => calls.push(call),
      ...(options.log ? { log: options.log } : {}),
    }),
  );
  // Longer than fetch's own keep-alive (4 s), so on a loaded machine the server never closes an idle
  // connection just as the client reuses it (ECONNRESET); close() ends them all anyway.
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  orgUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: orgUrl,
    apiToken,
    addApiToken: (tokenOptions) => apiTokens.add(tokenOptions?.scopes),
    addServiceApp: (app: SimServiceApp) => oauth.addServiceApp(app),
    injectFault: (fault) => faults.add(fault),
    editRuleBetweenReadAndWrite: (edit) => ruleEdits.push(edit),
    snapshot,
    calls,
    resetCalls: () => (calls.length = 0),
    mintTokens: mint,
    systemLog: () => systemLog.all(),
    rotateSigningKeys: (id) => serverTokens.rotateKeys(id),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
