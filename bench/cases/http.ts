import { fork, type ChildProcess } from 'node:child_process';
import { build } from 'esbuild';
import autocannon from 'autocannon';
import { esbuildOptions } from '../../infra/bundling.js';
import { exampleHookConfig } from '../../infra/local/hook-serve.js';
import { startLocalSecretsManager } from '../../infra/local/secrets-manager/index.js';
import { HOOK_ENV } from '../../lambda/shared/contract.js';
import type { BenchCase } from '../lib/bench-case.js';
import { KEY } from '../lib/hook.js';
import { out, progress, ratio, us } from '../lib/measure.js';
import { referencePayload } from '../payloads.js';
import { BENCH_CACHE } from './cold-start.js';

const root = (path: string) => new URL(`../../${path}`, import.meta.url).pathname;
const ROUNDS = 6;
const CONNECTIONS = 10;

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  cpuUs(): Promise<number>;
  /** Lets the server clean up (its telemetry pipe) and exit; kills it if it has not within 2 s. */
  stop(): Promise<void>;
}

async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<Served> {
  const child = fork(`${BENCH_CACHE}http-server.mjs`, args, { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiting: ((message: Record<string, unknown>) => void)[] = [];
  child.on('message', (message) => waiting.shift()?.(message as Record<string, unknown>));
  const next = () => new Promise<Record<string, unknown>>((resolve) => waiting.push(resolve));
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the bench server exited with ${code}: see its error above`))));
  exited.catch(() => undefined);
  const { url } = (await Promise.race([next(), exited])) as { url: string };
  return {
    child,
    url,
    async cpuUs() {
      const answer = next();
      child.send('cpu');
      return (await Promise.race([answer, exited]))['cpuUs'] as number;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      const timer = setTimeout(() => child.kill(), 2_000);
      child.disconnect();
      await gone;
      clearTimeout(timer);
    },
  };
}

/**
 * Under load over loopback: the hook's bundle behind the Function URL emulator against a plain
 * node:http hook doing what Okta's Express sample does, each in its own process, taking turns.
 */
export const http: BenchCase = {
  name: 'http',
  title: 'over HTTP on loopback (autocannon), against a node:http anchor',
  weight: 4,
  async run(budgetMs) {
    progress('http: bundling the hook and the servers');
    const hookBundle = `${BENCH_CACHE}http-hook.mjs`;
    await build(esbuildOptions(root('lambda/token-hook/handler.ts'), hookBundle));
    await build(esbuildOptions(root('bench/http/server.ts'), `${BENCH_CACHE}http-server.mjs`));
    const secretsManager = await startLocalSecretsManager();
    const env = {
      ...process.env,
      ...secretsManager.env,
      [HOOK_ENV.apiKeySecretArn]: secretsManager.createSecret('bench/http-key', KEY),
      [HOOK_ENV.hookConfig]: JSON.stringify(exampleHookConfig()),
    };
    const servers = { hook: await serve(['hook', hookBundle], env), anchor: await serve(['anchor', KEY], env) };
    const body = JSON.stringify(referencePayload());
    const totals = { hook: { cpu: [] as number[], requests: 0, p50: [] as number[], p99: [] as number[] }, anchor: { cpu: [] as number[], requests: 0, p50: [] as number[], p99: [] as number[] } };
    const seconds = Math.max(2, Math.floor(budgetMs / 1_000 / (ROUNDS * 2 + 1)));
    try {
      for (let round = 0; round <= ROUNDS; round += 1) {
        const order = round % 2 === 0 ? (['hook', 'anchor'] as const) : (['anchor', 'hook'] as const);
        for (const name of order) {
          progress(`http: ${round === 0 ? 'warm-up' : `round ${round}/${ROUNDS}`}, ${name}, ${seconds} s`);
          const server = servers[name];
          const before = await server.cpuUs();
          const result = await autocannon({
            url: server.url,
            method: 'POST',
            headers: { authorization: KEY, 'content-type': 'application/json' },
            body,
            connections: CONNECTIONS,
            duration: round === 0 ? 1 : seconds,
          });
          const cpu = (await server.cpuUs()) - before;
          if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} answers other than 2xx and ${result.errors} errors under load`);
          if (round === 0) continue;
          // Per round: a burst of load on the shared machine then skews one round, not the figure.
          totals[name].cpu.push(cpu / result.requests.total);
          totals[name].requests += result.requests.total;
          totals[name].p50.push(result.latency.p50);
          totals[name].p99.push(result.latency.p99);
        }
      }
    } finally {
      await Promise.all(Object.values(servers).map((server) => server.stop()));
      await secretsManager.close();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const cpuPerRequest = (name: 'hook' | 'anchor') => median(totals[name].cpu);
    out(`Okta's reference request, ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${seconds} s each; medians over the rounds of server CPU per request and latency percentiles:`);
    for (const [name, label] of [['hook', 'hook (bundle behind the Function URL emulator, Lambda log line)'], ['anchor', "anchor (node:http doing what Okta's Express sample does)"]] as const) {
      const rate = totals[name].requests / (ROUNDS * seconds);
      out(`  ${label.padEnd(66)} CPU ${us(cpuPerRequest(name)).padStart(9)}  p50 ${median(totals[name].p50)} ms  p99 ${median(totals[name].p99)} ms  ${Math.round(rate)} req/s`);
    }
    const cpuRatio = cpuPerRequest('hook') / cpuPerRequest('anchor');
    const perRound = totals.hook.cpu.map((cpu, index) => cpu / totals.anchor.cpu[index]!).sort((x, y) => x - y);
    out(`  hook / anchor CPU per request: ${ratio(cpuRatio)} (round by round: ${ratio(perRound[0]!)} to ${ratio(perRound.at(-1)!)})`);
    return [{ budget: 'over HTTP, CPU per request at most 2× the node:http anchor', ok: cpuRatio <= 2, measured: ratio(cpuRatio) }];
  },
};
