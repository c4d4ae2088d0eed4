import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HookReply {
  status?: number;
  /** Sent as JSON unless a string. */
  body?: unknown;
  delayMs?: number;
}

export interface ReceivedCall {
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text of any other body. */
  body: any;
}

/** A tiny stand-in for the token hook: records what Okta sent and answers what the test scripted. */
export async function startHookServer(reply: (call: ReceivedCall, index: number) => HookReply = () => ({ status: 204 })) {
  const received: ReceivedCall[] = [];
  let script = reply;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const json = request.headers['content-type']?.startsWith('application/json');
      const call = { path: request.url ?? '/', headers: request.headers, body: text && json ? JSON.parse(text) : text || undefined };
      received.push(call);
      const answer = script(call, received.length - 1);
      void sleep(answer.delayMs ?? 0).then(() => {
        if (response.destroyed) return;
        const payload = answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
        response.writeHead(answer.status ?? 200, payload ? { 'Content-Type': 'application/json' } : {}).end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/token-hook`,
    received,
    answer(next: (call: ReceivedCall, index: number) => HookReply) {
      script = next;
      received.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
