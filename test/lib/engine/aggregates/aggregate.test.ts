import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  addToPartial,
  createPartial,
  mergePartials,
  partialFromJson,
  partialResult,
  partialToJson,
  type AggregateKind,
  type Partial,
} from '../../../../src/lib/engine/aggregates/aggregate';
import { correctlyRoundedSum } from '../../../support/exactRational';

const allKinds: readonly AggregateKind[] = [
  'countStar',
  'count',
  'countDistinct',
  'sum',
  'avg',
  'min',
  'max',
];

const onePass = (kind: AggregateKind, values: readonly unknown[]): Partial =>
  values.reduce<Partial>((p, v) => addToPartial(kind, p, v), createPartial(kind));

const resultOf = (kind: AggregateKind, values: readonly unknown[]): unknown =>
  partialResult(kind, onePass(kind, values));

/** Stores a partial as the Table state store does (JSON text) and reads it back. */
const roundTrip = (kind: AggregateKind, p: Partial): Partial =>
  partialFromJson(kind, JSON.parse(JSON.stringify(partialToJson(kind, p))) as unknown);

describe('aggregate results', () => {
  it.each<[string, AggregateKind, unknown[], unknown]>([
    ['COUNT(*) counts every row, NULLs included', 'countStar', [1, null, 'a', undefined], 4],
    ['COUNT(*) of nothing is 0', 'countStar', [], 0],
    ['COUNT(x) ignores NULL and missing values', 'count', [1, null, 'a', undefined, false, 0, ''], 5],
    ['COUNT(x) of only NULLs is 0', 'count', [null, undefined], 0],
    ['COUNT(DISTINCT x) of nothing is 0', 'countDistinct', [], 0],
    ['COUNT(DISTINCT x) ignores NULLs', 'countDistinct', [null, undefined, 'a', null], 1],
    ['COUNT(DISTINCT x) tells 1 from "1" and from true', 'countDistinct', [1, '1', true, 1, '1', true], 3],
    ['COUNT(DISTINCT x) counts 0 and -0 once', 'countDistinct', [0, -0], 1],
    ['COUNT(DISTINCT x) compares strings case-sensitively', 'countDistinct', ['a', 'A', 'a'], 2],
    [
      'COUNT(DISTINCT x) compares datetimes by instant',
      'countDistinct',
      [new Date(5), new Date(5), new Date(6)],
      2,
    ],
    ['COUNT(DISTINCT x) tells a datetime from its epoch number', 'countDistinct', [new Date(5), 5], 2],
    [
      'COUNT(DISTINCT x) compares records by their JSON',
      'countDistinct',
      [{ a: 1 }, { a: 1 }, { a: 2 }, [1]],
      3,
    ],
    ['SUM ignores NULLs', 'sum', [1, null, 2.5, undefined], 3.5],
    ['SUM ignores values that are not numbers', 'sum', [1, '2', true, { v: 3 }], 1],
    ['SUM of nothing is NULL', 'sum', [], null],
    ['SUM of only NULLs is NULL', 'sum', [null, null], null],
    ['SUM of only strings is NULL', 'sum', ['1000', '2000'], null],
    ['SUM is exact: 0.1 ten times', 'sum', Array<number>(10).fill(0.1), 1],
    ['AVG ignores NULLs in the count', 'avg', [1, null, 2], 1.5],
    ['AVG of nothing is NULL', 'avg', [], null],
    ['AVG of only NULLs is NULL', 'avg', [null], null],
    ['MIN ignores NULLs', 'min', [null, 3, 1, undefined, 2], 1],
    ['MAX ignores NULLs', 'max', [null, 3, 1, undefined, 2], 3],
    ['MIN of nothing is NULL', 'min', [], null],
    ['MAX of only NULLs is NULL', 'max', [null, undefined], null],
    ['MIN compares strings ordinally (upper case before lower case)', 'min', ['b', 'a', 'B'], 'B'],
    ['MAX compares strings ordinally', 'max', ['b', 'a', 'B'], 'b'],
    ['MIN over mixed types: booleans rank lowest', 'min', [3, 'a', true, new Date(0)], true],
    [
      'MAX over mixed types: strings rank above datetimes and numbers',
      'max',
      [3, 'a', true, new Date(0)],
      'a',
    ],
    ['MAX over mixed types: records rank above strings', 'max', ['z', { a: 1 }], { a: 1 }],
    ['MIN of false and true is false', 'min', [true, false], false],
    ['MAX over numbers and datetimes: datetimes rank above numbers', 'max', [1e15, new Date(0)], new Date(0)],
    ['MIN of negative numbers', 'min', [-1, -1e300, 0], -1e300],
  ])('%s', (_description, kind, values, expected) => {
    expect(resultOf(kind, values)).toEqual(expected);
  });

  it('MAX of datetimes returns the latest datetime itself', () => {
    const result = resultOf('max', [new Date(10), null, new Date(30), new Date(20)]);
    expect(result).toBeInstanceOf(Date);
    expect((result as Date).getTime()).toBe(30);
  });

  it('SUM equals the correctly rounded sum of its numeric inputs', () => {
    const values = [1e16, 1, -1e16, 0.1, 0.2, 3];
    expect(resultOf('sum', values)).toBe(correctlyRoundedSum(values));
    expect(resultOf('sum', values)).toBe(4.3);
  });

  it('AVG is the rounded exact sum divided by the count of numbers', () => {
    // Naive left-to-right summation gives 2 / 4 = 0.5 (1e16 + 1 rounds to 1e16).
    expect(resultOf('avg', [1e16, 1, -1e16, 2])).toBe(0.75);
  });
});

/**
 * Values of every type the aggregates meet, including NULLs. -0 is left out: MIN/MAX keep whichever of
 * 0 and -0 came first, and the sign of zero is not observable in output (JSON has no -0).
 */
const anyValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.double({ min: -1e300, max: 1e300, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('a', 'b', 'A', '', '1'),
  fc.integer({ min: 0, max: 3 }).map((n) => new Date(n)),
);

describe('merging partials', () => {
  it('gives the one-pass result for every kind, any split and either merge direction (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...allKinds),
        fc.array(anyValue, { maxLength: 40 }),
        fc.nat(),
        (kind, values, cut) => {
          const at = cut % (values.length + 1);
          const expected = resultOf(kind, values);
          const left = onePass(kind, values.slice(0, at));
          const right = onePass(kind, values.slice(at));
          expect(partialResult(kind, mergePartials(kind, onePass(kind, values.slice(0, at)), right))).toEqual(
            expected,
          );
          expect(partialResult(kind, mergePartials(kind, onePass(kind, values.slice(at)), left))).toEqual(
            expected,
          );
        },
      ),
      { numRuns: 400 },
    );
  });

  it('merging an empty partial changes nothing', () => {
    for (const kind of allKinds) {
      const values = [3, null, 'x', 1.5];
      expect(partialResult(kind, mergePartials(kind, onePass(kind, values), createPartial(kind)))).toEqual(
        resultOf(kind, values),
      );
      expect(partialResult(kind, mergePartials(kind, createPartial(kind), onePass(kind, values)))).toEqual(
        resultOf(kind, values),
      );
    }
  });
});

describe('JSON form of partials', () => {
  it.each<[string, AggregateKind, unknown[]]>([
    ['COUNT(*)', 'countStar', [1, null, 2]],
    ['COUNT(*) of nothing', 'countStar', []],
    ['COUNT(x)', 'count', [1, null, 2]],
    ['COUNT(DISTINCT x) over mixed types', 'countDistinct', [1, '1', true, new Date(7), { a: [1] }, null]],
    ['COUNT(DISTINCT x) of nothing', 'countDistinct', []],
    ['SUM with cancellation', 'sum', [1e100, 1, -1e100, 0.1]],
    ['SUM of nothing', 'sum', []],
    ['SUM with +Infinity', 'sum', [1, Number.POSITIVE_INFINITY]],
    ['SUM with -Infinity', 'sum', [1, Number.NEGATIVE_INFINITY]],
    ['SUM with NaN', 'sum', [1, Number.NaN]],
    ['AVG', 'avg', [1, 2, null, 4]],
    ['AVG with Infinity', 'avg', [1, Number.POSITIVE_INFINITY]],
    ['MIN of numbers', 'min', [3, null, 1]],
    ['MIN of nothing', 'min', []],
    ['MAX of datetimes', 'max', [new Date(1), new Date(9)]],
    ['MAX of strings', 'max', ['a', 'b']],
    ['MAX of a record', 'max', [{ k: 'v', n: [1, 2] }]],
    ['MIN of a boolean', 'min', [false, true]],
  ])('%s survives a JSON round trip exactly', (_description, kind, values) => {
    const original = onePass(kind, values);
    const restored = roundTrip(kind, original);
    expect(partialResult(kind, restored)).toEqual(partialResult(kind, original));
    // A restored partial keeps merging exactly: merge more values into both and compare.
    const more = onePass(kind, [0.5, null, 'z', new Date(3)]);
    const more2 = onePass(kind, [0.5, null, 'z', new Date(3)]);
    expect(partialResult(kind, mergePartials(kind, restored, more))).toEqual(
      partialResult(kind, mergePartials(kind, onePass(kind, values), more2)),
    );
  });

  it('a restored MAX of datetimes is a Date again', () => {
    const restored = roundTrip('max', onePass('max', [new Date(1), new Date(9)]));
    expect(partialResult('max', restored)).toBeInstanceOf(Date);
  });

  it('a restored SUM keeps its exact partials, not only the rounded value', () => {
    // 1e100 + 1 rounds to 1e100; only exact partials let the later -1e100 leave 1.
    const restored = roundTrip('sum', onePass('sum', [1e100, 1]));
    expect(partialResult('sum', mergePartials('sum', restored, onePass('sum', [-1e100])))).toBe(1);
  });

  it('any partial of random values round-trips to the same result (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allKinds), fc.array(anyValue, { maxLength: 30 }), (kind, values) => {
        expect(partialResult(kind, roundTrip(kind, onePass(kind, values)))).toEqual(resultOf(kind, values));
      }),
      { numRuns: 300 },
    );
  });

  it.each<[AggregateKind, unknown]>([
    ['count', '3'],
    ['countStar', null],
    ['countDistinct', 'a'],
    ['sum', [1]],
    ['avg', { n: 1 }],
    ['min', 5],
  ])('rejects a stored %s form %j with a TypeError naming the kind and the received JSON', (kind, json) => {
    expect(() => partialFromJson(kind, json)).toThrow(
      new TypeError(`partial (${kind}): expected its stored JSON form, received ${JSON.stringify(json)}`),
    );
  });
});
