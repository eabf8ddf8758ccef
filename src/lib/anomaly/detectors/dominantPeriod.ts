import { autocorrelation } from './autocorrelation';

/** Options of {@link dominantPeriod}. */
export interface DominantPeriodOptions {
  /** The shortest period considered, in samples. */
  readonly minLag: number;
  /** The autocorrelation a period needs, in (0, 1). */
  readonly minCorrelation: number;
}

/** A period found by {@link dominantPeriod}. */
export interface DominantPeriod {
  /** The period in samples, or 0 when there is none. */
  readonly period: number;
  /** The autocorrelation at that lag (0 when there is no period). */
  readonly correlation: number;
}

/**
 * Finds the dominant period of a series: the lag, between `minLag` and a third of the series (so that at
 * least three cycles are seen), at which the autocorrelation has its highest local maximum, provided that
 * maximum reaches `minCorrelation`.
 */
export function dominantPeriod(values: ArrayLike<number>, options: DominantPeriodOptions): DominantPeriod {
  const r = autocorrelation(values);
  const maxLag = Math.floor(values.length / 3);
  let period = 0;
  let correlation = 0;
  let best = options.minCorrelation;
  for (let k = Math.max(options.minLag, 1); k <= maxLag && k + 1 < r.length; k++) {
    const v = r[k]!;
    if (v > r[k - 1]! && v >= r[k + 1]! && v > best) {
      best = v;
      period = k;
      correlation = v;
    }
  }
  return { period, correlation };
}
