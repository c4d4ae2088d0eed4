/**
 * Whether a value survives JSON as it is: `JSON.stringify` turns `Infinity` and `NaN` (what `1e400`
 * parses to) into `null` and drops `undefined`, so Okta would get a claim other than the one decided.
 */

/** Why `value` cannot travel as JSON unchanged, or undefined when it can. Iterative: deep input cannot overflow the stack. */
export function jsonValueProblem(value: unknown): string | undefined {
  // Most claim values are scalars: no stack to build.
  if (typeof value !== 'object' || value === null) return scalarProblem(value);
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null) {
      const problem = scalarProblem(item);
      if (problem) return problem;
    } else if (Array.isArray(item)) pending.push(...item);
    else pending.push(...Object.values(item));
  }
  return undefined;
}

function scalarProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'object':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `the number ${value} has no JSON form`;
    default:
      return `a ${typeof value} has no JSON form`;
  }
}
