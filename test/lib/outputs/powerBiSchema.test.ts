import { describe, expect, it } from 'vitest';
import {
  asaTypeOfValue,
  inferColumns,
  powerBiTypeOf,
  schemaChanged,
  toPowerBiRow,
  widen,
} from '../../../src/lib/outputs/powerBiSchema';

describe('Power BI schema', () => {
  it('maps ASA types as ASA does', () => {
    expect(powerBiTypeOf('bigint')).toBe('Int64');
    expect(powerBiTypeOf('float')).toBe('Double');
    expect(powerBiTypeOf('datetime')).toBe('DateTime');
    expect(powerBiTypeOf('nvarchar(max)')).toBe('String');
    expect(powerBiTypeOf('record')).toBe('String');
    expect(powerBiTypeOf('array')).toBe('String');
    expect(powerBiTypeOf('bit')).toBe('Boolean');
  });

  it('types output values (datetimes are ISO strings in rows)', () => {
    expect(asaTypeOfValue(3)).toBe('bigint');
    expect(asaTypeOfValue(3.5)).toBe('float');
    expect(asaTypeOfValue('2026-03-01T10:00:00.000Z')).toBe('datetime');
    expect(asaTypeOfValue('u1')).toBe('nvarchar(max)');
    expect(asaTypeOfValue({ a: 1 })).toBe('record');
    expect(asaTypeOfValue([1])).toBe('array');
    expect(asaTypeOfValue(null)).toBeUndefined();
  });

  it('infers and widens columns in first-seen order', () => {
    const cols = inferColumns([
      { a: 1, b: null, c: '2026-03-01T10:00:00.000Z' },
      { a: 1.5, d: 'x' },
    ]);
    expect(cols).toEqual([
      { name: 'a', dataType: 'Double' },
      { name: 'b', dataType: 'String' },
      { name: 'c', dataType: 'DateTime' },
      { name: 'd', dataType: 'String' },
    ]);
    expect(widen('Int64', 'DateTime')).toBe('String');
    expect(schemaChanged(cols, inferColumns([{ e: true }], cols))).toBe(true);
    expect(schemaChanged(cols, inferColumns([{ a: 2 }], cols))).toBe(false);
  });

  it('allows at most 75 columns', () => {
    const wide = Object.fromEntries(Array.from({ length: 76 }, (_, i) => [`c${i}`, i]));
    expect(() => inferColumns([wide])).toThrow(/at most 75 columns/);
  });

  it('converts rows: JSON for records in String columns, 4,000 characters at most, unknown columns dropped', () => {
    const cols = inferColumns([{ r: { a: 1 }, s: 'x', n: 1 }]);
    expect(toPowerBiRow({ r: { a: 1 }, s: 'y'.repeat(5000), n: 2, extra: 1 }, cols)).toEqual({
      r: '{"a":1}',
      s: 'y'.repeat(4000),
      n: 2,
    });
  });
});
