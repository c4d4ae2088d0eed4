import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../infra/cli/main.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import { loadFixture } from '../../support/fixtures.js';

/** What the CLI printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface CdkContext {
  environments: Record<string, { hookName?: string; hook: unknown }>;
}

export const ENVIRONMENT = 'sim';
export const HOOK_NAME = 'cli-test-hook';

/** A project directory with the fixture's cdk.json and, if given, a `cdk deploy --outputs-file` file. */
export function projectDir(outputs?: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'okta-token-hook-cli-'));
  writeFileSync(join(dir, 'cdk.json'), JSON.stringify({ app: 'unused', context: loadFixture<CdkContext>('cli', 'cdk-context') }));
  if (outputs) writeFileSync(join(dir, 'cdk-outputs.json'), JSON.stringify(outputs));
  return dir;
}

/** Runs the CLI in-process, as `npx okta-token-hook ...argv` would from `cwd`; retries kept short. */
export async function runCli(argv: string[], options: { cwd: string; env?: Record<string, string> }): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run(argv, {
    cwd: options.cwd,
    env: options.env ?? {},
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    createOktaApi: (credentials) => createOktaClient({ credentials, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } }),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

/** An Okta simulator with the real hook served locally, registered under `HOOK_NAME` and attached to the target rule. */
export interface SimulatedOrg {
  readonly sim: OktaSimulator;
  readonly hook: ServedHook;
  readonly api: OktaApi;
  readonly hookId: string;
  readonly env: Record<string, string>;
  /** The target rule's ids in the seeded org. */
  readonly rule: { authServerId: string; policyId: string; ruleId: string };
  close(): Promise<void>;
}

export async function simulatedOrg(): Promise<SimulatedOrg> {
  const context = loadFixture<CdkContext>('cli', 'cdk-context');
  const sim = await startOktaSimulator();
  const hook = await serveHook({ config: parseHookConfig(context.environments[ENVIRONMENT]?.hook), log: () => undefined });
  const api = createOktaClient({ credentials: { orgUrl: sim.url, apiToken: sim.apiToken } });
  const created = await api.createInlineHook({ name: HOOK_NAME, uri: hook.url, authHeader: 'Authorization', authValue: hook.apiKey ?? '' });
  const { SEED } = await import('../../../infra/local/okta-simulator/index.js');
  const rule = { authServerId: SEED.defaultServer.id, policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id };
  await setRuleHook(api, rule, created.id);
  return {
    sim,
    hook,
    api,
    hookId: created.id,
    env: { OKTA_ORG_URL: sim.url, OKTA_API_TOKEN: sim.apiToken },
    rule,
    close: async () => {
      await hook.close();
      await sim.close();
    },
  };
}

/** Points the rule at `hookId`, or at no hook with `null`, the way an admin would in the console. */
export async function setRuleHook(
  api: OktaApi,
  rule: { authServerId: string; policyId: string; ruleId: string },
  hookId: string | null,
): Promise<void> {
  const current = await api.getPolicyRule(rule.authServerId, rule.policyId, rule.ruleId);
  const { inlineHook: _previous, ...token } = current.actions?.token ?? {};
  const actions = { ...current.actions, token: hookId ? { ...token, inlineHook: { id: hookId } } : token };
  await api.replacePolicyRule(rule.authServerId, rule.policyId, rule.ruleId, { ...current, actions });
}
