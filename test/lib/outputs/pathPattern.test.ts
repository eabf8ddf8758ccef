import { describe, expect, it } from 'vitest';
import { compilePathPattern, fieldSegment } from '../../../src/lib/outputs/pathPattern';

const t = Date.parse('2026-03-07T05:04:09.123Z');

describe('ASA Blob path patterns', () => {
  it('renders {date} in each format and {time} as HH, from the event time in UTC', () => {
    expect(compilePathPattern('out/{date}/{time}').render(t)).toBe('out/2026/03/07/05');
    expect(compilePathPattern('{date}', { dateFormat: 'DD/MM/YYYY' }).render(t)).toBe('07/03/2026');
    expect(compilePathPattern('{date}', { dateFormat: 'MM-DD-YYYY' }).render(t)).toBe('03-07-2026');
  });

  it('renders {datetime:<specifier>}, repeatedly', () => {
    expect(
      compilePathPattern(
        'year={datetime:yyyy}/month={datetime:MM}/day={datetime:dd}/{datetime:H}h{datetime:m}m{datetime:s}s',
      ).render(t),
    ).toBe('year=2026/month=03/day=07/5h4m9s');
    expect(
      compilePathPattern('{datetime:M}-{datetime:d}-{datetime:HH}{datetime:mm}{datetime:ss}').render(t),
    ).toBe('3-7-050409');
  });

  it('renders one custom field, case-insensitively, encoding characters that would split the name', () => {
    const p = compilePathPattern('clicks/{ProductId}/{date}');
    expect(p.field).toBe('ProductId');
    expect(p.render(t, { productid: 'p/1?#' })).toBe('clicks/p%2F1%3F%23/2026/03/07');
    expect(p.render(t, {})).toBe('clicks/null/2026/03/07');
    expect(fieldSegment(42)).toBe('42');
  });

  it('is deterministic: the same row and time give the same path', () => {
    const p = compilePathPattern('{date}/{time}/{userId}');
    expect(p.render(t, { userId: 'u1' })).toBe(p.render(t, { userId: 'u1' }));
  });

  it('rejects two fields, unknown specifiers, expressions and unbalanced braces', () => {
    expect(() => compilePathPattern('{a}/{b}')).toThrow(/at most one custom field/);
    expect(() => compilePathPattern('{datetime:yy}')).toThrow(/datetime specifier/);
    expect(() => compilePathPattern('{a.b}')).toThrow(/plain field name/);
    expect(() => compilePathPattern('x{date')).toThrow(/balanced/);
    expect(compilePathPattern('{a}/{A}').field).toBe('A');
  });
});
