import { randomUUID } from 'node:crypto';
import { RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { startFunctionUrlEmulator, type FunctionUrlEmulator } from '../../../infra/local/function-url-emulator.js';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { startLocalSecretsManager, type LocalSecretsManager } from '../../../infra/local/secrets-manager/index.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import type { PublicJwk } from '../../../lambda/okta/schemas.js';
import { createRotationHandler } from '../../../lambda/rotation/rotation-function.js';
import { HOOK_KEY_ROTATION_EVENT, ROTATION_ENV } from '../../../lambda/shared/contract.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { SecretsManagerStore } from '../../../lambda/shared/secret-store.js';
import type { HookLogLine } from '../../../lambda/token-hook/log.js';
import { createTokenHookFromStore, type TokenHook } from '../../../lambda/token-hook/token-hook.js';

/**
 * A whole OAuth 2.0 rotation on this machine: the Okta simulator with the hook registered on the
 * default rule through an OAUTH channel (its OAuth client an API Services app, its token issued by the
 * partner server), the real token hook in OAuth 2.0 mode (two instances) behind one Function URL, the
 * local Secrets Manager holding the Okta credentials and, for client_secret_post, the client secret,
 * and the rotation function wired as the stack wires it.
 */

export type OAuthMethod = 'client_secret_post' | 'private_key_jwt';

export const HOOK_SCOPE = 'okta-token-hook:invoke';
const ISSUER_SERVER = SEED.partnerServer;
const HOOK_CONFIG = parseHookConfig({ rules: [{ name: 'marker', set: [{ claim: 'rotation_marker', token: 'access', value: 'on' }] }] });

export interface OAuthHarness {
  readonly okta: OktaSimulator;
  readonly api: OktaApi;
  readonly sm: LocalSecretsManager;
  readonly store: SecretsManagerStore;
  readonly hookName: string;
  readonly hookId: string;
  /** The OAuth client (the app's id is its client id). */
  readonly clientId: string;
  readonly tokenUrl: string;
  /** client_secret_post: the secret holding the client secret. */
  readonly clientSecretArn: string | undefined;
  readonly events: Readonly<Record<string, unknown>>[];
  /** The hook's log lines (every instance). */
  readonly hookLines: HookLogLine[];
  /** Runs before each Okta management or token call of the rotation function (method, path). */
  beforeOktaCall: ((method: string, path: string) => Promise<void>) | undefined;
  /** A rotation as the stack starts it: RotateSecret (client_secret_post) or the schedule's event (private_key_jwt). */
  rotate(): Promise<unknown>;
  readonly rotationHandler: (event: unknown) => Promise<void>;
  /** The hook as Okta stores it, secret included. */
  stored(): ReturnType<OktaSimulator['snapshot']>['inlineHooks'][number];
  close(): Promise<void>;
}

/** A management call outside the Okta client: what the registrar's provisioning creates. */
async function manage(okta: OktaSimulator, method: string, path: string, body?: unknown): Promise<Record<string, unknown> & { id: string }> {
  const response = await fetch(`${okta.url}${path}`, {
    method,
    headers: { Accept: 'application/json', Authorization: `SSWS ${okta.apiToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

/** The OAuth client and the issuing server's policy for it, as the registrar provisions them. */
async function provisionClient(okta: OktaSimulator, method: OAuthMethod, label: string, jwk?: PublicJwk) {
  const app = await manage(okta, 'POST', '/api/v1/apps', {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        ...(jwk ? { jwks: { keys: [{ kty: jwk.kty, kid: jwk.kid, e: jwk.e, n: jwk.n }] } } : {}),
      },
    },
  });
  const servers = `/api/v1/authorizationServers/${ISSUER_SERVER.id}`;
  await manage(okta, 'POST', `${servers}/scopes`, { name: HOOK_SCOPE });
  const policy = await manage(okta, 'POST', `${servers}/policies`, {
    type: 'OAUTH_AUTHORIZATION_POLICY',
    name: `Token hook ${label}`,
    description: 'Okta calling the token hook',
    priority: 1,
    conditions: { clients: { include: [app.id] } },
  });
  await manage(okta, 'POST', `${servers}/policies/${policy.id}/rules`, {
    name: `Token hook ${label}`,
    type: 'RESOURCE_ACCESS',
    priority: 1,
    conditions: { people: { groups: { include: ['EVERYONE'] } }, grantTypes: { include: ['client_credentials'] }, scopes: { include: [HOOK_SCOPE] } },
    actions: { token: { accessTokenLifetimeMinutes: 60 } },
  });
  const oauthClient = (app.credentials as { oauthClient: { client_secret?: string } }).oauthClient;
  return { clientId: app.id, clientSecret: oauthClient.client_secret };
}

export async function startOAuthHarness(method: OAuthMethod): Promise<OAuthHarness> {
  const sm = await startLocalSecretsManager();
  // The hook's own deadline is not what is tested: a loaded machine must not turn a call into a timeout.
  const okta = await startOktaSimulator({ hookTimeoutMs: 15_000 });
  const store = new SecretsManagerStore(sm.client({ maxAttempts: 1 }));
  const credentials = { orgUrl: okta.url, apiToken: okta.apiToken };
  const api = createOktaClient({ credentials });
  const hookName = `okta-token-hook-oauth-${randomUUID().slice(0, 8)}`;
  const credentialsArn = sm.createSecret(`${hookName}/okta-credentials`, JSON.stringify(credentials));
  const issuer = `${okta.url}/oauth2/${ISSUER_SERVER.id}`;
  const tokenUrl = `${issuer}/v1/token`;

  const hookKey = method === 'private_key_jwt' ? await api.createHookKey(hookName) : undefined;
  const { clientId, clientSecret } = await provisionClient(okta, method, hookName, hookKey?._embedded ?? undefined);
  const clientSecretArn = clientSecret ? sm.createSecret(`${hookName}/client-secret`, clientSecret) : undefined;

  const hookLines: HookLogLine[] = [];
  const instances: TokenHook[] = [];
  for (let i = 0; i < 2; i += 1) {
    instances.push(
      await createTokenHookFromStore({
        config: HOOK_CONFIG,
        auth: { type: 'oauth2', issuer, audience: ISSUER_SERVER.audience, scope: HOOK_SCOPE, acceptApiKey: false },
        log: (line) => hookLines.push(line),
      }),
    );
  }
  let next = 0;
  const emulator: FunctionUrlEmulator = await startFunctionUrlEmulator({ handler: (event) => instances[next++ % instances.length]!(event) });
  const common = { clientId, tokenUrl, scope: HOOK_SCOPE };
  const hook = await api.createInlineHook({
    name: hookName,
    uri: emulator.url,
    headers: [{ key: 'X-Environment', value: 'rotation-test' }],
    ...(hookKey ? { oauth: { ...common, authType: 'private_key_jwt', hookKeyId: hookKey.id } } : { oauth: { ...common, authType: 'client_secret_post' }, clientSecret: clientSecret! }),
  });
  const rule = await api.getPolicyRule(SEED.defaultServer.id, SEED.defaultPolicy.id, SEED.defaultRule.id);
  await api.replacePolicyRule(SEED.defaultServer.id, SEED.defaultPolicy.id, SEED.defaultRule.id, {
    ...rule,
    actions: { ...rule.actions, token: { ...rule.actions?.token, inlineHook: { id: hook.id } } },
  });

  const events: Readonly<Record<string, unknown>>[] = [];
  const harness: OAuthHarness = {
    okta,
    api,
    sm,
    store,
    hookName,
    hookId: hook.id,
    clientId,
    tokenUrl,
    clientSecretArn,
    events,
    hookLines,
    beforeOktaCall: undefined,
    rotationHandler: (event) => rotation(event),
    rotate: () =>
      clientSecretArn
        ? sm.client({ maxAttempts: 1 }).send(new RotateSecretCommand({ SecretId: clientSecretArn, RotationRules: { AutomaticallyAfterDays: 30 } }))
        : rotation(HOOK_KEY_ROTATION_EVENT),
    stored: () => okta.snapshot().inlineHooks.find((h) => h.id === hook.id)!,
    async close() {
      await emulator.close();
      await okta.close();
      await sm.close();
    },
  };

  const rotation = createRotationHandler({
    secrets: store,
    env: { [ROTATION_ENV.credentialsSecretArn]: credentialsArn, [ROTATION_ENV.hookName]: hookName, [ROTATION_ENV.authMethod]: method },
    verify: { tries: 2, delayMs: 10, withinMs: 5_000 },
    settleDelayMs: 0,
    oktaClient: {
      retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 10 },
      fetch: async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        await harness.beforeOktaCall?.(init?.method ?? 'GET', url.pathname);
        return fetch(input, init);
      },
    },
    log: (event) => events.push(event),
  });
  if (clientSecretArn) sm.setRotationFunction((event) => rotation(event));
  return harness;
}

/** Asks the issuing server for the hook's token as Okta does for client_secret_post: the status it answers. */
export async function tokenStatus(h: OAuthHarness, clientSecret: string): Promise<number> {
  const response = await fetch(h.tokenUrl, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: h.clientId, client_secret: clientSecret, scope: HOOK_SCOPE }),
  });
  await response.text();
  return response.status;
}
