import type { ClaimRule } from '../../lambda/shared/hook-config.js';
import type { BenchCase } from '../lib/bench-case.js';
import { benchHook, floorsFor, functionUrlEvent } from '../lib/hook.js';
import { installLambdaConsole } from '../lib/lambda-log.js';
import { compare, out, progress, ratio, us } from '../lib/measure.js';
import { claimRules, manyClaimsPayload, manyQueryParamsPayload, manyScopesPayload, queryRules, scopeRules } from '../payloads.js';

interface Shape {
  readonly name: string;
  readonly payload: Record<string, unknown>;
  readonly rules: (count: number) => ClaimRule[];
}

const SHAPES: readonly Shape[] = [
  { name: '500 granted scopes, scope-conditioned rules', payload: manyScopesPayload(500), rules: (count) => scopeRules(count, 500) },
  { name: '4,000 query parameters, query rules', payload: manyQueryParamsPayload(4_000), rules: (count) => queryRules(count, 4_000) },
  { name: '64 KB of claims per token, claim-replacing rules', payload: manyClaimsPayload(64), rules: claimRules },
];

/** Shapes that made per-rule work show: 40 rules must cost at most twice one rule on each. */
export const pathological: BenchCase = {
  name: 'pathological',
  title: 'pathological shapes, 1 rule against 40',
  weight: 2,
  async run(budgetMs) {
    const checks = [];
    const lambdaConsole = installLambdaConsole();
    try {
      for (const shape of SHAPES) {
        progress(`pathological: ${shape.name}`);
        const body = JSON.stringify(shape.payload);
        const event = functionUrlEvent(body);
        const one = await benchHook(shape.rules(1));
        const forty = await benchHook(shape.rules(40));
        const floors = await floorsFor(forty, body);
        if (floors.status !== 200) throw new Error(`${shape.name}: the request answered ${floors.status}`);
        const cost = await compare({ one: () => one(event), forty: () => forty(event), floor: floors.parseAndAnswer }, { budgetMs: budgetMs / SHAPES.length, rounds: 9 });
        const growth = cost.forty.cpuUs / cost.one.cpuUs;
        out(`  ${shape.name} (${(body.length / 1024).toFixed(0)} KB): 1 rule ${us(cost.one.cpuUs)}, 40 rules ${us(cost.forty.cpuUs)} = ${ratio(growth)}; floor ${us(cost.floor.cpuUs)} (40 rules = ${ratio(cost.forty.cpuUs / cost.floor.cpuUs)})`);
        checks.push({ budget: `${shape.name}: 40 rules at most 2× one rule`, ok: growth <= 2, measured: ratio(growth) });
      }
    } finally {
      lambdaConsole.restore();
    }
    return checks;
  },
};
