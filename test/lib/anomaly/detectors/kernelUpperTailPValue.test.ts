import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussianUpperTail } from '../../../../src/lib/anomaly/detectors/gaussianUpperTail';
import { kernelUpperTailPValue } from '../../../../src/lib/anomaly/detectors/kernelUpperTailPValue';

describe('kernelUpperTailPValue (ML.NET adaptive KDE)', () => {
  it('is 0.5 without history and uses a unit kernel for one value', () => {
    expect(kernelUpperTailPValue(3, [])).toBe(0.5);
    expect(kernelUpperTailPValue(5, [4])).toBeCloseTo(gaussianUpperTail(1), 14);
  });

  it('uses the population standard deviation of the history as the kernel width', () => {
    const history = [1, 3]; // population sd 1
    const expected = (gaussianUpperTail(2 - 1) + gaussianUpperTail(2 - 3)) / 2;
    expect(kernelUpperTailPValue(2, history)).toBeCloseTo(expected, 14);
  });

  it('floors the kernel width for a constant history', () => {
    expect(kernelUpperTailPValue(7, [7, 7, 7])).toBe(0.5);
    expect(kernelUpperTailPValue(7.001, [7, 7, 7])).toBe(0);
  });

  it('is a probability that falls as the value rises', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: -2e3, max: 2e3, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (history, value, step) => {
          const p = kernelUpperTailPValue(value, history);
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(kernelUpperTailPValue(value + step, history)).toBeLessThanOrEqual(p + 1e-12);
        },
      ),
    );
  });
});
