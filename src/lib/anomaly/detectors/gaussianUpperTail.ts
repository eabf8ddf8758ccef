import { erfc } from './erfc';

/**
 * The upper tail of the standard normal distribution, `Q(z) = P(Z ≥ z) = erfc(z / √2) / 2`.
 *
 * @param z - a standard score (standard deviations above the mean)
 * @returns a probability in [0, 1]
 */
export function gaussianUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}
