import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { outcomeFilterPattern } from '../../../infra/constructs/hook-outcomes.js';
import { serveHook, type ServedHook } from '../../../infra/local/hook-serve.js';
import { SEED, startOktaSimulator, type OktaSimulator } from '../../../infra/local/okta-simulator/index.js';
import { RESERVED_CLAIMS } from '../../../infra/local/okta-simulator/token-patch.js';
import { createOktaClient } from '../../../lambda/okta/client.js';
import type { OktaApi } from '../../../lambda/okta/okta-api.js';
import { parseHookConfig } from '../../../lambda/shared/hook-config.js';
import type { Transform } from '../../../lambda/token-hook/evaluate.js';
import { HOOK_LOG_MESSAGE, HOOK_OUTCOMES, type HookOutcome } from '../../../lambda/token-hook/log.js';
import { loadFixture } from '../../support/fixtures.js';
import { lambdaJsonLogLine, matchesFilterPattern } from '../../support/metric-filter.js';
import { ENVIRONMENT, HOOK_NAME, projectDir, runCli, setRuleHook } from './cli-harness.js';

/**
 * Each silent claim loss, made to happen against the simulator with the real hook: the hook's log line
 * is counted by the metric filter of its outcome, and `status` names the loss from Okta's System Log.
 */

const service = { authorizationServer: 'default', clientId: SEED.serviceClient.clientId, grantType: 'client_credentials', scopes: ['orders:read'] };

/** Forwards to the hook after a delay: a cold start or a network slower than Okta waits for. */
async function slowProxy(target: string, delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      await sleep(delayMs);
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k))) as Record<string, string>;
      try {
        const answer = await fetch(target, { method: 'POST', headers, body: Buffer.concat(chunks) });
        if (!response.destroyed) response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
      } catch {
        response.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

describe('status names every silent claim loss from okta\'s System Log', () => {
  let sim: OktaSimulator;
  let hook: ServedHook;
  let api: OktaApi;
  let hookId: string;
  let transform: Transform = () => undefined;
  const shipped: string[] = [];
  const env = () => ({ OKTA_ORG_URL: sim.url, OKTA_API_TOKEN: sim.apiToken });
  const context = loadFixture<{ environments: Record<string, { hook: unknown }> }>('cli', 'cdk-context');

  beforeAll(async () => {
    // The hook logs with console.log, as in Lambda; each call is wrapped as the runtime ships it.
    const original = console.log;
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      const first = args[0] as { message?: unknown } | undefined;
      if (first?.message === HOOK_LOG_MESSAGE) shipped.push(lambdaJsonLogLine('7e1d1e1e-0000-4000-8000-000000000000', ...args));
      else original(...args);
    });
    sim = await startOktaSimulator();
    hook = await serveHook({ config: parseHookConfig(context.environments[ENVIRONMENT]?.hook), transform: (request, edit) => transform(request, edit) });
    api = createOktaClient({ credentials: { orgUrl: sim.url, apiToken: sim.apiToken } });
    hookId = (await api.createInlineHook({ name: HOOK_NAME, uri: hook.url, authHeader: 'Authorization', authValue: hook.apiKey! })).id;
    await setRuleHook(api, { authServerId: SEED.defaultServer.id, policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id }, hookId);
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await hook.close();
    await sim.close();
  });
  afterEach(() => {
    transform = () => undefined;
  });

  /** Mints one token, then runs `status --json` over the window of that mint only. */
  async function loseClaimsOnce(): Promise<{ code: number; report: any; lines: string[]; text: string }> {
    await sleep(5);
    const since = new Date().toISOString();
    shipped.length = 0;
    await sim.mintTokens(service);
    const json = await runCli(['status', '--env', ENVIRONMENT, '--since', since, '--json'], { cwd: projectDir(), env: env() });
    const text = await runCli(['status', '--env', ENVIRONMENT, '--since', since], { cwd: projectDir(), env: env() });
    expect(json.stderr).toBe('');
    return { code: json.code, report: JSON.parse(json.stdout), lines: [...shipped], text: text.stdout };
  }

  function expectCountedAs(lines: string[], outcome: HookOutcome): void {
    expect(lines).toHaveLength(1);
    expect(HOOK_OUTCOMES.filter((candidate) => matchesFilterPattern(outcomeFilterPattern(candidate), lines[0]!))).toEqual([outcome]);
  }

  it('reports a healthy hook: in sync, every call applied; exits 0', async () => {
    const { code, report, lines } = await loseClaimsOnce();

    expect(code).toBe(0);
    expect(report).toMatchObject({ verdict: 'healthy', exitCode: 0, drift: [], oktaLog: { readable: true, calls: 1, failures: 0, findings: [] } });
    expectCountedAs(lines, 'patched');
  });

  it('names a failing transform: the hook failed open, its debugContext in okta\'s log; exits 4', async () => {
    transform = () => {
      throw new RangeError('claims service answered garbage');
    };

    const { code, report, lines, text } = await loseClaimsOnce();

    expect(code).toBe(4);
    expect(report.oktaLog.findings).toEqual([expect.objectContaining({ kind: 'failed-open', count: 1, reason: 'failedOpen: RangeError' })]);
    expect(report.oktaLog.debugContext).toEqual([{ data: { failedOpen: 'RangeError' }, count: 1 }]);
    expect(text).toMatch(/^ {2}failed-open +1 {2}last .*failedOpen: RangeError$/m);
    expect(text).toContain('okta reports failures: 1 call(s)');
    expectCountedAs(lines, 'failed-open');
  });

  it('names a stale key in okta: every call refused with 401; exits 4', async () => {
    await api.replaceInlineHook(hookId, { name: HOOK_NAME, uri: hook.url, authHeader: 'Authorization', authValue: 'a-key-from-before-the-rotation' });
    try {
      const { code, report, lines, text } = await loseClaimsOnce();

      expect(code).toBe(4);
      expect(report.oktaLog.findings).toEqual([expect.objectContaining({ kind: 'unauthorized', reason: 'Inline hook responded with HTTP status 401' })]);
      expect(text).toMatch(/^ {2}unauthorized +1 /m);
      expectCountedAs(lines, 'unauthorized');
    } finally {
      await api.replaceInlineHook(hookId, { name: HOOK_NAME, uri: hook.url, authHeader: 'Authorization', authValue: hook.apiKey! });
    }
  });

  it('names a patch okta rejects (a claim okta now reserves), the token issued unchanged; exits 4', async () => {
    RESERVED_CLAIMS.access.add('caller');
    try {
      const { code, report, lines } = await loseClaimsOnce();

      expect(code).toBe(4);
      expect(report.oktaLog.findings).toEqual([expect.objectContaining({ kind: 'patch-skipped', reason: expect.stringMatching(/'caller' is reserved/) })]);
      // The hook believes it patched the token: only okta's log shows the loss.
      expectCountedAs(lines, 'patched');
    } finally {
      RESERVED_CLAIMS.access.delete('caller');
    }
  });

  it('names a hook slower than okta\'s 3 s: a timeout; exits 4', async () => {
    const proxy = await slowProxy(hook.url, 3_300);
    await api.replaceInlineHook(hookId, { name: HOOK_NAME, uri: proxy.url, authHeader: 'Authorization', authValue: hook.apiKey! });
    try {
      const { code, report, text } = await loseClaimsOnce();
      await sleep(400);

      expect(code).toBe(4);
      expect(report.oktaLog.findings).toEqual([expect.objectContaining({ kind: 'timeout', count: 1 })]);
      expect(text).toMatch(/^ {2}timeout +1 /m);
      // The hook answered in the end, too late: its line says patched, the duration alarm sees the rest.
      expectCountedAs(shipped, 'patched');
    } finally {
      await api.replaceInlineHook(hookId, { name: HOOK_NAME, uri: hook.url, authHeader: 'Authorization', authValue: hook.apiKey! });
      proxy.server.closeAllConnections();
      proxy.server.close();
    }
  }, 20_000);

  it('reports drift before failures: exit 3 when the rule lost the hook, whatever the log says', async () => {
    await setRuleHook(api, { authServerId: SEED.defaultServer.id, policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id }, null);
    try {
      const result = await runCli(['status', '--env', ENVIRONMENT, '--json', '--since', '1h'], { cwd: projectDir(), env: env() });

      expect(result.code).toBe(3);
      expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'drift', exitCode: 3, drift: [expect.objectContaining({ kind: 'rule-detached' })] });
    } finally {
      await setRuleHook(api, { authServerId: SEED.defaultServer.id, policyId: SEED.defaultPolicy.id, ruleId: SEED.defaultRule.id }, hookId);
    }
  });

  it('shows the rest when the credentials may not read the log', async () => {
    const token = sim.addApiToken({ scopes: ['okta.inlineHooks.read', 'okta.authorizationServers.read'] });

    const result = await runCli(['status', '--env', ENVIRONMENT, '--json'], { cwd: projectDir(), env: { OKTA_ORG_URL: sim.url, OKTA_API_TOKEN: token } });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).oktaLog).toMatchObject({ readable: false, reason: expect.stringMatching(/okta\.logs\.read/) });
  });

  it('refuses a --since it cannot read', async () => {
    const result = await runCli(['status', '--env', ENVIRONMENT, '--since', 'last tuesday'], { cwd: projectDir(), env: env() });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--since takes a duration \(30m, 24h, 7d\) or an ISO 8601 time, got 'last tuesday'/);
  });
});
