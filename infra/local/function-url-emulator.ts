import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionUrlEvent, FunctionUrlResult } from '../../lambda/token-hook/function-url.js';

/**
 * A Lambda Function URL on this machine: real HTTP in, a payload-format-2.0 event to the handler, its
 * result back as HTTP, the way AWS maps them (lower-cased headers joined with commas, base64 bodies for
 * non-text content types, a bare object or string answer as a 200 JSON body, a thrown error as 502).
 */

export type FunctionUrlHandler = (event: FunctionUrlEvent & Record<string, unknown>) => Promise<unknown> | unknown;

export interface FunctionUrlEmulatorOptions {
  readonly handler: FunctionUrlHandler;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Function URLs refuse larger request bodies. @default 6 MB */
  readonly maxBodyBytes?: number;
}

export interface FunctionUrlEmulator {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:8787/`. */
  readonly url: string;
  close(): Promise<void>;
}

const FUNCTION_URL_MAX_BODY = 6 * 1024 * 1024;

/** Content types AWS passes as text; everything else arrives base64-encoded. */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    /^application\/(json|javascript|xml|x-www-form-urlencoded|.+\+json|.+\+xml)$/.test(type)
  );
}

function lowerCasedHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headersDistinct)) {
    if (value && name !== 'cookie') headers[name.toLowerCase()] = value.join(',');
  }
  return headers;
}

/** The payload-2.0 event AWS would build for `request` with `body`. */
export function toFunctionUrlEvent(request: IncomingMessage, body: Buffer): FunctionUrlEvent & Record<string, unknown> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const headers = lowerCasedHeaders(request);
  const now = new Date();
  const text = isTextContentType(headers['content-type']);
  const queryStringParameters: Record<string, string> = {};
  for (const [key, value] of url.searchParams) queryStringParameters[key] = key in queryStringParameters ? `${queryStringParameters[key]},${value}` : value;
  const cookies = request.headers.cookie?.split(';').map((cookie) => cookie.trim()).filter(Boolean);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies?.length ? { cookies } : {}),
    headers,
    ...(url.search ? { queryStringParameters } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers['host'] ?? 'localhost',
      domainPrefix: (headers['host'] ?? 'localhost').split('.')[0],
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

function isStructured(result: unknown): result is FunctionUrlResult {
  return typeof result === 'object' && result !== null && 'statusCode' in result;
}

/** Writes the handler's result the way Function URLs do. */
export function writeResult(response: ServerResponse, result: unknown): void {
  if (!isStructured(result)) {
    // A bare answer becomes a 200 JSON body.
    const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    return;
  }
  const body = result.body === undefined ? undefined : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  const headers: Record<string, string> = { ...result.headers };
  if (body && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  response.writeHead(result.statusCode, headers).end(body);
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startFunctionUrlEmulator(options: FunctionUrlEmulatorOptions): Promise<FunctionUrlEmulator> {
  const host = options.host ?? '127.0.0.1';
  const limit = options.maxBodyBytes ?? FUNCTION_URL_MAX_BODY;
  const server = createServer(async (request, response) => {
    try {
      const body = await readBody(request, limit);
      if (!body) {
        response.writeHead(413, { 'content-type': 'application/json' }).end('{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction operation"}');
        return;
      }
      writeResult(response, await options.handler(toFunctionUrlEvent(request, body)));
    } catch {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' }).end('{"Message":"Internal Server Error"}');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
