import { performance } from 'node:perf_hooks';
import { HookConfigSchema } from '../lambda/shared/hook-config.js';

/**
 * `npm run bench`, pointer case: the hook config's JSON pointer check must be linear. The old pattern
 * `^(\/([^~]|~[01])*)+$` took 2.7 s on 26 characters ending in a bad escape; a 10,000-character
 * pathological pointer must be checked in under 50 ms.
 */

const BUDGET_MS = 50;
const LENGTH = 10_000;

// Inputs that make a nested-quantifier pattern try every split before failing on the last character.
const PATHOLOGICAL = {
  'slashes, bad end': `${'/'.repeat(LENGTH - 1)}~`,
  'segments, bad escape': `${'/a'.repeat((LENGTH - 2) / 2)}~2`,
  'valid, escapes': `${'/~0~1'.repeat(LENGTH / 5)}`,
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

let failed = false;
console.log(`hook config pointer check, ${LENGTH} characters (budget ${BUDGET_MS} ms, worst of 20):`);
for (const [name, pointer] of Object.entries(PATHOLOGICAL)) {
  const ms = worstMs(pointer);
  const ok = ms < BUDGET_MS;
  failed ||= !ok;
  console.log(`  ${name.padEnd(22)} ${ms.toFixed(2).padStart(8)} ms  ${ok ? 'ok' : 'OVER BUDGET'}`);
}
if (failed) process.exitCode = 1;
