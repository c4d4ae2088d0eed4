import type * as z from 'zod/mini';

/**
 * Zod issues of a config (cdk.json's environment, the construct's `hookConfig`, `HOOK_CONFIG`) as lines a
 * user can act on: the path as the config is written, rules by name (`rules['tier'].set[0].claim`), a
 * "did you mean" for a misspelt key, and one message per way a `set` entry can be wrong. Runs only when
 * a config is invalid; works on classic zod and zod/mini schemas alike (both expose `_zod.def`).
 */

interface SchemaDef {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly innerType?: z.core.$ZodType;
  readonly in?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
}

const defOf = (schema: z.core.$ZodType): SchemaDef => (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;

/** The object, array or union under wrappers (optional, default, pipe...). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (!inner) return current;
    current = inner;
  }
}

/** The schemas that may describe the value at `path` (a union gives several). */
function schemasAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType[] {
  let current = [unwrap(schema)];
  for (const key of path) {
    current = current.flatMap((candidate) => {
      const def = defOf(candidate);
      if (def.type === 'union') return schemasAt(candidate, []).flatMap((option) => schemasAt(option, [key]));
      if (def.type === 'object' && typeof key === 'string' && def.shape?.[key]) return [unwrap(def.shape[key])];
      if (def.type === 'array' && typeof key === 'number' && def.element) return [unwrap(def.element)];
      return [];
    });
  }
  return current.flatMap((candidate) => {
    const def = defOf(candidate);
    return def.type === 'union' ? (def.options ?? []).map(unwrap) : [candidate];
  });
}

/** The keys an object at `path` of `schema` accepts. */
export function knownKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const keys = schemasAt(schema, path).flatMap((candidate) => Object.keys(defOf(candidate).shape ?? {}));
  return [...new Set(keys)];
}

/** Edit distance with transpositions, for short keys. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The known key `key` most likely meant: same letters in another case, or a typo or two away. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = known.find((candidate) => candidate.toLowerCase() === lower);
  if (exact) return exact;
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (d <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || d < best.distance)) best = { key: candidate, distance: d };
  }
  return best?.key;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `path` as the config is written; a rule with a name is named, not numbered. */
export function issuePath(path: readonly PropertyKey[], input: unknown, prefix = ''): string {
  let text = prefix;
  path.forEach((key, index) => {
    if (typeof key === 'number') {
      const name = path[index - 1] === 'rules' ? (valueAt(input, [...path.slice(0, index), key, 'name']) as unknown) : undefined;
      text += typeof name === 'string' && name !== '' ? `['${name}']` : `[${key}]`;
    } else {
      text += text ? `.${String(key)}` : String(key);
    }
  });
  return text || '(root)';
}

const TOKENS = 'access, identity or both';
const SETTER_KEYS = ['claim', 'token', 'value', 'from', 'query'];

/** What is wrong with one entry of a rule's `set`, told apart by what the entry holds. */
export function setterProblem(entry: unknown): string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return `must be an object: {"claim", "token", "value"} to set a value, or {"claim", "token", "from"} to copy one from Okta's request`;
  }
  const fields = entry as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !SETTER_KEYS.includes(key));
  if (unknown.length) return unknownKeys(unknown, SETTER_KEYS);
  if (typeof fields['claim'] !== 'string') return `'claim' ${fields['claim'] === undefined ? 'is required' : 'must be a string'}: the claim's name`;
  if (!['access', 'identity', 'both'].includes(fields['token'] as string)) {
    return `'token' ${fields['token'] === undefined ? 'is required' : `is ${JSON.stringify(fields['token'])}`}: set ${TOKENS}`;
  }
  const hasValue = 'value' in fields;
  const hasFrom = 'from' in fields;
  if (hasValue && hasFrom) return `give 'value' or 'from', not both`;
  if (!hasValue && !hasFrom) return `give 'value' (the JSON value to set) or 'from' (a JSON pointer into Okta's request)`;
  if (hasValue && 'query' in fields) return `'query' reads a parameter of the URL at 'from': use it with 'from', not 'value'`;
  if (hasValue) return `'value' must be a JSON value (numbers finite: 1e400 is not)`;
  const query = fields['query'];
  if (query !== undefined && (typeof query !== 'string' || query === '')) return `'query' must be the name of a URL parameter`;
  return `'from' must be a JSON pointer such as '/data/context/user/profile/login' ('~' only as ~0 or ~1)`;
}

function unknownKeys(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const meant = closestKey(key, known);
      return meant ? `unknown key '${key}': did you mean '${meant}'?` : `unknown key '${key}': remove it or use one of ${known.join(', ')}`;
    })
    .join('; ');
}

/** How to fix a hook config key, wherever it sits. */
const HOOK_FIXES: Record<string, string> = {
  failureMode: 'set open or closed',
  deadlineMs: 'set milliseconds, at most the Lambda timeout less 500, or leave it out',
  authHeader: 'set an HTTP header name, e.g. authorization',
  token: `set ${TOKENS}`,
  claim: "set the claim's name",
  name: 'set a name for the rule, unique among the rules',
};

export interface DescribeOptions {
  /** The schema the input was parsed with: "did you mean" looks for keys there. */
  readonly schema: z.core.$ZodType;
  /** The input as given: rules are named from it. */
  readonly input: unknown;
  /** Written before the path, e.g. `environments.prod.hook`. */
  readonly prefix?: string;
  /** Fixes for keys outside the hook config. */
  readonly fixes?: Readonly<Record<string, string>>;
  /** Path prefix (within the schema) under which HOOK_FIXES apply. @default [] (everywhere) */
  readonly hookPath?: readonly PropertyKey[];
}

/** One issue as `path: what is wrong: what to do`. */
export function describeIssue(issue: z.core.$ZodIssue, options: DescribeOptions): string {
  const { schema, input, prefix = '' } = options;
  const path = issuePath(issue.path, input, prefix);
  // A set entry is one of two shapes: judged whole, by what it holds (the rule's own checks excepted).
  const setIndex = issue.path.at(-2) === 'set' ? -1 : issue.path.at(-3) === 'set' ? -2 : 0;
  if (setIndex && issue.code !== 'custom') {
    const entry = issue.path.slice(0, issue.path.length + setIndex + 1);
    return `${issuePath(entry, input, prefix)}: ${setterProblem(valueAt(input, entry))}`;
  }
  if (issue.code === 'unrecognized_keys') return `${path}: ${unknownKeys(issue.keys, knownKeysAt(schema, issue.path))}`;
  if (issue.path.at(-2) === 'remove' && issue.code === 'invalid_type') {
    return `${path}: must be an object: {"claim", "token"}, token ${TOKENS}`;
  }
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_value') && valueAt(input, issue.path) === undefined;
  let what = missing ? 'is required' : issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  // The path already names the rule.
  const ruleName = issue.path.indexOf('rules') >= 0 ? valueAt(input, [...issue.path.slice(0, issue.path.indexOf('rules') + 2), 'name']) : undefined;
  if (typeof ruleName === 'string' && what.startsWith(`rule '${ruleName}': `)) what = what.slice(`rule '${ruleName}': `.length);
  const key = issue.path.filter((part) => typeof part === 'string').at(-1);
  const hookPath = options.hookPath ?? [];
  const inHook = hookPath.every((part, index) => issue.path[index] === part);
  // The hook config's own checks (custom issues) already say what to do.
  const hookKey = inHook && issue.path.length > hookPath.length;
  const fix = key === undefined || (hookKey && issue.code === 'custom') ? undefined : hookKey ? HOOK_FIXES[key] : options.fixes?.[key];
  return fix ? `${path}: ${what}: ${fix}` : `${path}: ${what}`;
}
