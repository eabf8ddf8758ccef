import { erfc } from './erfc';

/**
 * The upper-tail p-value of `value` against a sample, by Gaussian kernel density estimation with an adaptive
 * bandwidth, as ML.NET's IID detectors compute it: every kernel is a normal distribution centred on a sample
 * value, with the population standard deviation of the sample as its standard deviation (at least 1e-6 / √2;
 * 1 for a one-value sample), and the p-value is the estimated `P(X ≥ value)`.
 *
 * @param value - the new value
 * @param sample - the recent history (not including `value`)
 * @returns a probability in [0, 1]; 0.5 for an empty sample
 */
export function kernelUpperTailPValue(value: number, sample: ArrayLike<number>): number {
  const n = sample.length;
  if (n === 0) return 0.5;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += sample[i]!;
  mean /= n;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (sample[i]! - mean) ** 2;
  // ML.NET: sqrt(2) · sqrt(Σ over pairs (x_i − x_j)²) / n, and Σ over pairs = n · Σ (x_i − mean)².
  const bandwidth = Math.max(Math.SQRT2 * (n === 1 ? 1 : Math.sqrt(n * squares) / n), 1e-6);
  let tail = 0;
  for (let i = 0; i < n; i++) tail += erfc((value - sample[i]!) / bandwidth);
  return tail / (2 * n);
}
