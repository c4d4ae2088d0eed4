import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { bundleLocally } from '../infra/bundling.js';
import { exampleHookConfig } from '../infra/local/hook-serve.js';
import { startLocalSecretsManager } from '../infra/local/secrets-manager/index.js';
import { HOOK_ENV } from '../lambda/shared/contract.js';
import type { SecretStore } from '../lambda/shared/secret-store.js';
import { createApiKeyVerifier } from '../lambda/token-hook/auth.js';
import type { FunctionUrlEvent } from '../lambda/token-hook/function-url.js';
import { createTokenHook } from '../lambda/token-hook/token-hook.js';
import { transform } from '../lambda/token-hook/transform.js';
import { largePayload, referencePayload } from './payloads.js';

/**
 * `npm run bench`: the hook's budgets from design.md, measured in one run on this machine.
 * 1. warm, in-process: the whole hook (adapter, auth, parse, rules, transform, encode, patch check,
 *    response, log line built and handed to a no-op sink) per request, against the JSON floor
 *    (JSON.parse + JSON.stringify of the same body) measured in the same loop style;
 * 2. bundle sizes, built by infra/bundling.ts exactly as CDK builds them;
 * 3. cold load: fresh `node` processes importing the bundle, the key read at init going through the
 *    real SDK to a local Secrets Manager endpoint, side by side with two floors.
 */

const run = promisify(execFile);
const KEY = 'bench-api-key-0123456789abcdef';
const OUT = fileURLToPath(new URL('../node_modules/.cache/okta-token-hook-bench/', import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const BUDGET = { p99Ms: 1, floorRatio: 3, coldStartOverFloorMs: 25, bundleKb: 150 };

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const ms = (ns: number) => ns / 1e6;
const fmt = (value: number, digits = 3) => value.toFixed(digits);

interface Timing {
  p50: number;
  p99: number;
  mean: number;
  /** p99 of the CPU time this process spent per request: what p99 is when nothing preempts it. */
  cpuP99: number;
  perSecond: number;
}

function summarize(samples: number[], cpu: number[], totalNs: number): Timing {
  samples.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return {
    p50: ms(percentile(samples, 50)),
    p99: ms(percentile(samples, 99)),
    mean: ms(mean),
    cpuP99: ms(percentile(cpu, 99)),
    perSecond: samples.length / (totalNs / 1e9),
  };
}

/**
 * Times `hook` and `floor` alternately, one call each per round, so both see the same machine: on a
 * shared machine a burst of load then inflates both instead of whichever loop happened to run then.
 */
async function timePair(iterations: number, hook: () => Promise<unknown>, floor: () => unknown): Promise<{ hook: Timing; floor: Timing }> {
  const wall = { hook: new Array<number>(iterations), floor: new Array<number>(iterations) };
  const cpu = { hook: new Array<number>(iterations), floor: new Array<number>(iterations) };
  let hookTotal = 0;
  let floorTotal = 0;
  for (let i = 0; i < iterations; i += 1) {
    let c0 = process.cpuUsage();
    let t0 = process.hrtime.bigint();
    await hook();
    wall.hook[i] = Number(process.hrtime.bigint() - t0);
    let used = process.cpuUsage(c0);
    cpu.hook[i] = (used.user + used.system) * 1_000;
    hookTotal += wall.hook[i]!;
    c0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    floor();
    wall.floor[i] = Number(process.hrtime.bigint() - t0);
    used = process.cpuUsage(c0);
    cpu.floor[i] = (used.user + used.system) * 1_000;
    floorTotal += wall.floor[i]!;
  }
  return { hook: summarize(wall.hook, cpu.hook, hookTotal), floor: summarize(wall.floor, cpu.floor, floorTotal) };
}

async function warm(): Promise<{ name: string; bytes: number; hook: Timing; floor: Timing }[]> {
  const store: SecretStore = {
    getSecret: async (_id, ref) => (ref && 'stage' in ref && ref.stage === 'AWSCURRENT' ? { value: KEY, versionId: 'v1', stages: ['AWSCURRENT'] } : undefined),
    putPendingSecret: async () => undefined,
    describeVersions: async () => ({ rotationEnabled: false, versions: {} }),
    promoteVersion: async () => undefined,
  };
  const keys = createApiKeyVerifier({ secretStore: store, secretId: 'arn' });
  await keys.load();
  const config = exampleHookConfig();
  const hook = createTokenHook({ config: { ...config, maxBodyBytes: 1_048_576 }, keys, transform, log: () => undefined });
  const results = [];
  for (const [name, payload, iterations] of [
    ['reference (Okta TokenPayLoadExample)', referencePayload(), 20_000],
    ['large (200 profile attributes, 100 claims per token)', largePayload(), 2_000],
  ] as const) {
    const body = JSON.stringify(payload);
    const event: FunctionUrlEvent = {
      headers: { authorization: KEY, 'content-type': 'application/json' },
      requestContext: { http: { method: 'POST' }, requestId: 'bench' },
      body,
      isBase64Encoded: false,
    };
    const check = await hook(event);
    if (check.statusCode !== 200) throw new Error(`bench request answered ${check.statusCode}: fix the bench payload`);
    const floor = () => JSON.stringify(JSON.parse(body));
    // A first pass lets the JIT settle; the second is the measurement.
    await timePair(iterations, () => hook(event), floor);
    const timing = await timePair(iterations, () => hook(event), floor);
    results.push({ name, bytes: Buffer.byteLength(body), ...timing });
  }
  return results;
}

async function bundles(): Promise<{ hook: string; clientFloor: string; fetchFloor: string; withoutSdk: number; withSdk: number; floorWithSdk: number }> {
  mkdirSync(OUT, { recursive: true });
  const hook = `${OUT}hook.mjs`;
  const clientFloor = `${OUT}floor-client.mjs`;
  const fetchFloor = `${OUT}floor-fetch.mjs`;
  const withoutSdk = await bundleLocally(root('lambda/token-hook/handler.ts'), hook);
  const withSdk = await bundleLocally(root('lambda/token-hook/handler.ts'), `${OUT}hook-with-sdk.mjs`, { includeAwsSdk: true });
  const floorWithSdk = await bundleLocally(root('bench/floor-client.ts'), `${OUT}floor-client-with-sdk.mjs`, { includeAwsSdk: true });
  await bundleLocally(root('bench/floor-client.ts'), clientFloor);
  await bundleLocally(root('bench/floor-fetch.ts'), fetchFloor);
  return { hook, clientFloor, fetchFloor, withoutSdk, withSdk, floorWithSdk };
}

// Prints wall-clock and CPU milliseconds of the import (CPU: unaffected by other processes on the machine).
const LOADER = `const c0 = process.cpuUsage();
const t0 = performance.now();
await import(process.argv[2]);
const wall = performance.now() - t0;
const cpu = process.cpuUsage(c0);
process.stdout.write(wall + ' ' + (cpu.user + cpu.system) / 1000);
process.exit(0);
`;

interface Load {
  wall: number;
  cpu: number;
}

async function coldLoads(files: Record<string, string>, rounds: number): Promise<Record<string, Load>> {
  const secretsManager = await startLocalSecretsManager();
  try {
    const arn = secretsManager.createSecret('bench/api-key', KEY);
    const loader = `${OUT}load.mjs`;
    writeFileSync(loader, LOADER);
    const env = {
      ...process.env,
      ...secretsManager.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      [HOOK_ENV.apiKeySecretArn]: arn,
      [HOOK_ENV.hookConfig]: JSON.stringify(exampleHookConfig()),
    };
    const samples: Record<string, Load[]> = Object.fromEntries(Object.keys(files).map((name) => [name, []]));
    // Interleaved so a busy moment of the machine hits every bundle alike.
    for (let round = 0; round < rounds + 1; round += 1) {
      for (const [name, file] of Object.entries(files)) {
        // Asynchronous: the Secrets Manager endpoint answering the child lives in this process.
        const { stdout } = await run(process.execPath, [loader, file], { env, encoding: 'utf8', timeout: 30_000 });
        const [wall, cpu] = stdout.split(' ').map(Number);
        if (round > 0) samples[name]!.push({ wall: wall!, cpu: cpu! });
      }
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return Object.fromEntries(
      Object.entries(samples).map(([name, values]) => [name, { wall: median(values.map((v) => v.wall)), cpu: median(values.map((v) => v.cpu)) }]),
    );
  } finally {
    await secretsManager.close();
  }
}

const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');

async function main(): Promise<void> {
  const load = loadavg().map((value) => value.toFixed(1)).join(' ');
  console.log(`okta-token-hook bench: node ${process.version}, ${process.arch}, ${cpus().length} CPUs, load average ${load}, ${new Date().toISOString()}\n`);

  console.log('Warm, in-process, per request (rules of the example environment; log sink is a no-op):');
  for (const { name, bytes, hook, floor } of await warm()) {
    // The median: the typical cost, not which of the two loops a burst of load on the machine hit.
    const ratio = hook.p50 / floor.p50;
    console.log(`  ${name}, ${(bytes / 1024).toFixed(1)} KB`);
    console.log(`    hook:       p50 ${fmt(hook.p50)} ms  p99 ${fmt(hook.p99)} ms  mean ${fmt(hook.mean)} ms  (CPU p99 ${fmt(hook.cpuP99)} ms)  ${Math.round(hook.perSecond)} req/s on one core`);
    console.log(`    JSON floor: p50 ${fmt(floor.p50)} ms  p99 ${fmt(floor.p99)} ms  mean ${fmt(floor.mean)} ms  (CPU p99 ${fmt(floor.cpuP99)} ms)`);
    console.log(`    cost vs JSON floor: ${ratio.toFixed(2)}x (median), ${(hook.mean / floor.mean).toFixed(2)}x (mean)`);
    if (name.startsWith('reference')) {
      console.log(`    budget p99 < ${BUDGET.p99Ms} ms: ${verdict(hook.p99 < BUDGET.p99Ms)} (wall clock), ${verdict(hook.cpuP99 < BUDGET.p99Ms)} (CPU); ratio <= ${BUDGET.floorRatio}x: ${verdict(ratio <= BUDGET.floorRatio)}`);
    }
  }

  const built = await bundles();
  console.log('\nBundle of lambda/token-hook/handler.ts (infra/bundling.ts, minified ESM, as CDK builds it):');
  console.log(`  without the AWS SDK (as deployed, Node 24 runtime provides it): ${(built.withoutSdk / 1024).toFixed(1)} KB  budget < ${BUDGET.bundleKb} KB: ${verdict(built.withoutSdk / 1024 < BUDGET.bundleKb)}`);
  console.log(`  with the AWS SDK bundled:                                       ${(built.withSdk / 1024).toFixed(1)} KB (a bare SecretsManagerClient: ${(built.floorWithSdk / 1024).toFixed(1)} KB)`);

  const rounds = Number(process.env['BENCH_COLD_ROUNDS'] ?? 15);
  const cold = await coldLoads({ hook: built.hook, clientFloor: built.clientFloor, fetchFloor: built.fetchFloor }, rounds);
  console.log(`\nCold load: median of ${rounds} fresh node processes, time to import the bundle (SDK from node_modules;`);
  console.log('  the key read at init goes through the real SDK to a local Secrets Manager endpoint on loopback):');
  const { hook, clientFloor, fetchFloor } = cold as Record<'hook' | 'clientFloor' | 'fetchFloor', Load>;
  const line = (label: string, load: Load, vs?: Load) =>
    console.log(`  ${label} wall ${fmt(load.wall, 1)} ms, CPU ${fmt(load.cpu, 1)} ms${vs ? `  (hook +${fmt(hook.wall - load.wall, 1)} ms wall, +${fmt(hook.cpu - load.cpu, 1)} ms CPU)` : ''}`);
  line('hook bundle (config parse + key read, top-level await):', hook);
  line('floor, SecretsManagerClient created:                    ', clientFloor, clientFloor);
  line('floor, client + one GetSecretValue at init:             ', fetchFloor, fetchFloor);
  const over = hook.wall - fetchFloor.wall;
  console.log(`  budget: hook <= floor + ${BUDGET.coldStartOverFloorMs} ms (wall, against the floor that also reads the key): ${verdict(over <= BUDGET.coldStartOverFloorMs)}`);
}

await main();
