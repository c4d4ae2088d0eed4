import { cpus, loadavg } from 'node:os';
import { coldStart } from './cases/cold-start.js';
import { http } from './cases/http.js';
import { inProcess } from './cases/in-process.js';
import { pathological } from './cases/pathological.js';
import { pointerCheck } from './cases/pointer-check.js';
import { scaling } from './cases/scaling.js';
import type { BenchCase, BudgetCheck } from './lib/bench-case.js';
import { out, progress } from './lib/measure.js';

/**
 * `npm run bench`: design.md's performance budgets, measured in one run on this machine. Each case
 * lives in its own file under bench/cases/ and gets a share of the run's time budget (BENCH_SECONDS,
 * 120 by default); the run prints its progress on stderr and the report on stdout.
 */

const CASES: readonly BenchCase[] = [inProcess, scaling, pathological, pointerCheck, http, coldStart];

const seconds = Number(process.env['BENCH_SECONDS'] ?? 120);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`BENCH_SECONDS must be a positive number of seconds, got ${process.env['BENCH_SECONDS']}`);
const only = process.env['BENCH_ONLY']?.split(',').map((name) => name.trim().toLowerCase());
const selected = CASES.filter((c) => !only || only.includes(c.name));
if (selected.length === 0) throw new Error(`BENCH_ONLY names no case: use some of ${CASES.map((c) => c.name).join(', ')}`);
const totalWeight = selected.reduce((sum, c) => sum + c.weight, 0);

// The hard bound: a machine so busy that the cases overrun their shares twice over stops the run.
const hardStopMs = seconds * 2_000 + 60_000;
setTimeout(() => {
  process.stderr.write(`bench: stopped after ${hardStopMs / 1_000} s (twice BENCH_SECONDS plus a minute): the machine is too busy to measure; retry when it is quieter\n`);
  process.exit(2);
}, hardStopMs).unref();

const load = loadavg().map((value) => value.toFixed(1)).join(' ');
out(`okta-token-hook bench: node ${process.version}, ${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${load}, ${new Date().toISOString()}`);
out(`time budget ${seconds} s (BENCH_SECONDS), hard stop at ${hardStopMs / 1_000} s; progress on stderr. CPU time per request is the figure`);
out('to read on a shared machine: wall-clock time also counts other processes\' turns on the CPU.\n');

const checks: BudgetCheck[] = [];
for (const [index, benchCase] of selected.entries()) {
  progress(`${index + 1}/${selected.length} ${benchCase.title}`);
  out(`== ${benchCase.title}`);
  checks.push(...(await benchCase.run((seconds * 1_000 * benchCase.weight) / totalWeight)));
  out();
}

out('== budgets (design.md)');
for (const check of checks) out(`  ${check.ok ? 'ok  ' : 'OVER'}  ${check.budget}: ${check.measured}`);
progress('done');
