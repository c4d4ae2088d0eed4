import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions } from '../../infra/bundling.js';
import { exampleHookConfig } from '../../infra/local/hook-serve.js';
import { startLocalSecretsManager } from '../../infra/local/secrets-manager/index.js';
import { HOOK_ENV } from '../../lambda/shared/contract.js';
import type { BenchCase } from '../lib/bench-case.js';
import { functionUrlEvent, KEY } from '../lib/hook.js';
import { out, progress } from '../lib/measure.js';
import { referencePayload } from '../payloads.js';

const run = promisify(execFile);
export const BENCH_CACHE = fileURLToPath(new URL('../../node_modules/.cache/okta-token-hook-bench/', import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface Variant {
  readonly label: string;
  readonly entry: string;
  readonly bundleSdk: boolean;
  /** Calls the handler once after the import: the first answer. */
  readonly answers: boolean;
}

const VARIANTS = {
  today: { label: '1. first release: key read with the SDK from the runtime', entry: 'bench/cold-start/hook-sdk.ts', bundleSdk: false, answers: true },
  sdkBundled: { label: '2. the SDK bundled into the hook', entry: 'bench/cold-start/hook-sdk.ts', bundleSdk: true, answers: true },
  signed: { label: '3. signed fetch (aws4fetch): the hook as shipped', entry: 'lambda/token-hook/handler.ts', bundleSdk: false, answers: true },
  floorSdkClient: { label: 'floor: an SDK client created, no read', entry: 'bench/cold-start/floor-sdk-client.ts', bundleSdk: false, answers: false },
  floorSdkRead: { label: 'floor: a bare process reading the key with the SDK', entry: 'bench/cold-start/floor-sdk-read.ts', bundleSdk: false, answers: false },
  floorSigned: { label: 'floor: a bare process reading the key with signed fetch', entry: 'bench/cold-start/floor-signed-read.ts', bundleSdk: false, answers: false },
} as const satisfies Record<string, Variant>;
type Name = keyof typeof VARIANTS;

// Runs in a fresh `node`: import the bundle (which reads the key at init), answer one request, and
// print wall-clock and CPU milliseconds of all that.
const LOADER = `const c0 = process.cpuUsage();
const t0 = performance.now();
const module = await import(process.argv[2]);
if (process.argv[3]) {
  const result = await module.handler(JSON.parse(process.argv[3]));
  if (result.statusCode !== 200) throw new Error('first answer was ' + result.statusCode);
}
const wall = performance.now() - t0;
const cpu = process.cpuUsage(c0);
process.stdout.write('\\ncold-start ' + wall + ' ' + (cpu.user + cpu.system) / 1000);
process.exit(0);
`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Bundles `entry` as CDK does; returns the bundle's bytes and those of aws4fetch in it. */
async function bundle(entry: string, outfile: string, bundleSdk: boolean): Promise<{ bytes: number; signerBytes: number }> {
  const result = await build({ ...esbuildOptions(root(entry), outfile, { includeAwsSdk: bundleSdk }), metafile: true });
  const output = Object.values(result.metafile.outputs)[0]!;
  const signerBytes = Object.entries(output.inputs).filter(([path]) => path.includes('aws4fetch')).reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
  return { bytes: output.bytes, signerBytes };
}

/**
 * Cold start side by side: fresh processes importing each candidate bundle (the key read at init goes
 * to a local Secrets Manager endpoint on loopback) and answering one request, interleaved round by
 * round, against floors that only read the key.
 */
export const coldStart: BenchCase = {
  name: 'cold-start',
  title: 'cold start (fresh process: import + key read + first answer) and bundle size',
  weight: 4,
  async run(budgetMs) {
    progress('cold start: bundling the candidates');
    mkdirSync(BENCH_CACHE, { recursive: true });
    const files = {} as Record<Name, string>;
    const sizes = {} as Record<Name, { bytes: number; signerBytes: number }>;
    for (const [name, variant] of Object.entries(VARIANTS) as [Name, Variant][]) {
      files[name] = `${BENCH_CACHE}cold-${name}.mjs`;
      sizes[name] = await bundle(variant.entry, files[name], variant.bundleSdk);
    }
    const loader = `${BENCH_CACHE}cold-loader.mjs`;
    writeFileSync(loader, LOADER);
    const secretsManager = await startLocalSecretsManager();
    const samples = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, { wall: [] as number[], cpu: [] as number[] }])) as Record<Name, { wall: number[]; cpu: number[] }>;
    try {
      const arn = secretsManager.createSecret('bench/api-key', KEY);
      const env = {
        ...process.env,
        ...secretsManager.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        [HOOK_ENV.apiKeySecretArn]: arn,
        [HOOK_ENV.hookConfig]: JSON.stringify(exampleHookConfig()),
      };
      const event = JSON.stringify(functionUrlEvent(JSON.stringify(referencePayload())));
      const started = performance.now();
      // Interleaved, so a busy moment of the machine hits every candidate alike; round 0 warms the disk cache.
      for (let round = 0; round < 41 && (round < 4 || performance.now() - started < budgetMs); round += 1) {
        if (round % 5 === 0) progress(`cold start: round ${round}`);
        for (const [name, variant] of Object.entries(VARIANTS) as [Name, Variant][]) {
          // Asynchronous: the Secrets Manager endpoint answering the child lives in this process.
          const { stdout } = await run(process.execPath, [loader, files[name], ...(variant.answers ? [event] : [])], { env, encoding: 'utf8', timeout: 30_000 });
          const [wall, cpu] = stdout.slice(stdout.lastIndexOf('\ncold-start ') + 12).split(' ').map(Number);
          if (round === 0) continue;
          samples[name].wall.push(wall!);
          samples[name].cpu.push(cpu!);
        }
      }
    } finally {
      await secretsManager.close();
    }
    const cold = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, { wall: median(s.wall), cpu: median(s.cpu) }])) as Record<Name, { wall: number; cpu: number }>;
    const rounds = samples.today.wall.length;
    out(`median of ${rounds} fresh node processes per candidate, interleaved; wall-clock and CPU ms from before the import to the first answer:`);
    for (const [name, variant] of Object.entries(VARIANTS) as [Name, Variant][]) {
      const { wall, cpu } = cold[name];
      const versus = variant.answers && name !== 'today' ? `  (${((wall / cold.today.wall) * 100).toFixed(0)}% of the first release's wall time)` : '';
      out(`  ${variant.label.padEnd(58)} wall ${wall.toFixed(1).padStart(6)} ms  CPU ${cpu.toFixed(1).padStart(6)} ms${versus}`);
    }
    const cheapest = Math.min(cold.floorSdkRead.wall, cold.floorSigned.wall);
    const over = cold.signed.wall - cheapest;
    out(`  the hook as shipped is ${over >= 0 ? '+' : ''}${over.toFixed(1)} ms wall (${(cold.signed.cpu - Math.min(cold.floorSdkRead.cpu, cold.floorSigned.cpu)).toFixed(1)} ms CPU) over the cheapest floor`);
    out('  4. the Parameters and Secrets Lambda Extension: not measured; see the README (Performance) for why');
    out();
    const hookKb = sizes.signed.bytes / 1024;
    out('bundles, minified ESM as CDK builds them (infra/bundling.ts):');
    out(`  the hook as shipped: ${hookKb.toFixed(1)} KB, of which the signer (aws4fetch) ${(sizes.signed.signerBytes / 1024).toFixed(1)} KB; no AWS SDK`);
    out(`  the first release: ${(sizes.today.bytes / 1024).toFixed(1)} KB without the SDK, ${(sizes.sdkBundled.bytes / 1024).toFixed(1)} KB with it bundled`);
    return [
      { budget: "cold start at most half of the first release's bundle", ok: cold.signed.wall <= cold.today.wall / 2, measured: `${((cold.signed.wall / cold.today.wall) * 100).toFixed(0)}% (${cold.signed.wall.toFixed(1)} ms against ${cold.today.wall.toFixed(1)} ms)` },
      { budget: 'cold start within 15 ms of the cheapest floor', ok: over <= 15, measured: `${over >= 0 ? '+' : ''}${over.toFixed(1)} ms` },
      { budget: 'bundle under 150 KB without the SDK', ok: hookKb < 150, measured: `${hookKb.toFixed(1)} KB` },
    ];
  },
};
