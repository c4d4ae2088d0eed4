import { renderTable } from './table.js';

export type ClaimChange = 'added' | 'changed' | 'removed' | 'unchanged';

export interface ClaimRow {
  readonly claim: string;
  readonly change: ClaimChange;
  readonly before?: unknown;
  readonly after?: unknown;
}

const MARK: Record<ClaimChange, string> = { added: '+', changed: '~', removed: '-', unchanged: ' ' };
const MAX_CELL = 48;

/** Claims of one token before and after the hook, in the token's own order, new claims last. */
export function diffClaims(before: Record<string, unknown>, after: Record<string, unknown>): ClaimRow[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return names.map((claim) => {
    const had = Object.hasOwn(before, claim);
    const has = Object.hasOwn(after, claim);
    const change: ClaimChange = !had
      ? 'added'
      : !has
        ? 'removed'
        : JSON.stringify(before[claim]) === JSON.stringify(after[claim])
          ? 'unchanged'
          : 'changed';
    return { claim, change, ...(had ? { before: before[claim] } : {}), ...(has ? { after: after[claim] } : {}) };
  });
}

/** A claim value as one short cell: strings bare, everything else as JSON, long values cut. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** The before/after table a person reads: one row per claim, marked + added, ~ changed, - removed. */
export function renderClaimsTable(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const rows = diffClaims(before, after).map((row) => [
    `${MARK[row.change]} ${row.claim}`,
    formatValue(row.before),
    formatValue(row.after),
  ]);
  return renderTable(['  claim', 'before hook', 'after hook'], rows);
}

/** One line saying what the hook changed, e.g. `2 added, 1 changed`; `no change` when nothing did. */
export function summarizeChanges(before: Record<string, unknown>, after: Record<string, unknown>): string {
  const counts = new Map<ClaimChange, number>();
  for (const row of diffClaims(before, after)) counts.set(row.change, (counts.get(row.change) ?? 0) + 1);
  const parts = (['added', 'changed', 'removed'] as const).flatMap((change) =>
    counts.get(change) ? [`${counts.get(change)} ${change}`] : [],
  );
  return parts.length ? parts.join(', ') : 'no change';
}
