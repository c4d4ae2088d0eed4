import { performance } from 'node:perf_hooks';
import { HookConfigSchema } from '../../lambda/shared/hook-config.js';
import type { BenchCase } from '../lib/bench-case.js';
import { out, progress } from '../lib/measure.js';

/**
 * The hook config's JSON pointer check must be linear: the old pattern `^(\/([^~]|~[01])*)+$` took
 * 2.7 s on 26 characters ending in a bad escape. Budget: a 10,000-character pathological pointer is
 * checked in under 50 ms (the whole config parse, worst of 20).
 */

const BUDGET_MS = 50;
const LENGTH = 10_000;

// Inputs that make a nested-quantifier pattern try every split before failing on the last character.
const POINTERS: Readonly<Record<string, string>> = {
  'slashes, bad end': `${'/'.repeat(LENGTH - 1)}~`,
  'segments, bad escape': `${'/a'.repeat((LENGTH - 2) / 2)}~2`,
  'valid, escapes only': '/~0~1'.repeat(LENGTH / 5),
};

function worstMs(pointer: string, runs = 20): number {
  const config = { rules: [{ name: 'r', set: [{ claim: 'c', token: 'access', from: pointer }] }] };
  let worst = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    HookConfigSchema.safeParse(config);
    worst = Math.max(worst, performance.now() - started);
  }
  return worst;
}

export const pointerCheck: BenchCase = {
  name: 'pointer',
  title: `hook config: JSON pointer check on ${LENGTH.toLocaleString('en')}-character pathological pointers`,
  weight: 0.1,
  async run() {
    const checks = [];
    for (const [name, pointer] of Object.entries(POINTERS)) {
      progress(`pointer: ${name}`);
      const ms = worstMs(pointer);
      out(`  ${name.padEnd(22)} worst ${ms.toFixed(2)} ms of 20 parses`);
      checks.push({ budget: `pointer check, ${name}: under ${BUDGET_MS} ms`, ok: ms < BUDGET_MS, measured: `${ms.toFixed(2)} ms` });
    }
    return checks;
  },
};
