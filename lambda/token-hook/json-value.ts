/**
 * Whether a value survives JSON as it is: `JSON.stringify` turns `Infinity` and `NaN` (what `1e400`
 * parses to) into `null` and drops `undefined`, so Okta would get a claim other than the one decided.
 */

/** Why `value` cannot travel as JSON unchanged, or undefined when it can. Iterative: deep input cannot overflow the stack. */
export function jsonValueProblem(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    switch (typeof item) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(item)) return `the number ${item} has no JSON form`;
        continue;
      case 'object':
        if (item === null) continue;
        if (Array.isArray(item)) pending.push(...item);
        else pending.push(...Object.values(item));
        continue;
      default:
        return `a ${typeof item} has no JSON form`;
    }
  }
  return undefined;
}
