import { describe, expect, it } from 'vitest';
import { diffClaims, formatValue, renderClaimsTable, summarizeChanges } from '../../../infra/cli/claims-table.js';

describe('diffClaims', () => {
  it('marks each claim as added, changed, removed or unchanged, new claims last', () => {
    const before = { sub: 'alice', tenant: 'a', legacy: true };
    const after = { sub: 'alice', tenant: 'b', plan: 'gold' };

    const rows = diffClaims(before, after);

    expect(rows.map((row) => [row.claim, row.change])).toEqual([
      ['sub', 'unchanged'],
      ['tenant', 'changed'],
      ['legacy', 'removed'],
      ['plan', 'added'],
    ]);
  });

  it('compares object and array claims by value', () => {
    const rows = diffClaims({ roles: ['a', 'b'], org: { id: 1 } }, { roles: ['a', 'b'], org: { id: 2 } });

    expect(rows.map((row) => row.change)).toEqual(['unchanged', 'changed']);
  });
});

describe('renderClaimsTable', () => {
  it('prints one aligned row per claim with its marker and both values', () => {
    const table = renderClaimsTable({ sub: 'alice', scp: ['openid'] }, { sub: 'alice', scp: ['openid'], tenant: 'acme' });

    expect(table.split('\n')).toEqual([
      '  claim   before hook  after hook',
      '--------  -----------  ----------',
      '  sub     alice        alice',
      '  scp     ["openid"]   ["openid"]',
      '+ tenant               acme',
    ]);
  });

  it('cuts long values so the table stays readable', () => {
    const long = 'x'.repeat(200);

    expect(formatValue(long)).toHaveLength(48);
    expect(formatValue(long).endsWith('…')).toBe(true);
  });
});

describe('summarizeChanges', () => {
  it('counts what the hook changed', () => {
    expect(summarizeChanges({ a: 1, b: 1 }, { a: 2, c: 1, d: 1 })).toBe('2 added, 1 changed, 1 removed');
    expect(summarizeChanges({ a: 1 }, { a: 1 })).toBe('no change');
  });
});
