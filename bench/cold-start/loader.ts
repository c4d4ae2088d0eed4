import { openSync } from 'node:fs';
import { lambdaConsoleOn } from '../lib/lambda-console.js';

// Runs in a fresh `node`: import a candidate (which reads the key at init), answer one request when
// given one, and print wall-clock and CPU milliseconds of all that. As in Lambda, the runtime's console
// (the real log line's cost) is in place before the function's init, writing to a drained pipe.
const [bundle, event] = process.argv.slice(2);
lambdaConsoleOn(openSync(process.env['BENCH_TELEMETRY_PIPE']!, 'w'));

const c0 = process.cpuUsage();
const t0 = performance.now();
const module = (await import(bundle!)) as { handler?: (event: unknown) => Promise<{ statusCode: number }> };
if (event) {
  const result = await module.handler!(JSON.parse(event));
  if (result.statusCode !== 200) throw new Error(`first answer was ${result.statusCode}`);
}
const wall = performance.now() - t0;
const cpu = process.cpuUsage(c0);
process.stdout.write(`\ncold-start ${wall} ${(cpu.user + cpu.system) / 1000}`);
process.exit(0);
