import type { BenchCase } from '../lib/bench-case.js';
import { benchHook, floorsFor, functionUrlEvent } from '../lib/hook.js';
import { installLambdaConsole } from '../lib/lambda-log.js';
import { compare, out, progress, ratio, us } from '../lib/measure.js';
import { sizedPayload, typicalRules } from '../payloads.js';

const RULES = [1, 10, 40] as const;
const SIZES_KB = [4, 16, 64, 256] as const;

/**
 * Cost as the request grows (4 to 256 KB) and as rules are added (1, 10, 40 typical rules), each cell
 * against its own honest floor: linear cost keeps the ratio flat across a row.
 */
export const scaling: BenchCase = {
  name: 'scaling',
  title: 'cost as rules and request size grow',
  weight: 4,
  async run(budgetMs) {
    const hooks = new Map(await Promise.all(RULES.map(async (count) => [count, await benchHook(typicalRules(count))] as const)));
    const cell = budgetMs / (RULES.length * SIZES_KB.length);
    const cpu = new Map<string, number>();
    const floor = new Map<number, number>();
    const lambdaConsole = installLambdaConsole();
    try {
      for (const kb of SIZES_KB) {
        const body = JSON.stringify(sizedPayload(kb));
        const event = functionUrlEvent(body);
        for (const count of RULES) {
          progress(`scaling: ${count} rules, ${kb} KB`);
          const hook = hooks.get(count)!;
          const floors = await floorsFor(hook, body);
          if (floors.status !== 200) throw new Error(`the ${kb} KB request with ${count} rules answered ${floors.status}`);
          const cost = await compare({ hook: () => hook(event), floor: floors.parseAndAnswer }, { budgetMs: cell, rounds: 9 });
          cpu.set(`${count}/${kb}`, cost.hook.cpuUs);
          if (count === RULES[RULES.length - 1]) floor.set(kb, cost.floor.cpuUs);
        }
      }
    } finally {
      lambdaConsole.restore();
    }
    out('CPU per request (and × its floor: JSON.parse of the request + stringify of the answer); typical rules');
    out(`  ${'rules'.padEnd(8)}${SIZES_KB.map((kb) => `${kb} KB`.padStart(22)).join('')}`);
    for (const count of RULES) {
      out(`  ${String(count).padEnd(8)}${SIZES_KB.map((kb) => `${us(cpu.get(`${count}/${kb}`)!)} (${ratio(cpu.get(`${count}/${kb}`)! / floor.get(kb)!)})`.padStart(22)).join('')}`);
    }
    out(`  ${'floor'.padEnd(8)}${SIZES_KB.map((kb) => us(floor.get(kb)!).padStart(22)).join('')}`);
    const perKb = (count: number, kb: number) => cpu.get(`${count}/${kb}`)! / kb;
    const growth = Math.max(...RULES.map((count) => perKb(count, 256) / perKb(count, 64)));
    const rules = Math.max(...SIZES_KB.map((kb) => cpu.get(`40/${kb}`)! / cpu.get(`1/${kb}`)!));
    out(`  per-KB cost at 256 KB over 64 KB (1.00 = linear): ${ratio(growth)} at worst; 40 rules over 1 rule: ${ratio(rules)} at worst`);
    return [
      { budget: 'cost linear in request size (per-KB cost at 256 KB at most 1.25× that at 64 KB)', ok: growth <= 1.25, measured: ratio(growth) },
      { budget: 'typical rules: 40 rules at most 2× one rule', ok: rules <= 2, measured: ratio(rules) },
    ];
  },
};
