import { randomUUID } from 'node:crypto';
import { validationError } from './errors.js';
import type { HookCallReport } from './mint.js';
import type { SimInlineHook, SimState } from './model.js';
import type { Route, SimAnswer, SimRequest } from './router.js';

/**
 * Okta's System Log for what the simulator does with inline hooks: each call on the token path, what
 * came of the hook's answer, and lifecycle changes, as `LogEvent`s with Okta's event type names
 * (Event Types catalogue, `inline_hook.*`). `/api/v1/logs` serves them with Okta's query semantics.
 */

export const HOOK_EVENT_TYPES = {
  /** Okta called the hook; FAILURE when it timed out, could not reach it, or got a non-2xx status. */
  executed: 'inline_hook.executed',
  /** Okta processed the hook's answer; FAILURE when it could not read it or skipped the patch, DENY on `error`. */
  responseProcessed: 'inline_hook.response.processed',
  created: 'inline_hook.created',
  updated: 'inline_hook.updated',
  activated: 'inline_hook.activated',
  deactivated: 'inline_hook.deactivated',
  deleted: 'inline_hook.deleted',
} as const;

export type LogResult = 'SUCCESS' | 'FAILURE' | 'DENY' | 'SKIPPED';

/** The spec's `LogEvent`, as the simulator fills it. */
export interface SimLogEvent {
  uuid: string;
  published: string;
  eventType: string;
  version: '0';
  severity: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  displayMessage: string;
  legacyEventType: string;
  actor: { id: string; type: string; alternateId: string; displayName: string };
  client: { ipAddress: string; userAgent: { rawUserAgent: string; browser: string; os: string } };
  outcome: { result: LogResult; reason?: string };
  target: { id: string; type: string; alternateId: string; displayName: string; detailEntry?: Record<string, unknown> }[];
  transaction: { type: 'WEB'; id: string; detail: Record<string, unknown> };
  debugContext: { debugData: Record<string, unknown> };
  authenticationContext: { authenticationStep: number; externalSessionId: string };
  securityContext: Record<string, never>;
  request: { ipChain: { ip: string; version: string; source?: string }[] };
}

export interface HookEventInput {
  eventType: string;
  displayMessage: string;
  result: LogResult;
  reason?: string;
  hook: Pick<SimInlineHook, 'id' | 'name' | 'type'>;
  actor?: SimLogEvent['actor'];
  debugData?: Record<string, unknown>;
}

const ADMIN_ACTOR: SimLogEvent['actor'] = {
  id: '00uSimulatorAdmin0g3',
  type: 'User',
  alternateId: 'admin@simulator.okta.local',
  displayName: 'Simulator Admin',
};
const LOOPBACK = '127.0.0.1';

/** Okta's defaults and limits for `/api/v1/logs`. */
export const LOG_QUERY = { defaultLimit: 100, maxLimit: 1000, defaultWindowMs: 7 * 24 * 3600_000, maxKeywords: 10, maxKeywordLength: 40 } as const;

export class SystemLog {
  private readonly events: SimLogEvent[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Every event so far, oldest first (copies). */
  all(): SimLogEvent[] {
    return structuredClone(this.events);
  }

  recordHookEvent(input: HookEventInput): SimLogEvent {
    const failed = input.result === 'FAILURE';
    const event: SimLogEvent = {
      uuid: randomUUID(),
      published: this.now().toISOString(),
      eventType: input.eventType,
      version: '0',
      severity: failed ? 'WARN' : 'INFO',
      displayMessage: input.displayMessage,
      legacyEventType: `${input.eventType}.${failed ? 'failure' : 'success'}`,
      actor: input.actor ?? ADMIN_ACTOR,
      client: { ipAddress: LOOPBACK, userAgent: { rawUserAgent: 'okta-simulator', browser: 'UNKNOWN', os: 'Unknown' } },
      outcome: { result: input.result, ...(input.reason ? { reason: input.reason.slice(0, 255) } : {}) },
      target: [
        { id: input.hook.id, type: 'InlineHook', alternateId: input.hook.name, displayName: input.hook.name, detailEntry: { hookType: input.hook.type } },
      ],
      transaction: { type: 'WEB', id: randomUUID().replace(/-/g, '').slice(0, 27), detail: {} },
      debugContext: { debugData: { ...input.debugData } },
      authenticationContext: { authenticationStep: 0, externalSessionId: 'unknown' },
      securityContext: {},
      request: { ipChain: [{ ip: LOOPBACK, version: 'V4', source: 'CLIENT' }] },
    };
    this.events.push(event);
    return structuredClone(event);
  }

  /**
   * `GET /api/v1/logs`: `since` (default 7 days before `until`) inclusive, `until` (default now)
   * exclusive, `filter` (SCIM: eq ne co sw pr gt ge lt le, and, or, parentheses; an array attribute
   * matches when any element does), `q` (every keyword, case-insensitive), `limit` (default 100, at most
   * 1000), `sortOrder`, and `after` cursors in `Link` headers. A bounded query (with `until`) links a next
   * page only while events remain; a polling query (no `until`, ascending) always links one.
   */
  query(params: URLSearchParams, selfUrl: string): SimAnswer {
    const problems: string[] = [];
    const time = (name: 'since' | 'until', fallback: number): number => {
      const raw = params.get(name);
      if (raw === null) return fallback;
      const parsed = Date.parse(raw);
      if (Number.isNaN(parsed)) problems.push(`${name}: '${raw}' is not an ISO 8601 timestamp`);
      return parsed;
    };
    const until = time('until', this.now().getTime() + 1);
    const since = time('since', until - LOG_QUERY.defaultWindowMs);
    const limitRaw = params.get('limit');
    const limit = limitRaw === null ? LOG_QUERY.defaultLimit : Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 0) problems.push(`limit: '${limitRaw}' is not a whole number from 0 to ${LOG_QUERY.maxLimit}`);
    const sortOrder = params.get('sortOrder') ?? 'ASCENDING';
    if (sortOrder !== 'ASCENDING' && sortOrder !== 'DESCENDING') problems.push(`sortOrder: '${sortOrder}' is not ASCENDING or DESCENDING`);
    const keywords = (params.get('q') ?? '').split(/\s+/).filter(Boolean);
    if (keywords.length > LOG_QUERY.maxKeywords) problems.push(`q: at most ${LOG_QUERY.maxKeywords} keywords`);
    if (keywords.some((k) => k.length > LOG_QUERY.maxKeywordLength)) problems.push(`q: a keyword is longer than ${LOG_QUERY.maxKeywordLength} characters`);
    let filter: ((event: unknown) => boolean) | undefined;
    const filterText = params.get('filter');
    if (filterText !== null) {
      try {
        filter = compileFilter(filterText);
      } catch (error) {
        problems.push(`filter: ${(error as Error).message}`);
      }
    }
    if (problems.length) throw validationError(problems);

    const matching = this.events.filter((event) => {
      const at = Date.parse(event.published);
      if (at < since || at >= until) return false;
      if (filter && !filter(event)) return false;
      const text = JSON.stringify(event).toLowerCase();
      return keywords.every((keyword) => text.includes(keyword.toLowerCase()));
    });
    if (sortOrder === 'DESCENDING') matching.reverse();
    const after = params.get('after');
    const start = after === null ? 0 : matching.findIndex((event) => event.uuid === after) + 1;
    const page = matching.slice(start, start + Math.min(limit, LOG_QUERY.maxLimit));

    const link = (extra: Record<string, string>) => {
      const url = new URL(selfUrl);
      for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
      return url.toString();
    };
    const links = [`<${link({})}>; rel="self"`];
    const polling = !params.has('until') && sortOrder === 'ASCENDING';
    const cursor = page.at(-1)?.uuid ?? after;
    if ((start + page.length < matching.length || polling) && cursor) links.push(`<${link({ after: cursor })}>; rel="next"`);
    return { status: 200, body: structuredClone(page), headers: { Link: links.join(', ') } };
  }
}

/** The `listLogEvents` operation. */
export function systemLogRoute(log: SystemLog, orgUrl: () => string): Route {
  return {
    method: 'GET',
    template: '/api/v1/logs',
    operationId: 'listLogEvents',
    scope: 'okta.logs.read',
    auth: 'management',
    bucket: '/api/v1/logs',
    handle: (request: SimRequest) => {
      const self = new URL('/api/v1/logs', orgUrl());
      for (const [key, value] of request.query) self.searchParams.append(key, value);
      return log.query(request.query, self.toString());
    },
  };
}

const LIFECYCLE: Record<string, { eventType: string; verb: string }> = {
  createInlineHook: { eventType: HOOK_EVENT_TYPES.created, verb: 'Create' },
  replaceInlineHook: { eventType: HOOK_EVENT_TYPES.updated, verb: 'Update' },
  updateInlineHook: { eventType: HOOK_EVENT_TYPES.updated, verb: 'Update' },
  activateInlineHook: { eventType: HOOK_EVENT_TYPES.activated, verb: 'Activate' },
  deactivateInlineHook: { eventType: HOOK_EVENT_TYPES.deactivated, verb: 'Deactivate' },
  deleteInlineHook: { eventType: HOOK_EVENT_TYPES.deleted, verb: 'Delete' },
};

/** The management routes, with each successful inline hook lifecycle change written to the log. */
export function withLifecycleEvents(routes: Route[], log: SystemLog, state: SimState): Route[] {
  return routes.map((route) => {
    const lifecycle = LIFECYCLE[route.operationId];
    if (!lifecycle) return route;
    return {
      ...route,
      handle: async (request) => {
        const before = state.inlineHooks.find((h) => h.id === request.params['inlineHookId']);
        const answer = await route.handle(request);
        const body = answer.body as Partial<SimInlineHook> | undefined;
        const hook = body?.id ? { id: body.id, name: body.name ?? '', type: body.type ?? '' } : before;
        if (answer.status < 300 && hook) {
          log.recordHookEvent({ eventType: lifecycle.eventType, displayMessage: `${lifecycle.verb} inline hook`, result: 'SUCCESS', hook });
        }
        return answer;
      },
    };
  });
}

/** Okta's two events for a token-path call: the call itself, then (when it answered) its answer. */
export function recordHookCall(log: SystemLog, record: HookCallReport): void {
  const { hook, call, user, client } = record;
  const actor: SimLogEvent['actor'] = user
    ? { id: user.id, type: 'User', alternateId: user.profile.login, displayName: `${user.profile.firstName} ${user.profile.lastName}` }
    : { id: client.clientId, type: 'PublicClientApp', alternateId: client.clientId, displayName: client.name };
  const base = {
    inlineHookId: hook.id,
    inlineHookUri: hook.channel.config.uri,
    authorizationServerId: record.authorizationServerId,
    clientId: client.clientId,
    durationMs: record.durationMs,
  };
  const answered = call.kind === 'answered' && call.status >= 200 && call.status < 300;
  const failure =
    call.kind === 'timeout'
      ? 'Inline hook timed out: no response within the timeout'
      : call.kind === 'unreachable'
        ? `Inline hook could not be reached: ${call.reason}`
        : answered
          ? undefined
          : `Inline hook responded with HTTP status ${call.status}`;
  log.recordHookEvent({
    eventType: HOOK_EVENT_TYPES.executed,
    displayMessage: 'Inline hook executed',
    result: failure ? 'FAILURE' : 'SUCCESS',
    ...(failure ? { reason: failure } : {}),
    hook,
    actor,
    debugData: { ...base, ...(call.kind === 'answered' ? { responseStatus: call.status } : {}) },
  });
  if (!answered) return;
  const context = debugContextOf(record.answer);
  const [result, reason]: [LogResult, string] =
    call.status === 204
      ? ['SUCCESS', 'Inline hook responded with no content: token issued unchanged']
      : record.hookOutcome === 'error'
      ? ['DENY', 'The inline hook responded with an error: no token issued']
      : record.hookOutcome === 'skipped'
        ? ['FAILURE', `Inline hook response not applied, token issued unchanged: ${record.reason ?? 'unknown'}`]
        : ['SUCCESS', record.answer?.['commands'] ? 'Inline hook response processed' : 'Inline hook responded without commands'];
  log.recordHookEvent({
    eventType: HOOK_EVENT_TYPES.responseProcessed,
    displayMessage: 'Inline hook response processed',
    result,
    reason,
    hook,
    actor,
    debugData: { ...base, ...context },
  });
}

/** The hook's `debugContext`, as Okta writes it into `debugData`: strings, other values as JSON. */
function debugContextOf(answer: Record<string, unknown> | undefined): Record<string, string> {
  const context = answer?.['debugContext'];
  if (context === null || typeof context !== 'object' || Array.isArray(context)) return {};
  return Object.fromEntries(
    Object.entries(context).map(([key, value]) => [key, (typeof value === 'string' ? value : JSON.stringify(value)).slice(0, 1000)]),
  );
}

// SCIM filter expressions, as the System Log accepts them.
type Filter = (event: unknown) => boolean;

const FILTER_TOKEN = /\s*(\(|\)|"(?:[^"\\]|\\.)*"|[A-Za-z_][\w.]*|-?\d+(?:\.\d+)?)/y;

function compileFilter(text: string): Filter {
  const tokens: string[] = [];
  FILTER_TOKEN.lastIndex = 0;
  while (FILTER_TOKEN.lastIndex < text.length) {
    const start = FILTER_TOKEN.lastIndex;
    const match = FILTER_TOKEN.exec(text);
    if (!match) {
      if (text.slice(start).trim() === '') break;
      throw new Error(`cannot read '${text.slice(start).trim()}'`);
    }
    tokens.push(match[1]!);
  }
  let at = 0;
  const peek = () => tokens[at]?.toLowerCase();
  const or = (): Filter => {
    let left = and();
    while (peek() === 'or') {
      at++;
      const [a, b] = [left, and()];
      left = (event) => a(event) || b(event);
    }
    return left;
  };
  const and = (): Filter => {
    let left = primary();
    while (peek() === 'and') {
      at++;
      const [a, b] = [left, primary()];
      left = (event) => a(event) && b(event);
    }
    return left;
  };
  const primary = (): Filter => {
    if (tokens[at] === '(') {
      at++;
      const inner = or();
      if (tokens[at++] !== ')') throw new Error('a parenthesis is not closed');
      return inner;
    }
    const path = tokens[at++];
    const op = tokens[at++]?.toLowerCase();
    if (!path || !/^[A-Za-z_]/.test(path) || !op) throw new Error(`expected 'attribute operator value' in '${text}'`);
    if (op === 'pr') return (event) => valuesAt(event, path.split('.')).some((v) => v !== undefined && v !== null);
    const raw = tokens[at++];
    if (raw === undefined) throw new Error(`operator '${op}' needs a value`);
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw === 'true' || raw === 'false' ? raw === 'true' : Number(raw);
    const test = comparison(op, value);
    return (event) => valuesAt(event, path.split('.')).some(test);
  };
  const filter = or();
  if (at !== tokens.length) throw new Error(`unexpected '${tokens[at]}'`);
  return filter;
}

function comparison(op: string, value: string | number | boolean): (field: unknown) => boolean {
  const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v);
  switch (op) {
    case 'eq':
      return (field) => field === value;
    case 'ne':
      return (field) => field !== undefined && field !== value;
    case 'co':
      return (field) => typeof field === 'string' && typeof value === 'string' && field.toLowerCase().includes(value.toLowerCase());
    case 'sw':
      return (field) => typeof field === 'string' && typeof value === 'string' && field.toLowerCase().startsWith(value.toLowerCase());
    case 'gt':
      return (field) => field !== undefined && (lower(field) as number) > (lower(value) as number);
    case 'ge':
      return (field) => field !== undefined && (lower(field) as number) >= (lower(value) as number);
    case 'lt':
      return (field) => field !== undefined && (lower(field) as number) < (lower(value) as number);
    case 'le':
      return (field) => field !== undefined && (lower(field) as number) <= (lower(value) as number);
    default:
      throw new Error(`unknown operator '${op}': use eq, ne, co, sw, pr, gt, ge, lt or le`);
  }
}

/** Every value at `path`; arrays on the way fan out, so `target.id` reaches each target's id. */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0) return Array.isArray(value) ? value : [value];
  if (Array.isArray(value)) return value.flatMap((item) => valuesAt(item, path));
  if (value === null || typeof value !== 'object') return [undefined];
  return valuesAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}
