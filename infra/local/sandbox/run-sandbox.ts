import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CUSTOM_RESOURCE_TYPE, type RegistrarPropertiesInput } from '../../../lambda/shared/contract.js';
import type { FunctionUrlEvent } from '../../../lambda/token-hook/function-url.js';
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { DEFAULT_SCOPES, APPS_SCOPES } from '../../../lambda/okta/scopes.js';
import { loadProjectEnvironment } from '../../cli/environment.js';
import { acceptsApiKeyProps, runtimeHookAuth } from '../../hook-auth.js';
import type { EnvironmentConfig } from '../../config.js';
import { describeTargetEntry, targetList, targetProperties, type TargetListEntry } from '../../targets.js';
import { startFunctionUrlEmulator, type FunctionUrlEmulator } from '../function-url-emulator.js';
import { startOktaSimulator, type OktaSimulator } from '../okta-simulator/index.js';
import { startLocalSecretsManager, type LocalSecretsManager } from '../secrets-manager/index.js';
import { loadBundledHook, REPO_TRANSFORM, type BundledHook } from './bundled-hook.js';
import { describeHookCall } from './hook-call-line.js';
import { Progress } from './progress.js';
import { ruleHookOf, rulesCalling, rulesOf, sameRule } from './rule-snapshot.js';
import { renderMint, sampleMintsThrough } from './sample-tokens.js';
import { tryItText } from './try-it.js';
import { watchSources } from './watch-sources.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const STEPS = 6;
const clock = (): string => new Date().toISOString().slice(11, 19);

export interface SandboxOptions {
  /** Environment in cdk.json whose claim rules and target the sandbox uses. @default 'example' */
  readonly environment?: string;
  /** @default 0 (ephemeral) */
  readonly oktaPort?: number;
  /** @default 0 (ephemeral) */
  readonly hookPort?: number;
  /** Writes output; lines end with '\n'. */
  readonly write: (text: string) => void;
  /**
   * Re-bundle and reload the hook when the transform or cdk.json changes, and mint the sample tokens
   * again; the simulator and the registration stay. @default false
   */
  readonly watch?: boolean;
  /** The directory holding cdk.json. @default the repository */
  readonly projectDir?: string;
  /** The transform module. @default lambda/token-hook/transform.ts */
  readonly transform?: string;
}

/** What the delete path left: hooks in Okta, and each rule the hook was attached to; printed when the sandbox stops. */
export interface FinalState {
  readonly inlineHooks: number;
  /** Every rule of the org as it was before the deploy (its write stamp aside). */
  readonly rulesRestored: boolean;
  readonly rules: readonly { readonly rule: string; readonly inlineHook: string | null; readonly restored: boolean }[];
}

export interface Sandbox {
  readonly oktaUrl: string;
  readonly hookUrl: string;
  /** Every secret the sandbox put in its local Secrets Manager (the registrar creates none). */
  readonly secretArns: readonly string[];
  /** Runs the registrar's delete path, shows the final state, and stops every server. */
  stop(): Promise<FinalState>;
}

/** The registrar's Okta credentials as a service app (private_key_jwt) the simulator knows. */
async function serviceAppCredentials(sim: OktaSimulator): Promise<object> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const keyId = 'sandbox-registrar';
  const clientId = '0oaSandboxRegistrar0';
  const scopes = [...DEFAULT_SCOPES, APPS_SCOPES.read, APPS_SCOPES.manage];
  sim.addServiceApp({ clientId, publicJwk: { ...(await exportJWK(publicKey)), kid: keyId }, scopes });
  return { orgUrl: sim.url, clientId, privateKey: await exportPKCS8(privateKey), keyId, scopes };
}

/** What the registrar provisioned for an OAUTH channel, from the hook as Okta stores it. */
function oauthLine(sim: OktaSimulator, hookId: string): string[] {
  const config = sim.snapshot().inlineHooks.find((hook) => hook.id === hookId)?.channel.config;
  if (!config || typeof config['clientId'] !== 'string') return [];
  const key = config['hookKeyId'] ? `, hook key ${String(config['hookKeyId'])} (Okta keeps its private half)` : '';
  return [`OAuth 2.0: Okta gets a token for scope ${String(config['scope'])} at ${String(config['tokenUrl'])} as client ${config['clientId']}${key}`];
}

function cfnEvent(requestType: 'Create' | 'Delete', properties: RegistrarPropertiesInput, env: EnvironmentConfig, physicalId?: string) {
  // Shaped like the request CloudFormation sends through the Provider framework, scalar properties as strings.
  const serviceToken = 'arn:aws:lambda:us-east-1:000000000000:function:sandbox-registrar-provider';
  return {
    RequestType: requestType,
    ServiceToken: serviceToken,
    ResponseURL: 'https://cloudformation-custom-resource-response.invalid/sandbox',
    StackId: `arn:aws:cloudformation:us-east-1:000000000000:stack/OktaTokenHook-${env.name}/sandbox`,
    RequestId: randomUUID(),
    LogicalResourceId: 'OktaTokenHookRegistration',
    ResourceType: CUSTOM_RESOURCE_TYPE,
    ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
    ResourceProperties: {
      ServiceToken: serviceToken,
      ...properties,
      ReplaceExistingHook: String(properties.ReplaceExistingHook),
      Verify: String(properties.Verify),
      RetainOnDelete: 'false',
    },
  };
}

/**
 * The local sandbox: the Okta simulator and a local Secrets Manager, the hook bundled as CDK bundles it
 * behind the Function URL emulator, the registrar's create path (the code CloudFormation runs), then
 * tokens for two sample clients, and through every other rule the hook is attached to, with their claims
 * before and after the hook.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const write = options.write;
  const progress = new Progress(write, STEPS);
  const closers: (() => Promise<void> | void)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
  };
  let live = false;
  const projectDir = options.projectDir ?? REPO_ROOT;
  const envName = options.environment ?? 'example';
  const transform = options.transform ?? REPO_TRANSFORM;

  try {
    const env = await progress.step(
      `loading environment '${options.environment ?? 'example'}' from cdk.json`,
      async () => loadProjectEnvironment(projectDir, envName),
      (e) => [
        `hook '${e.hookName}', failure mode ${e.hook.failureMode}, claim rules: ${e.hook.rules.map((r) => r.name).join(', ') || 'none'}`,
        ...targetList(e).map((t) => `target: ${describeTargetEntry(t)}`),
      ],
    );

    const sim = await progress.step(
      'starting the Okta simulator',
      async () => startOktaSimulator({ port: options.oktaPort ?? 0 }),
      (s) => [`org ${s.url} (a seeded org: authorization servers 'default' and 'Partner API', a web app, a service app, one user)`],
    );
    closers.push(() => sim.close());

    const oauth = env.auth.type === 'oauth2' ? env.auth : undefined;
    const secrets = await progress.step(
      oauth ? 'starting the local Secrets Manager and creating the secrets' : 'starting the local Secrets Manager and creating the two secrets',
      async () => {
        const local: LocalSecretsManager = await startLocalSecretsManager();
        closers.push(() => local.close());
        // The real AWS SDK, in the hook and the registrar alike, reaches the endpoint through these.
        Object.assign(process.env, local.env);
        const apiKey = acceptsApiKeyProps(env.auth) ? randomBytes(24).toString('base64url') : undefined;
        // With OAuth 2.0 the registrar signs in as a service app too: its private key is no shared secret.
        const credentials = oauth ? await serviceAppCredentials(sim) : { orgUrl: sim.url, apiToken: sim.apiToken };
        const created = {
          local,
          apiKey,
          credentialsArn: local.createSecret(`okta-token-hook/${env.name}/okta-credentials`, JSON.stringify(credentials)),
          apiKeyArn: apiKey ? local.createSecret(`okta-token-hook/${env.name}/api-key`, apiKey) : undefined,
          // client_secret_post: the construct's empty secret, which the registrar fills with Okta's client secret.
          clientSecretArn:
            oauth?.method === 'client_secret_post' ? local.createSecret(`okta-token-hook/${env.name}/client-secret`, 'set by the registrar') : undefined,
        };
        return { ...created, arns: [created.credentialsArn, created.apiKeyArn, created.clientSecretArn].filter((arn): arn is string => arn !== undefined) };
      },
      (s) => [
        `endpoint ${s.local.url}`,
        `okta credentials: ${s.credentialsArn}${oauth ? ' (a service app signing with its private key)' : ''}`,
        ...(s.apiKeyArn ? [`hook API key:      ${s.apiKeyArn}`] : [`hook API key:      none (Okta gets an OAuth 2.0 token with ${oauth?.method} from ${oauth?.authorizationServer})`]),
        ...(s.clientSecretArn ? [`client secret:     ${s.clientSecretArn} (Okta's, stored by the registrar)`] : []),
      ],
    );
    const hookAuth = runtimeHookAuth(sim.url, env.auth);

    const hookSecrets = () => ({ ...(secrets.apiKeyArn ? { apiKeySecretArn: secrets.apiKeyArn } : {}), ...(hookAuth ? { auth: hookAuth } : {}) });
    let current: BundledHook | undefined;
    const served = await progress.step(
      'bundling the hook as CDK does and serving it behind the Function URL emulator',
      async () => {
        const bundled: BundledHook = await loadBundledHook({ ...hookSecrets(), config: env.hook, transform });
        current = bundled;
        closers.push(() => current?.dispose());
        const emulator: FunctionUrlEmulator = await startFunctionUrlEmulator({
          port: options.hookPort ?? 0,
          handler: async (event: FunctionUrlEvent) => {
            const started = performance.now();
            const show = (what: string): void => {
              if (live) write(`${new Date().toISOString().slice(11, 19)}  hook  ${what}  (${Math.round(performance.now() - started)} ms)\n`);
            };
            try {
              const result = await (current ?? bundled).handler(event);
              show(describeHookCall(result));
              return result;
            } catch (error) {
              show(`502 the handler threw: ${error instanceof Error ? error.message : String(error)}`);
              throw error;
            }
          },
        });
        closers.push(() => emulator.close());
        return { bundled, emulator };
      },
      (s) => [
        `${Math.round(s.bundled.bytes / 1024)} KB bundle (minified ESM, AWS SDK external as in Lambda), ${hookAuth?.type === 'oauth2' ? `issuer's keys (JWKS) read from ${hookAuth.issuer} at import` : 'key read from Secrets Manager at import'}`,
        `hook URL ${s.emulator.url}`,
      ],
    );
    const hookUrl = served.emulator.url;

    const { onEvent } = await import('../../../lambda/registrar/handler.js');
    const properties: RegistrarPropertiesInput = {
      OrgUrl: sim.url,
      CredentialsSecretArn: secrets.credentialsArn,
      ...(oauth
        ? {
            Auth: {
              Type: 'oauth2',
              Method: oauth.method,
              AuthorizationServer: oauth.authorizationServer,
              Scope: oauth.scope,
              Audience: oauth.audience,
              ...(secrets.clientSecretArn ? { ClientSecretArn: secrets.clientSecretArn } : {}),
            },
          }
        : { ApiKeySecretArn: secrets.apiKeyArn }),
      ApiKeyVersion: 'sandbox',
      HookName: env.hookName,
      HookUrl: hookUrl,
      AuthHeader: env.hook.authHeader,
      Headers: [],
      ...targetProperties(env),
      ReplaceExistingHook: env.replaceExistingHook,
      Verify: env.verify,
    };
    const rulesBefore = rulesOf(sim);
    const registration = await progress.step(
      "running the registrar's create path against the simulator (what CloudFormation runs on deploy)",
      async () => {
        sim.resetCalls();
        const answer = await onEvent(cfnEvent('Create', properties, env));
        return { physicalId: answer.PhysicalResourceId, rules: rulesCalling(sim, answer.PhysicalResourceId) };
      },
      (r) => [
        `hook ${r.physicalId} registered, ${env.verify ? "verified through Okta's /execute, " : ''}attached to ${r.rules.length === 1 ? 'rule' : `${r.rules.length} rules:`} ${r.rules.map((rule) => `'${rule.name}' (${rule.ruleId}) in ${rule.where}`).join(', ')}`,
        ...oauthLine(sim, r.physicalId),
        `okta calls: ${sim.calls.map((c) => `${c.operationId} ${c.status}`).join(', ')}`,
      ],
    );
    // What the registrar attached, as Okta holds it; the registrar's Data names the first rule only.
    const attached = registration.rules;

    // Tokens minted through every rule the hook is attached to: the two sample clients, then a request for each rule they miss.
    const { samples, unreachable } = sampleMintsThrough(
      sim.snapshot().authorizationServers,
      (targetList(env)[0] as TargetListEntry).authorizationServer,
      attached,
    );
    const mintSamples = async () => {
      const results = [];
      for (const sample of samples) results.push({ sample, result: await sim.mintTokens(sample.request) });
      return results;
    };
    const mints = await progress.step(
      samples.length === 2 ? 'minting tokens for two sample clients through the simulator' : `minting tokens through each of the ${attached.length} rules, ${samples.length} sample requests`,
      mintSamples,
      () => unreachable.map((ruleId) => `no seeded client reaches rule ${ruleId}: mint through it with your own request (try it, below)`),
    );
    for (const { sample, result } of mints) write(`\n${renderMint(sample.title, result).join('\n')}\n`);

    const web = mints[0]?.sample;
    if (web) {
      const facts = { oktaUrl: sim.url, apiToken: sim.apiToken, hookUrl, authHeader: env.hook.authHeader, apiKey: secrets.apiKey };
      write(`\n${tryItText({ ...facts, environment: env.name, mint: web.request })}`);
    }
    write(`\nready: okta ${sim.url}, hook ${hookUrl}. Each call to the hook is shown below; Ctrl-C removes the hook and restores ${attached.length === 1 ? 'the rule' : 'the rules'}.\n`);
    live = true;

    if (options.watch) {
      const reload = async (changed: string): Promise<void> => {
        const started = performance.now();
        live = false;
        try {
          const next = loadProjectEnvironment(projectDir, envName);
          const fresh = await loadBundledHook({ ...hookSecrets(), config: next.hook, transform });
          const previous = current;
          current = fresh;
          previous?.dispose();
          const note = JSON.stringify(targetList(next)) === JSON.stringify(targetList(env)) ? '' : ' (the target changed: restart npm start to attach the hook there)';
          write(`\n${clock()}  ${changed} changed: hook reloaded in ${Math.round(performance.now() - started)} ms, claim rules: ${next.hook.rules.map((r) => r.name).join(', ') || 'none'}${note}\n`);
          for (const { sample, result } of await mintSamples()) write(`\n${renderMint(sample.title, result).join('\n')}\n`);
        } catch (error) {
          write(`\n${clock()}  ${changed} changed, the reload failed (the previous hook keeps serving): ${error instanceof Error ? error.message : String(error)}\n`);
        } finally {
          live = true;
        }
      };
      const watcher = watchSources({ transform, cdkJson: join(projectDir, 'cdk.json') }, reload);
      closers.push(() => watcher.close());
      write(`watching ${relative(process.cwd(), transform) || transform} and cdk.json: a saved change reloads the hook and mints the samples again\n`);
    }

    let stopping: Promise<FinalState> | undefined;
    const stop = async (): Promise<FinalState> => {
      live = false;
      try {
        await new Progress(write, 1, 'stop').step(
          "running the registrar's delete path (what CloudFormation runs on destroy)",
          async () => onEvent(cfnEvent('Delete', properties, env, registration.physicalId)),
        );
        const rulesAfter = rulesOf(sim);
        const state: FinalState = {
          inlineHooks: sim.snapshot().inlineHooks.length,
          rulesRestored: [...rulesBefore].every(([key, before]) => sameRule(before, rulesAfter.get(key))) && rulesAfter.size === rulesBefore.size,
          rules: attached.map(({ key, name }) => ({
            rule: name,
            inlineHook: ruleHookOf(rulesAfter.get(key)),
            restored: sameRule(rulesBefore.get(key), rulesAfter.get(key)),
          })),
        };
        for (const rule of state.rules) {
          write(`      rule '${rule.rule}': ${rule.inlineHook ? `still calls hook ${rule.inlineHook}` : 'calls no hook'}, ${rule.restored ? 'restored as it was before the deploy' : 'NOT as it was before the deploy'}\n`);
        }
        if (!state.rulesRestored) write('      other rules of the org changed too: compare curl -s <okta>/__sim/state with the seeded org\n');
        write(`      inline hooks in okta: ${state.inlineHooks === 0 ? 'none' : state.inlineHooks}\n`);
        write(`final state: ${JSON.stringify(state)}\n`);
        return state;
      } finally {
        await closeAll();
      }
    };
    return { oktaUrl: sim.url, hookUrl, secretArns: secrets.arns, stop: () => (stopping ??= stop()) };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
