import { describe, expect, it } from 'vitest';

import { createSeededRandom } from '../../../src/lib/clickstream/seededRandom';
import { createZipfSampler } from '../../../src/lib/clickstream/zipfSampler';

describe('createZipfSampler', () => {
  it('assigns probabilities proportional to 1 / (rank + 1)^s that sum to 1', () => {
    const sampler = createZipfSampler({ size: 100, exponent: 1.1 });
    let sum = 0;
    for (let rank = 0; rank < 100; rank++) {
      sum += sampler.probabilityOf(rank);
      if (rank > 0) {
        expect(sampler.probabilityOf(rank - 1) / sampler.probabilityOf(rank)).toBeCloseTo(
          ((rank + 1) / rank) ** 1.1,
          9,
        );
      }
    }
    expect(sum).toBeCloseTo(1, 12);
    expect(sampler.probabilityOf(-1)).toBe(0);
    expect(sampler.probabilityOf(100)).toBe(0);
    expect(sampler.probabilityOf(0.5)).toBe(0);
  });

  it('is uniform with exponent 0', () => {
    const sampler = createZipfSampler({ size: 8, exponent: 0 });
    for (let rank = 0; rank < 8; rank++) {
      expect(sampler.probabilityOf(rank)).toBeCloseTo(1 / 8, 12);
    }
  });

  it('samples ranks with the frequencies of the distribution', () => {
    const sampler = createZipfSampler({ size: 50, exponent: 1.2 });
    const random = createSeededRandom(99);
    const draws = 200_000;
    const counts = new Array<number>(50).fill(0);
    for (let index = 0; index < draws; index++) {
      const rank = sampler.sample(random);
      expect(rank >= 0 && rank < 50).toBe(true);
      counts[rank] = (counts[rank] ?? 0) + 1;
    }
    for (const rank of [0, 1, 2, 10, 49]) {
      const expected = sampler.probabilityOf(rank) * draws;
      expect(Math.abs((counts[rank] ?? 0) - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    }
  });

  it('always yields rank 0 when there is one rank', () => {
    const sampler = createZipfSampler({ size: 1, exponent: 3 });
    const random = createSeededRandom(1);
    for (let index = 0; index < 100; index++) {
      expect(sampler.sample(random)).toBe(0);
    }
  });

  it.each([
    { size: 0, exponent: 1 },
    { size: 2.5, exponent: 1 },
    { size: 10_000_001, exponent: 1 },
    { size: 10, exponent: -0.1 },
    { size: 10, exponent: Number.NaN },
    { size: 10, exponent: 21 },
  ])('rejects %j with a RangeError', (options) => {
    expect(() => createZipfSampler(options)).toThrow(RangeError);
  });
});
