import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  addToExactSum,
  createExactSum,
  mergeExactSum,
  roundExactSum,
  type ExactSum,
} from '../../../../src/lib/engine/aggregates/exactSum';
import {
  correctlyRoundedSum,
  doubleToScaledBigInt,
  roundScaledToDouble,
} from '../../../support/exactRational';

const sumOf = (values: readonly number[]): ExactSum => {
  const s = createExactSum();
  for (const v of values) addToExactSum(s, v);
  return s;
};

/** Doubles across the whole exponent range (subnormals to 2^1000), kept small enough not to overflow a sum. */
const wideDouble = fc.oneof(
  fc.double({ min: -(2 ** 1000), max: 2 ** 1000, noNaN: true }),
  fc
    .tuple(fc.integer({ min: -(2 ** 53 - 1), max: 2 ** 53 - 1 }), fc.integer({ min: -1074, max: 946 }))
    .map(([m, e]) => m * 2 ** e),
  fc.constantFrom(0, -0, 1, -1, 0.1, 1e16, 2 ** -1074, -(2 ** -1074), 2 ** -1022, 2 ** 999, -(2 ** 999)),
);

/** Arrays with heavy cancellation: values, their negations and small perturbations, shuffled. */
const cancellingArray = fc
  .tuple(fc.array(wideDouble, { maxLength: 30 }), fc.array(wideDouble, { maxLength: 5 }))
  .chain(([xs, extra]) => {
    const all = [...xs, ...xs.map((x) => -x), ...extra];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });

const valueArray = fc.oneof(fc.array(wideDouble, { maxLength: 60 }), cancellingArray);

/** Splits `values` at the given cut positions into consecutive chunks (some possibly empty). */
function chunksOf(values: readonly number[], cuts: readonly number[]): number[][] {
  const positions = [...new Set(cuts.map((c) => c % (values.length + 1)))].sort((a, b) => a - b);
  const chunks: number[][] = [];
  let start = 0;
  for (const p of positions) {
    chunks.push(values.slice(start, p));
    start = p;
  }
  chunks.push(values.slice(start));
  return chunks;
}

/** Merges sums pairwise in an order chosen by `picks` until one is left. */
function mergeInOrder(sums: ExactSum[], picks: readonly number[]): ExactSum {
  const pool = [...sums];
  let k = 0;
  while (pool.length > 1) {
    const i = (picks[k++ % Math.max(1, picks.length)] ?? 0) % pool.length;
    let j = (picks[k++ % Math.max(1, picks.length)] ?? 1) % pool.length;
    if (j === i) j = (i + 1) % pool.length;
    mergeExactSum(pool[i]!, pool[j]!);
    pool.splice(j, 1);
  }
  return pool[0]!;
}

describe('the BigInt reference used by these tests', () => {
  it.each([
    [[0.1, 0.2], 0.30000000000000004],
    [[1e16, 1, -1e16], 1],
    [[2 ** 53, 1], 2 ** 53],
    [[2 ** 53, 1, 1e-300], 2 ** 53 + 2],
    [[2 ** 53 + 2, 1], 2 ** 53 + 4],
    [[2 ** -1074, 2 ** -1074], 2 ** -1073],
    [[Number.MAX_VALUE, Number.MAX_VALUE], Number.POSITIVE_INFINITY],
    [[-Number.MAX_VALUE, -Number.MAX_VALUE], Number.NEGATIVE_INFINITY],
    [[Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE], Number.MAX_VALUE],
  ])('sums %j to %d', (values, expected) => {
    expect(correctlyRoundedSum(values)).toBe(expected);
  });

  it('maps every finite double to an exact scaled integer and back', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(roundScaledToDouble(doubleToScaledBigInt(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });
});

describe('ExactSum', () => {
  it('sums nothing to 0', () => {
    expect(roundExactSum(createExactSum())).toBe(0);
  });

  it.each([
    ['0.1 + 0.2 rounds once, like a single IEEE addition', [0.1, 0.2], 0.30000000000000004],
    ['a small value between two huge ones that cancel survives', [1e100, 1, -1e100], 1],
    [
      'many small values that naive summation loses against a large one',
      [2 ** 53, ...Array<number>(8).fill(1)],
      2 ** 53 + 8,
    ],
    ['a round-half-even tie pushed up by a lower partial', [2 ** 53, 1, 1e-300], 2 ** 53 + 2],
    ['a round-half-even tie kept down when nothing pushes it', [2 ** 53, 1], 2 ** 53],
    ['a round-half-even tie pushed down by a negative lower partial', [2 ** 53 + 2, 1, -1e-300], 2 ** 53 + 2],
    ['subnormals add exactly', [2 ** -1074, 2 ** -1074, 2 ** -1074], 3 * 2 ** -1074],
    ['values that cancel exactly sum to 0', [0.1, 0.7, -0.1, -0.7], 0],
  ])('%s', (_description, values, expected) => {
    expect(roundExactSum(sumOf(values))).toBe(expected);
    expect(correctlyRoundedSum(values)).toBe(expected);
  });

  it.each([
    ['+Infinity', [1, Number.POSITIVE_INFINITY, 2], Number.POSITIVE_INFINITY],
    ['-Infinity', [Number.NEGATIVE_INFINITY, 1e300], Number.NEGATIVE_INFINITY],
    ['+Infinity and -Infinity give NaN', [Number.POSITIVE_INFINITY, 5, Number.NEGATIVE_INFINITY], Number.NaN],
    ['NaN', [1, Number.NaN, 2], Number.NaN],
  ])('a non-finite input dominates the result: %s', (_description, values, expected) => {
    expect(roundExactSum(sumOf(values))).toBe(expected);
    // Merged from two halves as well.
    const a = sumOf(values.slice(0, 1));
    mergeExactSum(a, sumOf(values.slice(1)));
    expect(roundExactSum(a)).toBe(expected);
  });

  it('an exact total beyond the double range rounds to Infinity, as one IEEE addition would', () => {
    expect(roundExactSum(sumOf([Number.MAX_VALUE, Number.MAX_VALUE]))).toBe(Number.POSITIVE_INFINITY);
    expect(roundExactSum(sumOf([-Number.MAX_VALUE, -Number.MAX_VALUE]))).toBe(Number.NEGATIVE_INFINITY);
  });

  it('an intermediate overflow does not corrupt a total that is back in range', () => {
    // The exact total is MAX_VALUE in every order; the result must not depend on the order of addition.
    const values = [Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE];
    expect(correctlyRoundedSum(values)).toBe(Number.MAX_VALUE);
    expect(roundExactSum(sumOf(values))).toBe(Number.MAX_VALUE);
    expect(roundExactSum(sumOf([Number.MAX_VALUE, -Number.MAX_VALUE, Number.MAX_VALUE]))).toBe(
      Number.MAX_VALUE,
    );
  });

  it('keeps partials finite, non-zero and increasing in magnitude, and their sum exact (property)', () => {
    fc.assert(
      fc.property(valueArray, (values) => {
        const s = sumOf(values);
        for (let i = 0; i < s.partials.length; i++) {
          const p = s.partials[i]!;
          expect(Number.isFinite(p) && p !== 0).toBe(true);
          if (i > 0) expect(Math.abs(p)).toBeGreaterThan(Math.abs(s.partials[i - 1]!));
        }
        const exact = values.reduce((acc, v) => acc + doubleToScaledBigInt(v), 0n);
        expect(s.partials.reduce((acc, p) => acc + doubleToScaledBigInt(p), 0n)).toBe(exact);
        expect(s.special).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('rounds to the correctly rounded sum, whatever the split into chunks and the merge order (property)', () => {
    fc.assert(
      fc.property(
        valueArray,
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 24 }),
        (values, cuts, picks) => {
          const expected = correctlyRoundedSum(values);
          const onePass = roundExactSum(sumOf(values));
          const merged = roundExactSum(mergeInOrder(chunksOf(values, cuts).map(sumOf), picks));
          const reversed = roundExactSum(sumOf([...values].reverse()));
          expect(onePass).toBe(expected);
          expect(merged).toBe(expected);
          expect(reversed).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
