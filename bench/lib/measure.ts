/**
 * Timing helpers shared by the bench's cases. CPU time is the figure that matters on a shared machine
 * (another process's burst inflates wall time, not this process's CPU); wall time is shown beside it.
 */

export interface Cost {
  /** Median over rounds of wall-clock microseconds per call. */
  readonly wallUs: number;
  /** Median over rounds of CPU microseconds (user + system) per call. */
  readonly cpuUs: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

type Work = () => unknown;

async function batch(work: Work, calls: number, isAsync: boolean): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  if (isAsync) for (let i = 0; i < calls; i += 1) await work();
  else for (let i = 0; i < calls; i += 1) work();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { wall: (wall * 1_000) / calls, cpu: (cpu.user + cpu.system) / calls };
}

export interface CompareOptions {
  /** Time to spend measuring, all contenders together (after a warm-up of a fifth of it). */
  readonly budgetMs: number;
  /** @default 15 */
  readonly rounds?: number;
}

/**
 * The per-call cost of each contender, measured in rounds that alternate them (batches of calls sized
 * so each takes about the same time), so a burst of load on the machine hits them all alike. A
 * contender returning a promise is awaited, call by call.
 */
export async function compare<K extends string>(contenders: Record<K, Work>, options: CompareOptions): Promise<Record<K, Cost>> {
  const names = Object.keys(contenders) as K[];
  const rounds = options.rounds ?? 15;
  const isAsync = Object.fromEntries(names.map((name) => [name, contenders[name]() instanceof Promise])) as Record<K, boolean>;
  // Calibrate: how many calls of each fill its share of a round.
  const share = options.budgetMs / rounds / names.length;
  const calls = {} as Record<K, number>;
  for (const name of names) {
    let n = 1;
    let elapsed = 0;
    while (elapsed < 5 && n < 1e6) {
      const t0 = performance.now();
      await batch(contenders[name], n, isAsync[name]);
      elapsed = performance.now() - t0;
      if (elapsed < 5) n *= 4;
    }
    calls[name] = Math.max(1, Math.round((n * share) / Math.max(elapsed, 0.001)));
  }
  // Warm-up: lets the JIT settle on every contender before anything counts.
  for (const name of names) await batch(contenders[name], Math.max(1, Math.round(calls[name] / 5)), isAsync[name]);
  const samples = Object.fromEntries(names.map((name) => [name, { wall: [] as number[], cpu: [] as number[] }])) as Record<K, { wall: number[]; cpu: number[] }>;
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const { wall, cpu } = await batch(contenders[name], calls[name], isAsync[name]);
      samples[name].wall.push(wall);
      samples[name].cpu.push(cpu);
    }
  }
  return Object.fromEntries(names.map((name) => [name, { wallUs: median(samples[name].wall), cpuUs: median(samples[name].cpu) }])) as Record<K, Cost>;
}

/** How long `latency` may take: a slow transform makes each call slow, and the run must still end. */
export const LATENCY_LIMIT_MS = 15_000;

/**
 * Wall-clock latency of single calls: p50 and p99 in microseconds, over `calls` calls, or over those made
 * within `limitMs` (the run says so).
 */
export async function latency(work: () => Promise<unknown>, calls: number, limitMs = LATENCY_LIMIT_MS): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  const stopAt = performance.now() + limitMs;
  for (let i = 0; i < calls; i += 1) {
    const t0 = performance.now();
    await work();
    samples.push((performance.now() - t0) * 1_000);
    if (performance.now() > stopAt && i + 1 < calls) {
      const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
      progress(`latency: stopped after ${samples.length} of ${calls} calls (${limitMs / 1_000} s): ${us(mean)} per call, a slow transform? the figures cover the calls made`);
      break;
    }
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export const us = (value: number): string => (value >= 1_000 ? `${(value / 1_000).toFixed(2)} ms` : `${value.toFixed(1)} µs`);
export const ratio = (value: number): string => `${value.toFixed(2)}×`;
export const verdict = (ok: boolean): string => (ok ? 'within budget' : 'OVER BUDGET');

/** Where the run is, on stderr, so a long bench shows progress without mixing into its report. */
export function progress(step: string): void {
  const elapsed = ((performance.now() - START) / 1_000).toFixed(0);
  process.stderr.write(`[bench ${elapsed.padStart(3)} s] ${step}\n`);
}
const START = performance.now();

/** The report, on stdout (not through console, which the Lambda log emulation takes over). */
export const out = (line = ''): void => void process.stdout.write(`${line}\n`);
