/**
 * CloudWatch Logs JSON filter patterns, the subset the project deploys, evaluated against a log event as
 * CloudWatch does: `{ ($.a.b = "text") && ($.c > 0) }`. Selectors are `$.` paths; string values are
 * quoted and match exactly (`*` matches any run of characters); numbers compare numerically and only
 * against numbers; a missing field matches nothing. `&&`, `||` and parentheses group as usual.
 */

type Token = { kind: 'open' | 'close' | 'and' | 'or' } | { kind: 'compare'; path: string[]; op: string; value: string | number };

const COMPARE = /^\$\.([A-Za-z0-9_.-]+)\s*(=|!=|>=|<=|>|<)\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?)/;

function tokenize(body: string): Token[] {
  const tokens: Token[] = [];
  let rest = body.trim();
  while (rest) {
    if (rest.startsWith('(')) tokens.push({ kind: 'open' });
    else if (rest.startsWith(')')) tokens.push({ kind: 'close' });
    else if (rest.startsWith('&&')) tokens.push({ kind: 'and' });
    else if (rest.startsWith('||')) tokens.push({ kind: 'or' });
    else {
      const match = COMPARE.exec(rest);
      if (!match) throw new Error(`unsupported filter pattern term at: ${rest}`);
      const raw = match[3]!;
      tokens.push({ kind: 'compare', path: match[1]!.split('.'), op: match[2]!, value: raw.startsWith('"') ? (JSON.parse(raw) as string) : Number(raw) });
      rest = rest.slice(match[0].length).trim();
      continue;
    }
    rest = rest.slice(tokens.at(-1)!.kind === 'and' || tokens.at(-1)!.kind === 'or' ? 2 : 1).trim();
  }
  return tokens;
}

function fieldOf(event: unknown, path: string[]): unknown {
  let value: unknown = event;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(field: unknown, op: string, value: string | number): boolean {
  if (field === undefined || field === null) return false;
  if (typeof value === 'number') {
    if (typeof field !== 'number') return false;
    return op === '=' ? field === value : op === '!=' ? field !== value : op === '>' ? field > value : op === '<' ? field < value : op === '>=' ? field >= value : field <= value;
  }
  if (typeof field !== 'string' || (op !== '=' && op !== '!=')) return false;
  const pattern = new RegExp(`^${value.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return op === '=' ? pattern.test(field) : !pattern.test(field);
}

/** Does the JSON filter `pattern` match the log event `message` (the text CloudWatch stores)? */
export function matchesFilterPattern(pattern: string, message: string): boolean {
  const body = /^\s*\{(.*)\}\s*$/s.exec(pattern)?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(message);
  } catch {
    return false;
  }
  const tokens = tokenize(body);
  let at = 0;
  const expression = (): boolean => {
    let result = conjunction();
    while (tokens[at]?.kind === 'or') {
      at++;
      result = conjunction() || result;
    }
    return result;
  };
  const conjunction = (): boolean => {
    let result = term();
    while (tokens[at]?.kind === 'and') {
      at++;
      result = term() && result;
    }
    return result;
  };
  const term = (): boolean => {
    const token = tokens[at++];
    if (token?.kind === 'open') {
      const inner = expression();
      if (tokens[at++]?.kind !== 'close') throw new Error(`unbalanced parentheses in ${pattern}`);
      return inner;
    }
    if (token?.kind !== 'compare') throw new Error(`expected a comparison in ${pattern}`);
    return compare(fieldOf(event, token.path), token.op, token.value);
  };
  const result = expression();
  if (at !== tokens.length) throw new Error(`trailing terms in ${pattern}`);
  return result;
}

/**
 * The line the Node.js Lambda runtime writes for `console.log(message)` under the JSON log format
 * (aws-lambda-nodejs-runtime-interface-client, `formatJsonMessage`): one argument stays as it is in
 * `message`; several are formatted into a string.
 */
export function lambdaJsonLogLine(requestId: string, ...args: unknown[]): string {
  const [message, ...params] = args;
  const wrapped: Record<string, unknown> = { timestamp: new Date().toISOString(), level: 'INFO', requestId };
  wrapped['message'] = params.length === 0 ? message : args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ');
  return JSON.stringify(wrapped);
}
