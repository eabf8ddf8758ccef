import type { SeededRandom } from './seededRandom';

/** Options of {@link createZipfSampler}. */
export interface ZipfSamplerOptions {
  /** Number of ranks, an integer from 1 to {@link MAX_ZIPF_SIZE}. */
  readonly size: number;
  /** The exponent s, a finite number from 0 (uniform) to 20; rank k has weight 1 / (k + 1)^s. */
  readonly exponent: number;
}

/** Draws ranks from a Zipf distribution. */
export interface ZipfSampler {
  /** Number of ranks. */
  readonly size: number;
  /** Draws a rank in [0, size): rank 0 is the most likely. Consumes one float from `random`. */
  sample(random: SeededRandom): number;
  /** The probability of `rank` (0 outside [0, size)). */
  probabilityOf(rank: number): number;
}

/** Largest supported number of ranks (the cumulative table takes 8 bytes per rank). */
export const MAX_ZIPF_SIZE = 10_000_000;

/**
 * Creates a Zipf sampler over ranks 0 to `size - 1` with a precomputed cumulative distribution (O(size)
 * memory, built once) and a binary search per draw (O(log size)).
 *
 * @throws RangeError when `size` or `exponent` is out of range.
 */
export function createZipfSampler(options: ZipfSamplerOptions): ZipfSampler {
  const { size, exponent } = options;
  if (!Number.isInteger(size) || size < 1 || size > MAX_ZIPF_SIZE) {
    throw new RangeError(
      `createZipfSampler: size must be an integer from 1 to ${MAX_ZIPF_SIZE}, received ${size}`,
    );
  }
  if (typeof exponent !== 'number' || !(exponent >= 0 && exponent <= 20)) {
    throw new RangeError(`createZipfSampler: exponent must be a number from 0 to 20, received ${exponent}`);
  }
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank++) {
    total += 1 / Math.pow(rank + 1, exponent);
    cumulative[rank] = total;
  }
  for (let rank = 0; rank < size; rank++) {
    cumulative[rank] = (cumulative[rank] as number) / total;
  }
  cumulative[size - 1] = 1; // guard against rounding: every draw in [0, 1) finds a rank

  return {
    size,
    sample(random) {
      const target = random.nextFloat();
      // The first rank whose cumulative probability exceeds the target.
      let low = 0;
      let high = size - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if ((cumulative[middle] as number) > target) {
          high = middle;
        } else {
          low = middle + 1;
        }
      }
      return low;
    },
    probabilityOf(rank) {
      if (!Number.isInteger(rank) || rank < 0 || rank >= size) {
        return 0;
      }
      return (cumulative[rank] as number) - (rank === 0 ? 0 : (cumulative[rank - 1] as number));
    },
  };
}
