import type { IncomingHttpHeaders } from 'node:http';

export interface SimRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly params: Readonly<Record<string, string>>;
  /** Parsed JSON body (JSON routes) or `undefined` when empty. */
  readonly body: unknown;
  readonly rawBody: string;
}

export interface SimAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Runs once the answer has been written (e.g. an admin editing a rule right after a GET). */
  afterAnswer?: () => void;
}

/** One operation of the simulator; `template` is the spec's path template for management operations. */
export interface Route {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  /** OAuth scope the operation needs (spec `security`); management routes only. */
  readonly scope?: string;
  /** `management`: SSWS or OAuth; `none`: the route checks its own credentials (token endpoint, `/__sim`). */
  readonly auth: 'management' | 'none';
  /** `json`: the body must be JSON; `form`: urlencoded; routes without a body ignore it. */
  readonly body?: 'json' | 'form';
  /** Rate-limit bucket; `undefined` for the simulator's own routes. */
  readonly bucket?: string;
  /** The simulator's own controls (`/__sim`): not recorded in `calls`. */
  readonly internal?: boolean;
  handle(request: SimRequest): SimAnswer | Promise<SimAnswer>;
}

/** A management API operation (SSWS or OAuth, the `/api/v1` rate-limit bucket). */
export function managementRoute(method: string, template: string, operationId: string, scope: string, handle: Route['handle'], body?: 'json'): Route {
  return { method, template, operationId, scope, auth: 'management', bucket: '/api/v1', ...(body ? { body } : {}), handle };
}

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: string[];
}

export type RouteMatch = { route: Route; params: Record<string, string> } | { methodNotAllowed: boolean };

export class Router {
  private readonly compiled: CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route) => {
      const names: string[] = [];
      const source = route.template
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/.exec(segment);
          if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(param[1]!);
          return '([^/]+)';
        })
        .join('/');
      return { route, pattern: new RegExp(`^${source}$`), names };
    });
  }

  match(method: string, path: string): RouteMatch {
    let methodNotAllowed = false;
    for (const { route, pattern, names } of this.compiled) {
      const found = pattern.exec(path);
      if (!found) continue;
      if (route.method !== method) {
        methodNotAllowed = true;
        continue;
      }
      const params: Record<string, string> = {};
      names.forEach((name, index) => (params[name] = decodeURIComponent(found[index + 1]!)));
      return { route, params };
    }
    return { methodNotAllowed };
  }
}
