import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, HOOK_RUNTIME_BUNDLE, HOOK_TRANSFORM_FILE, LAMBDA_BUNDLING, type LocalBundleOptions } from '../../infra/bundling.js';
import { exampleHookConfig } from '../../infra/local/hook-serve.js';
import { startLocalSecretsManager } from '../../infra/local/secrets-manager/index.js';
import { HOOK_ENV } from '../../lambda/shared/contract.js';
import { hookSettingsEnvironment } from '../../lambda/shared/hook-settings.js';
import type { BenchCase } from '../lib/bench-case.js';
import { functionUrlEvent, KEY } from '../lib/hook.js';
import { openTelemetryPipe } from '../lib/lambda-log.js';
import { out, progress } from '../lib/measure.js';
import { referencePayload } from '../payloads.js';

const run = promisify(execFile);
export const BENCH_CACHE = fileURLToPath(new URL('../../node_modules/.cache/okta-token-hook-bench/', import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface Variant {
  readonly label: string;
  readonly entry: string;
  readonly bundling: LocalBundleOptions;
  /** Calls the handler once after the import: the first answer. */
  readonly answers: boolean;
}

const ONE_FILE: LocalBundleOptions = {};

const VARIANTS = {
  today: { label: '1. first release: key read with the SDK from the runtime', entry: 'bench/cold-start/hook-sdk.ts', bundling: ONE_FILE, answers: true },
  sdkBundled: { label: '2. the first release with the SDK bundled', entry: 'bench/cold-start/hook-sdk.ts', bundling: { includeAwsSdk: true }, answers: true },
  aws4fetch: { label: '3. key read with aws4fetch (WebCrypto, fetch)', entry: 'bench/cold-start/hook-aws4fetch.ts', bundling: ONE_FILE, answers: true },
  shipped: { label: '5. the hook as shipped: node:crypto SigV4 over node:http', entry: 'lambda/token-hook/handler.ts', bundling: HOOK_RUNTIME_BUNDLE, answers: true },
  floorSdkClient: { label: 'floor: an SDK client created, no read', entry: 'bench/cold-start/floor-sdk-client.ts', bundling: ONE_FILE, answers: false },
  floorSdkRead: { label: 'floor: a bare process reading the key with the SDK', entry: 'bench/cold-start/floor-sdk-read.ts', bundling: ONE_FILE, answers: false },
  floorFetch: { label: 'floor: a bare process reading the key with aws4fetch', entry: 'bench/cold-start/floor-signed-read.ts', bundling: ONE_FILE, answers: false },
  floorHttp: { label: 'floor: a bare process reading the key with node:crypto SigV4 over node:http', entry: 'bench/cold-start/floor-http-read.ts', bundling: ONE_FILE, answers: false },
} as const satisfies Record<string, Variant>;
type Name = keyof typeof VARIANTS;
const FLOORS = ['floorSdkRead', 'floorFetch', 'floorHttp'] as const satisfies readonly Name[];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Sizes {
  /** Every file written (entry and chunks). */
  readonly bytes: number;
  /** The entry and the chunks it imports statically: what a cold start reads and parses. */
  readonly loadedBytes: number;
  /** Bytes of inputs whose path matches, over all files. */
  readonly of: (pattern: RegExp) => number;
}

function sizesOf(metafile: Metafile, entry: string): Sizes {
  const loaded = new Set<string>();
  const visit = (output: string): void => {
    if (loaded.has(output)) return;
    loaded.add(output);
    for (const imported of metafile.outputs[output]!.imports) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  const outputs = Object.entries(metafile.outputs);
  return {
    bytes: outputs.reduce((sum, [, output]) => sum + output.bytes, 0),
    loadedBytes: outputs.filter(([path]) => loaded.has(path)).reduce((sum, [, output]) => sum + output.bytes, 0),
    of: (pattern) => outputs.flatMap(([, output]) => Object.entries(output.inputs)).filter(([path]) => pattern.test(path)).reduce((sum, [, input]) => sum + input.bytesInOutput, 0),
  };
}

/** Bundles `variant` into `dir` as the package build or CDK does; the hook as shipped gets its transform module beside it. */
async function bundle(variant: Variant, dir: string): Promise<Sizes> {
  rmSync(dir, { recursive: true, force: true });
  const outfile = join(dir, LAMBDA_BUNDLING.outputFile);
  const result = await build({ ...esbuildOptions(root(variant.entry), outfile, variant.bundling), metafile: true });
  if (variant.bundling.transformBeside) await build(esbuildOptions(root('lambda/token-hook/transform.ts'), join(dir, HOOK_TRANSFORM_FILE)));
  return sizesOf(result.metafile, relative(process.cwd(), outfile));
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * Cold start side by side: fresh processes importing each candidate (the key read at init goes to a
 * local Secrets Manager endpoint on loopback) and answering one request with the real log line,
 * interleaved round by round, against floors that only read the key.
 */
export const coldStart: BenchCase = {
  name: 'cold-start',
  title: 'cold start (fresh process: import + key read + first answer) and bundle size',
  weight: 4,
  async run(budgetMs) {
    progress('cold start: bundling the candidates');
    mkdirSync(BENCH_CACHE, { recursive: true });
    const files = {} as Record<Name, string>;
    const sizes = {} as Record<Name, Sizes>;
    for (const [name, variant] of Object.entries(VARIANTS) as [Name, Variant][]) {
      const dir = join(BENCH_CACHE, `cold-${name}`);
      sizes[name] = await bundle(variant, dir);
      files[name] = join(dir, LAMBDA_BUNDLING.outputFile);
    }
    const loader = join(BENCH_CACHE, 'cold-loader.mjs');
    await build(esbuildOptions(root('bench/cold-start/loader.ts'), loader, { esmOnly: true }));
    const secretsManager = await startLocalSecretsManager();
    const telemetry = openTelemetryPipe();
    const samples = Object.fromEntries(Object.keys(VARIANTS).map((name) => [name, { wall: [] as number[], cpu: [] as number[] }])) as Record<Name, { wall: number[]; cpu: number[] }>;
    try {
      const arn = secretsManager.createSecret('bench/api-key', KEY);
      const env = {
        ...process.env,
        ...secretsManager.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        BENCH_TELEMETRY_PIPE: telemetry.path,
        [HOOK_ENV.apiKeySecretArn]: arn,
        // As the construct deploys it: the config validated at synth, with its digest.
        ...hookSettingsEnvironment(exampleHookConfig()),
      };
      const event = JSON.stringify(functionUrlEvent(JSON.stringify(referencePayload())));
      const started = performance.now();
      // Interleaved, so a busy moment of the machine hits every candidate alike; round 0 warms the disk
      // cache. At least 8 rounds past it, whatever the budget: a median of fewer is noise on a busy machine.
      for (let round = 0; round < 41 && (round < 9 || performance.now() - started < budgetMs); round += 1) {
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
      telemetry.close();
      await secretsManager.close();
    }
    const cold = Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, { wall: median(s.wall), cpu: median(s.cpu) }])) as Record<Name, { wall: number; cpu: number }>;
    const rounds = samples.today.wall.length;
    out(`median of ${rounds} fresh node processes per candidate, interleaved; wall-clock and CPU ms from before the import to the first answer`);
    out('(its log line written as the Lambda runtime writes it):');
    for (const [name, variant] of Object.entries(VARIANTS) as [Name, Variant][]) {
      const { wall, cpu } = cold[name];
      const versus = variant.answers && name !== 'today' ? `  (${((wall / cold.today.wall) * 100).toFixed(0)}% of the first release's wall time)` : '';
      out(`  ${variant.label.padEnd(74)} wall ${wall.toFixed(1).padStart(6)} ms  CPU ${cpu.toFixed(1).padStart(6)} ms${versus}`);
    }
    const cheapest = FLOORS.reduce((best, name) => (cold[name].wall < cold[best].wall ? name : best));
    const over = cold.shipped.wall - cold[cheapest].wall;
    out(`  the hook as shipped is ${over >= 0 ? '+' : ''}${over.toFixed(1)} ms wall (${(cold.shipped.cpu - cold[cheapest].cpu).toFixed(1)} ms CPU) over the cheapest floor (${VARIANTS[cheapest].label.replace('floor: ', '')})`);
    out('  4. the Parameters and Secrets Lambda Extension: not measured; see the README (Performance) for why');
    out();
    const shipped = sizes.shipped;
    out('bundles, minified ESM as the package build and CDK make them (infra/bundling.ts):');
    out(`  the hook as shipped: ${kb(shipped.loadedBytes)} read at cold start with an API key (the signer, lambda/shared/sigv4.ts, ${kb(shipped.of(/lambda\/shared\/sigv4\.ts$/))}); no AWS SDK`);
    out(`    ${kb(shipped.bytes)} in all, with the chunks loaded on demand: jose ${kb(shipped.of(/node_modules\/jose\//))} (OAuth 2.0 only), zod ${kb(shipped.of(/node_modules\/zod\//))}`);
    out(`  the first release: ${kb(sizes.today.bytes)} without the SDK, ${kb(sizes.sdkBundled.bytes)} with it bundled; aws4fetch: ${kb(sizes.aws4fetch.of(/node_modules\/aws4fetch\//))}`);
    return [
      { budget: "cold start at most half of the first release's bundle", ok: cold.shipped.wall <= cold.today.wall / 2, measured: `${((cold.shipped.wall / cold.today.wall) * 100).toFixed(0)}% (${cold.shipped.wall.toFixed(1)} ms against ${cold.today.wall.toFixed(1)} ms)` },
      { budget: 'cold start within 15 ms of the cheapest floor', ok: over <= 15, measured: `${over >= 0 ? '+' : ''}${over.toFixed(1)} ms` },
      { budget: 'bundle under 150 KB without the SDK', ok: shipped.bytes < 150 * 1024, measured: `${kb(shipped.bytes)} in all, ${kb(shipped.loadedBytes)} read at cold start` },
    ];
  },
};
