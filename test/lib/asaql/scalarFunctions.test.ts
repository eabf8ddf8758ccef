/**
 * The scalar functions the ASA SQL compiler added to the engine (src/lib/engine/stringFunctions.ts,
 * dateFunctions.ts, valueFunctions.ts), evaluated as compiled queries evaluate them.
 */
import { describe, expect, it } from 'vitest';
import { compileExpr } from '../../../src/lib/engine/compileExpr';
import { dateAdd, dateDiff, datePart, parseDatePart } from '../../../src/lib/engine/dateFunctions';
import { e } from '../../../src/lib/engine/expr';
import { likePatternIndex, likePatternRegExp } from '../../../src/lib/engine/likePattern';

const lit = e.lit;
const call = (name: string, ...args: (null | number | string)[]): unknown =>
  compileExpr(e.call(name, ...args.map(lit)))({ record: {}, timestampMs: 0 });
const ms = (iso: string): number => Date.parse(iso);
const iso = (v: unknown): string => (v as Date).toISOString();

describe('string functions', () => {
  it.each([
    // The reference page's example, then T-SQL's rules for start < 1 and long lengths.
    [['abcdefg', 2, 4], 'bcde'],
    [['abcdefg', 0, 3], 'ab'],
    [['abcdefg', -2, 3], ''],
    [['abcdefg', 5, 100], 'efg'],
    [['abcdefg', 9, 2], ''],
    [['abcdefg', 1, 0], ''],
    [[null, 1, 2], null],
  ] as const)('SUBSTRING%j is %j', (args, expected) => {
    expect(call('substring', ...args)).toBe(expected);
  });

  it('fails a negative length, as ASA terminates the statement', () => {
    expect(() => call('substring', 'abc', 1, -1)).toThrow('SUBSTRING: expected a length >= 0, received -1');
    expect(() => call('left', 'abc', -1)).toThrow('LEFT: expected a length >= 0, received -1');
  });

  it('takes LEFT and RIGHT parts', () => {
    expect([
      call('left', 'abcdefg', 2),
      call('right', 'abcdefg', 2),
      call('right', 'ab', 5),
      call('right', 'ab', 0),
    ]).toEqual(['ab', 'fg', 'ab', '']);
  });

  it('finds with CHARINDEX (1-based, 0 when absent, optional start) and PATINDEX', () => {
    expect(call('charindex', 'us', 'Focus')).toBe(4);
    expect(call('charindex', 'x', 'Focus')).toBe(0);
    expect(call('charindex', 'a', 'banana', 3)).toBe(4);
    expect(call('charindex', 'a', 'banana', -5)).toBe(2);
    expect(call('charindex', 'A', 'banana')).toBe(0);
    expect(call('patindex', '%100%', 'XYZ 1001')).toBe(5);
    expect(call('patindex', 'XY%', 'XYZ')).toBe(1);
    expect(call('patindex', '%Z', 'XYZ')).toBe(3);
    expect(call('patindex', 'Y%', 'XYZ')).toBe(0);
  });

  it('replaces as the REPLACE page prints', () => {
    expect(call('replace', 'abcde', 'cd', 'xx')).toBe('abxxe');
    expect(call('replace', 'cdabcd', 'cd', 'x')).toBe('xabx');
    expect(call('replace', 'abcde', '', 'xxx')).toBe('abcde');
    expect(call('replace', 'abcde', null, 'xxx')).toBeNull();
  });

  it('trims the white space .NET knows, not only spaces', () => {
    expect(call('trim', '\u00a0\t a test \u3000\u0085')).toBe('a test');
    expect(call('ltrim', '  x  ')).toBe('x  ');
    expect(call('rtrim', '  x  ')).toBe('  x');
    expect(call('trim', '\ufeffx')).toBe('\ufeffx');
  });

  it('counts LEN without trailing blanks', () => {
    expect([call('len', 'abc  '), call('len', '  abc'), call('len', '')]).toEqual([3, 5, 0]);
  });

  it('matches LIKE patterns: %, _, [set], [^set], case-sensitively, everything else literally', () => {
    const like = (text: string, pattern: string): unknown => call('like', text, pattern);
    expect([like('AAA-999', 'A%9'), like('ABC-123', 'A%9'), like('abc-9', 'A%9')]).toEqual([
      true,
      false,
      false,
    ]);
    expect([like('ab', 'a_'), like('a', 'a_'), like('abc', 'a_')]).toEqual([true, false, false]);
    expect([like('b1', '[a-c]1'), like('d1', '[a-c]1'), like('d1', '[^a-c]1')]).toEqual([true, false, true]);
    expect([like('a.c', 'a.c'), like('abc', 'a.c'), like('(x)', '(x)'), like('a+', 'a+')]).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect([like('[x', '[x'), like('line1\nline2', 'line1%')]).toEqual([true, true]);
    expect(like(null as unknown as string, '%')).toBeNull();
    expect(likePatternRegExp('%').source).toBe('^[\\s\\S]*$');
    expect(likePatternIndex('%b_%', 'aabcd')).toBe(3);
  });
});

describe('date functions', () => {
  it('reads date part names and abbreviations without regard to case', () => {
    expect(
      [
        'yy',
        'YYYY',
        'q',
        'mm',
        'm',
        'dy',
        'y',
        'd',
        'wk',
        'dw',
        'w',
        'hh',
        'mi',
        'n',
        'ss',
        's',
        'ms',
        'mcs',
      ].map(parseDatePart),
    ).toEqual([
      'year',
      'year',
      'quarter',
      'month',
      'month',
      'dayofyear',
      'dayofyear',
      'day',
      'week',
      'weekday',
      'weekday',
      'hour',
      'minute',
      'minute',
      'second',
      'second',
      'millisecond',
      'microsecond',
    ]);
    expect(parseDatePart('toString')).toBeUndefined();
  });

  it('adds with DATEADD: fixed units, months clamped to the month end, numbers truncated', () => {
    const add = (part: string, n: number, at: string): string => iso(call('dateadd', part, n, at));
    expect(add('hour', 2, '2014-09-10T12:00:00Z')).toBe('2014-09-10T14:00:00.000Z');
    expect(add('minute', -5, '2014-09-10T12:00:00Z')).toBe('2014-09-10T11:55:00.000Z');
    expect(add('millisecond', 1618232400000, '1970-01-01T00:00:00Z')).toBe('2021-04-12T13:00:00.000Z');
    expect(add('month', 1, '2024-01-31T10:00:00Z')).toBe('2024-02-29T10:00:00.000Z');
    expect(add('year', 1, '2024-02-29T00:00:00Z')).toBe('2025-02-28T00:00:00.000Z');
    expect(add('quarter', -1, '2024-05-31T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(add('week', 1, '2024-01-01T00:00:00Z')).toBe('2024-01-08T00:00:00.000Z');
    expect(add('second', 1.9, '2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:01.000Z');
    expect(call('dateadd', 'day', 1, 'not a date')).toBeNull();
    expect(dateAdd('year', 10_000, ms('2024-01-01T00:00:00Z'))).toBeNull();
  });

  it('counts boundaries with DATEDIFF, as T-SQL does', () => {
    const diff = (part: string, a: string, b: string): unknown => call('datediff', part, a, b);
    expect(diff('second', '2021-01-01T00:00:00.900Z', '2021-01-01T00:00:01.100Z')).toBe(1);
    expect(diff('second', '2017-01-26T00:00:00.0000000Z', '2017-01-26T00:01:10.0000000Z')).toBe(70);
    expect(diff('minute', '2021-01-01T00:00:59Z', '2021-01-01T00:00:00Z')).toBe(0);
    expect(diff('minute', '2021-01-01T00:01:00Z', '2021-01-01T00:00:59Z')).toBe(-1);
    expect(diff('day', '2021-01-01T23:59:59Z', '2021-01-02T00:00:00Z')).toBe(1);
    // 2021-01-02 was a Saturday, 2021-01-03 a Sunday: a week boundary.
    expect(diff('week', '2021-01-02T12:00:00Z', '2021-01-03T00:00:00Z')).toBe(1);
    expect(diff('week', '2021-01-03T00:00:00Z', '2021-01-09T23:59:59Z')).toBe(0);
    expect(diff('month', '2020-12-31T00:00:00Z', '2021-01-01T00:00:00Z')).toBe(1);
    expect(diff('quarter', '2021-03-31T00:00:00Z', '2021-04-01T00:00:00Z')).toBe(1);
    expect(diff('year', '2020-12-31T23:59:59Z', '2021-01-01T00:00:00Z')).toBe(1);
    expect(diff('millisecond', '2021-01-01T00:00:00Z', '2021-01-01T00:00:01.5Z')).toBe(1500);
    expect(dateDiff('microsecond', 0, 2)).toBe(2000);
    expect(diff('hour', null as unknown as string, '2021-01-01T00:00:00Z')).toBeNull();
  });

  it('reads parts with DATEPART: weekday 1 = Sunday, week 1 holds 1 January', () => {
    const at = ms('2021-01-03T13:14:15.678Z'); // a Sunday
    expect(
      (
        [
          'year',
          'quarter',
          'month',
          'dayofyear',
          'day',
          'week',
          'weekday',
          'hour',
          'minute',
          'second',
          'millisecond',
        ] as const
      ).map((p) => datePart(p, at)),
    ).toEqual([2021, 1, 1, 3, 3, 2, 1, 13, 14, 15, 678]);
    expect(datePart('week', ms('2021-01-02T00:00:00Z'))).toBe(1);
    expect(datePart('week', ms('2021-12-31T00:00:00Z'))).toBe(53);
    expect(call('datepart', 'weekday', '2021-01-09T00:00:00Z')).toBe(7);
  });

  it('rejects an unknown date part when evaluated directly', () => {
    expect(() => call('datepart', 'fortnight', '2021-01-01T00:00:00Z')).toThrow(/expected a date part/);
  });
});

describe('NULLIF and GetRecordPropertyValue', () => {
  it('gives NULL when the two values are equal', () => {
    expect([
      call('nullif', 4, 4),
      call('nullif', 5, 7),
      call('nullif', 5, '5'),
      call('nullif', null, 1),
      call('nullif', 1, null),
    ]).toEqual([null, 5, 5, null, 1]);
  });

  it('reads one property of a record, matching its name as column names match', () => {
    const read = (record: unknown, name: unknown): unknown =>
      compileExpr(e.call('getrecordpropertyvalue', e.field('r'), e.field('n')))({
        record: { r: record, n: name },
        timestampMs: 0,
      });
    expect(read({ Temp: 21, other: 1 }, 'Temp')).toBe(21);
    expect(read({ Temp: 21 }, 'temp')).toBe(21);
    expect(read({ Temp: 21 }, 'missing')).toBeNull();
    expect(read({ 'a.b': 1 }, 'a.b')).toBe(1);
    expect(read('not a record', 'Temp')).toBeNull();
    expect(read([1, 2], '0')).toBeNull();
    expect(read({ Temp: 21 }, null)).toBeNull();
  });
});
