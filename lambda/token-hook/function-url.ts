/**
 * The Lambda Function URL payload format 2.0: the subset the hook reads and what it answers. Typed
 * loosely on purpose: the adapter must survive any event, so every field is checked before use.
 */
export interface FunctionUrlEvent {
  readonly version?: string;
  readonly rawPath?: string;
  readonly rawQueryString?: string;
  /** Lower-cased names; repeated headers joined with commas. */
  readonly headers?: Record<string, string | undefined>;
  readonly requestContext?: {
    readonly requestId?: string;
    readonly http?: { readonly method?: string; readonly path?: string; readonly sourceIp?: string; readonly [key: string]: unknown };
    readonly [key: string]: unknown;
  };
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

export interface FunctionUrlResult {
  readonly statusCode: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** Header value by lower-case name; tolerates events whose headers were not lower-cased. */
export function headerOf(event: FunctionUrlEvent, name: string): string | undefined {
  const headers = event.headers;
  if (!headers || typeof headers !== 'object') return undefined;
  const direct = headers[name];
  if (typeof direct === 'string') return direct;
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string' && key.toLowerCase() === name) return value;
  }
  return undefined;
}

export const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function jsonResult(statusCode: number, body: unknown): FunctionUrlResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}
