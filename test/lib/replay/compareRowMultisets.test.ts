import { describe, expect, it } from 'vitest';
import { compareRowMultisets, comparableRow } from '../../../src/lib/replay/compareRowMultisets';

describe('compareRowMultisets', () => {
  it('ignores row order and column order, and compares datetimes as instants', () => {
    const expected = [
      { Make: 'Make2', Time: '2023-01-01T00:00:10.0000000Z', Count: 3 },
      { Make: 'Make1', Time: '2023-01-01T00:00:10.0000000Z', Count: 2 },
    ];
    const actual = [
      { Count: 2, Make: 'Make1', Time: '2023-01-01T00:00:10.000Z' },
      { Time: '2023-01-01T00:00:10Z', Make: 'Make2', Count: 3 },
    ];
    expect(compareRowMultisets(expected, actual)).toEqual({
      equal: true,
      missing: [],
      unexpected: [],
      changed: [],
    });
  });

  it('matches column names without regard to case, as ASA does', () => {
    expect(comparableRow({ User_id: 1 })).toEqual(comparableRow({ user_ID: 1 }));
    expect(compareRowMultisets([{ User_id: 0 }], [{ user_id: 0 }]).equal).toBe(true);
    expect(compareRowMultisets([{ a: 'X' }], [{ a: 'x' }]).equal).toBe(false);
  });

  it('counts duplicates: a multiset, not a set', () => {
    const r = compareRowMultisets([{ a: 1 }, { a: 1 }], [{ a: 1 }]);
    expect(r).toMatchObject({ equal: false, missing: [{ row: { a: 1 }, count: 1 }], unexpected: [] });
  });

  it('pairs rows that differ in a few columns, and lists the rest as missing or unexpected', () => {
    const r = compareRowMultisets(
      [
        { Make: 'Make2', Count: 3, Time: '2023-01-01T00:00:10Z' },
        { Make: 'Make9', Count: 1, Time: '2023-01-01T00:00:20Z' },
      ],
      [{ Make: 'Make2', Count: 4, Time: '2023-01-01T00:00:10Z' }, { other: true }],
    );
    expect(r.equal).toBe(false);
    expect(r.changed).toEqual([
      {
        expected: { Make: 'Make2', Count: 3, Time: '2023-01-01T00:00:10Z' },
        actual: { Make: 'Make2', Count: 4, Time: '2023-01-01T00:00:10Z' },
        columns: ['Count'],
      },
    ]);
    expect(r.missing).toEqual([{ row: { Make: 'Make9', Count: 1, Time: '2023-01-01T00:00:20Z' }, count: 1 }]);
    expect(r.unexpected).toEqual([{ row: { other: true }, count: 1 }]);
  });

  it('compares numbers by value and strings that are not datetimes exactly', () => {
    expect(compareRowMultisets([{ w: 3000 }], [{ w: 3000.0 }]).equal).toBe(true);
    expect(compareRowMultisets([{ w: '3000' }], [{ w: 3000 }]).equal).toBe(false);
    expect(compareRowMultisets([{ t: '2023' }], [{ t: '2023' }]).equal).toBe(true);
  });
});
