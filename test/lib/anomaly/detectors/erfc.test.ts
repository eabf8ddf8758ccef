import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc } from '../../../../src/lib/anomaly/detectors/erfc';
import { gaussianUpperTail } from '../../../../src/lib/anomaly/detectors/gaussianUpperTail';

describe('erfc', () => {
  it('matches reference values to about 1e-13, far into the tail', () => {
    const reference: [number, number][] = [
      [0, 1],
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047266],
      [2.5, 0.000406952017444959],
      [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12],
      [10, 2.088487583762545e-45],
      [-1, 1.8427007929497148],
    ];
    for (const [x, expected] of reference)
      expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(1e-12);
    expect(erfc(30)).toBe(0);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('is decreasing, in [0, 2] and symmetric: erfc(−x) = 2 − erfc(x)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, d) => {
          expect(erfc(x)).toBeGreaterThanOrEqual(0);
          expect(erfc(x)).toBeLessThanOrEqual(2);
          expect(erfc(x + d)).toBeLessThanOrEqual(erfc(x) + 1e-15);
          expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 14);
        },
      ),
    );
  });

  it('gives the normal upper tail', () => {
    expect(gaussianUpperTail(0)).toBe(0.5);
    expect(gaussianUpperTail(1.6448536269514722)).toBeCloseTo(0.05, 14);
    expect(gaussianUpperTail(-1)).toBeCloseTo(0.8413447460685429, 14);
  });
});
