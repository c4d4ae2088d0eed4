import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiTokens, BearerVerifier } from './api-tokens.js';
import { requireScope } from './api-tokens.js';
import { OAuthSimError, OktaSimError } from './errors.js';
import type { Faults } from './faults.js';
import type { RateLimits } from './rate-limits.js';
import type { Route, Router, SimAnswer, SimRequest } from './router.js';

/** One call the simulator answered, for assertions (`OktaSimulator.calls`). */
export interface SimCall {
  method: string;
  path: string;
  operationId: string;
  status: number;
  body?: unknown;
}

export interface ServerDeps {
  readonly router: Router;
  readonly rateLimits: RateLimits;
  readonly faults: Faults;
  readonly apiTokens: ApiTokens;
  readonly verifyBearer?: BearerVerifier;
  orgUrl(): string;
  record(call: SimCall): void;
  log?: (line: object) => void;
}

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_SLOW_MS = 2000;

/** Turns any failure into the answer Okta would give; exactly one place does this. */
export function errorAnswer(error: unknown, log?: (line: object) => void): SimAnswer {
  if (error instanceof OktaSimError) return { status: error.status, body: error.body(), headers: error.headers };
  if (error instanceof OAuthSimError) {
    return { status: error.status, body: { error: error.error, error_description: error.message }, headers: error.headers };
  }
  log?.({ level: 'error', msg: 'simulator handler failed', error: String(error) });
  return errorAnswer(new OktaSimError('E0000009'));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new OktaSimError('E0000003', { detail: 'the body is larger than 1 MB' }));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function decodeBody(route: Route, raw: string): unknown {
  if (raw.trim() === '') return undefined;
  if (route.body === 'form') return Object.fromEntries(new URLSearchParams(raw));
  if (route.body !== 'json') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new OktaSimError('E0000003');
  }
}

function write(response: ServerResponse, answer: SimAnswer, headers: Record<string, string>): void {
  const all = { ...headers, ...answer.headers };
  if (answer.status === 204 || answer.body === undefined) {
    response.writeHead(answer.status, all).end();
    return;
  }
  const text = JSON.stringify(answer.body);
  response
    .writeHead(answer.status, { ...all, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)) })
    .end(text);
}

/** The HTTP edge: routing, rate limits, injected faults, Content-Length, auth, JSON, recording. */
export function createRequestListener(deps: ServerDeps): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void handle(deps, request, response).catch((error: unknown) => {
      deps.log?.({ level: 'error', msg: 'simulator failed to answer', error: String(error) });
      if (!response.headersSent) write(response, errorAnswer(error), {});
      else response.destroy();
    });
  };
}

async function handle(deps: ServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = Date.now();
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', deps.orgUrl());
  const headers: Record<string, string> = { 'X-Okta-Request-Id': randomBytes(12).toString('base64url') };
  const raw = await readBody(request);
  const matched = deps.router.match(method, url.pathname);
  if (!('route' in matched)) {
    const error = matched.methodNotAllowed ? new OktaSimError('E0000022') : new OktaSimError('E0000008');
    write(response, errorAnswer(error), headers);
    return;
  }
  const { route, params } = matched;
  let body: unknown;
  let afterApplyDrop = false;
  const answer = await (async (): Promise<SimAnswer> => {
    try {
      if (route.bucket) {
        const verdict = deps.rateLimits.take(route.bucket);
        Object.assign(headers, verdict.headers);
        if (!verdict.allowed) throw new OktaSimError('E0000047');
      }
      const fault = route.internal ? undefined : deps.faults.take(route.operationId);
      if (fault?.kind === 'status-500') throw new OktaSimError('E0000009');
      if (fault?.kind === 'in-use') {
        throw new OktaSimError('E0000001', { detail: 'inlineHook', causes: ['inlineHook: The inline hook is in use by a policy rule'] });
      }
      if (fault?.kind === 'status-429') {
        const reset = Math.ceil(Date.now() / 1000) + (fault.resetSeconds ?? 1);
        Object.assign(headers, { 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String(reset) });
        throw new OktaSimError('E0000047');
      }
      if (fault?.kind === 'slow' && !fault.afterApply) await sleep(fault.delayMs ?? DEFAULT_SLOW_MS);
      if (fault?.kind === 'drop') {
        if (!fault.afterApply) return { status: 0 };
        afterApplyDrop = true;
      }
      if ((method === 'POST' || method === 'PUT') && request.headers['content-length'] === undefined) {
        throw new OktaSimError('E0000003', { status: 411, detail: 'a PUT or POST request needs a Content-Length header' });
      }
      if (route.auth === 'management') {
        const principal = await deps.apiTokens.authenticate(
          {
            authorization: request.headers.authorization,
            dpop: request.headers.dpop as string | undefined,
            method,
            url: `${deps.orgUrl()}${url.pathname}`,
          },
          deps.verifyBearer,
        );
        if (route.scope) requireScope(principal, route.scope);
      }
      body = decodeBody(route, raw);
      const simRequest: SimRequest = { method, path: url.pathname, query: url.searchParams, headers: request.headers, params, body, rawBody: raw };
      const handled = await route.handle(simRequest);
      if (fault?.kind === 'slow' && fault.afterApply) await sleep(fault.delayMs ?? DEFAULT_SLOW_MS);
      return handled;
    } catch (error) {
      return errorAnswer(error, deps.log);
    }
  })();

  const dropped = answer.status === 0 || afterApplyDrop;
  if (!route.internal) deps.record({ method, path: url.pathname, operationId: route.operationId, status: dropped ? 0 : answer.status, ...(body !== undefined ? { body } : {}) });
  deps.log?.({ msg: 'okta-simulator', method, path: url.pathname, operationId: route.operationId, status: dropped ? 'dropped' : answer.status, ms: Date.now() - started });
  if (dropped) {
    request.socket.destroy();
    return;
  }
  write(response, answer, headers);
  answer.afterAnswer?.();
}
