import { exampleHookConfig } from '../../infra/local/hook-serve.js';
import type { BenchCase } from '../lib/bench-case.js';
import { benchHook, floorsFor, functionUrlEvent } from '../lib/hook.js';
import { installLambdaConsole } from '../lib/lambda-log.js';
import { compare, latency, out, progress, ratio, us, verdict } from '../lib/measure.js';
import { referencePayload } from '../payloads.js';

/**
 * The hook warm and in-process on Okta's reference request (`TokenPayLoadExample`) with the example
 * environment's rules, its log line written as Lambda writes it, against the honest floors.
 */
export const inProcess: BenchCase = {
  name: 'in-process',
  title: 'warm, in-process, reference request',
  weight: 3,
  async run(budgetMs) {
    const body = JSON.stringify(referencePayload());
    const event = functionUrlEvent(body);
    const hook = await benchHook(exampleHookConfig());
    // The same hook with its line built but not written: what the Lambda runtime's write costs, apart.
    let kept: unknown;
    const unwritten = await benchHook(exampleHookConfig(), (line) => void (kept = line));
    const lambdaConsole = installLambdaConsole();
    try {
      const floors = await floorsFor(hook, body);
      if (floors.status !== 200) throw new Error(`the reference request answered ${floors.status}: fix the bench payload or the example rules`);
      progress('in-process: hook against the floors, alternating');
      const cost = await compare(
        { hook: () => hook(event), unwritten: () => unwritten(event), parseAndAnswer: floors.parseAndAnswer, parse: floors.parse },
        { budgetMs: budgetMs * 0.7 },
      );
      progress('in-process: single-call latency');
      const single = await latency(() => hook(event), Math.min(20_000, Math.round((budgetMs * 0.3 * 1_000) / Math.max(cost.hook.wallUs, 1))));
      const perFloor = cost.hook.cpuUs / cost.parseAndAnswer.cpuUs;
      out(`Okta's reference request (${(body.length / 1024).toFixed(1)} KB), rules of the example environment, log line written as Lambda writes it:`);
      out(`  hook, CPU per request                     ${us(cost.hook.cpuUs).padStart(10)}  (wall ${us(cost.hook.wallUs)}; single calls p50 ${us(single.p50)}, p99 ${us(single.p99)})`);
      out(`  floor: JSON.parse + stringify the answer  ${us(cost.parseAndAnswer.cpuUs).padStart(10)}  hook = ${ratio(perFloor)}`);
      out(`  floor: JSON.parse alone                   ${us(cost.parse.cpuUs).padStart(10)}  hook = ${ratio(cost.hook.cpuUs / cost.parse.cpuUs)}`);
      out(`  the hook, its line built but not written  ${us(cost.unwritten.cpuUs).padStart(10)}  = ${ratio(cost.unwritten.cpuUs / cost.parseAndAnswer.cpuUs)} the first floor; the runtime's write of the line: ${us(cost.hook.cpuUs - cost.unwritten.cpuUs)}`);
      if (kept === undefined) throw new Error('the unwritten hook built no line');
      if (lambdaConsole.lines() === 0) throw new Error('the hook logged nothing: the bench no longer measures its log line');
      return [
        { budget: 'reference request: CPU per request at most 2× (JSON.parse + stringify of the answer)', ok: perFloor <= 2, measured: `${ratio(perFloor)} (${verdict(perFloor <= 2)})` },
        { budget: 'reference request: p99 under 1 ms', ok: single.p99 < 1_000, measured: us(single.p99) },
      ];
    } finally {
      lambdaConsole.restore();
    }
  },
};
