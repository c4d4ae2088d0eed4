import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFunctionUrlEmulator } from '../../infra/local/function-url-emulator.js';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../lambda/token-hook/function-url.js';
import { installLambdaConsole, type LambdaConsole } from '../lib/lambda-log.js';

/**
 * A server for the HTTP bench, in its own process so its CPU time is its own (`process.cpuUsage` on
 * request over IPC). `hook <bundle>`: the hook's bundle behind the Function URL emulator, logging as
 * in Lambda. `anchor <key>`: what Okta's Express sample does on plain node:http: check the header,
 * parse the body, answer one command.
 */

const [mode, arg] = process.argv.slice(2);
let url: string;
let lambdaConsole: LambdaConsole | undefined;
if (mode === 'hook') {
  const { handler } = (await import(arg!)) as { handler: (event: FunctionUrlEvent) => Promise<FunctionUrlResult> };
  lambdaConsole = installLambdaConsole();
  url = (await startFunctionUrlEmulator({ handler })).url;
} else {
  const key = arg!;
  const server = createServer((request, response) => {
    if (request.headers.authorization !== key) {
      response.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: unknown };
      if (!body.data) {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ commands: [{ type: 'com.okta.identity.patch', value: [{ op: 'add', path: '/claims/extPatientId', value: '1234' }] }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}
process.on('message', () => {
  const cpu = process.cpuUsage();
  process.send!({ cpuUs: cpu.user + cpu.system });
});
// Ends with the bench, even one stopped before it could stop this server.
process.on('disconnect', () => {
  // Removes the telemetry pipe's folder.
  lambdaConsole?.restore();
  process.exit(0);
});
process.send!({ url });
