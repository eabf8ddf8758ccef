import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { createSeededRandom } from '../../../src/lib/clickstream/seededRandom';

function firstUint32s(seed: number, count: number): number[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, () => random.nextUint32());
}

describe('createSeededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (seed) => {
        expect(firstUint32s(seed, 20)).toEqual(firstUint32s(seed, 20));
      }),
    );
  });

  it('gives different sequences for nearby, negative and beyond-32-bit seeds', () => {
    const seeds = [
      0,
      1,
      2,
      -1,
      2 ** 32,
      2 ** 32 + 1,
      -(2 ** 32),
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
    ];
    const sequences = new Set(seeds.map((seed) => firstUint32s(seed, 4).join(',')));
    expect(sequences.size).toBe(seeds.length);
  });

  it('yields unsigned 32-bit integers and floats in [0, 1)', () => {
    const random = createSeededRandom(7);
    for (let index = 0; index < 10_000; index++) {
      const value = random.nextUint32();
      expect(Number.isInteger(value) && value >= 0 && value < 2 ** 32).toBe(true);
      const float = random.nextFloat();
      expect(float >= 0 && float < 1).toBe(true);
    }
  });

  it('draws nextInt uniformly within its bound', () => {
    const random = createSeededRandom(11);
    const bound = 10;
    const draws = 100_000;
    const counts = new Array<number>(bound).fill(0);
    for (let index = 0; index < draws; index++) {
      const value = random.nextInt(bound);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    // Chi-square with 9 degrees of freedom; 27.9 is the 0.999 quantile.
    const expected = draws / bound;
    const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.9);
  });

  it('handles the extreme bounds of nextInt', () => {
    const random = createSeededRandom(3);
    expect(random.nextInt(1)).toBe(0);
    const value = random.nextInt(2 ** 32);
    expect(value >= 0 && value < 2 ** 32).toBe(true);
  });

  it('makes nextBoolean true with the given probability', () => {
    const random = createSeededRandom(5);
    let trues = 0;
    for (let index = 0; index < 100_000; index++) {
      trues += random.nextBoolean(0.3) ? 1 : 0;
    }
    expect(trues / 100_000).toBeCloseTo(0.3, 2);
    expect(random.nextBoolean(0)).toBe(false);
    expect(random.nextBoolean(1)).toBe(true);
  });

  it('rejects bad arguments', () => {
    expect(() => createSeededRandom('1' as unknown as number)).toThrow(TypeError);
    expect(() => createSeededRandom(1.5)).toThrow(RangeError);
    expect(() => createSeededRandom(Number.NaN)).toThrow(RangeError);
    expect(() => createSeededRandom(2 ** 53)).toThrow(RangeError);
    const random = createSeededRandom(1);
    expect(() => random.nextInt(0)).toThrow(RangeError);
    expect(() => random.nextInt(2.5)).toThrow(RangeError);
    expect(() => random.nextInt(2 ** 32 + 1)).toThrow(RangeError);
  });
});
