/**
 * An exponentially weighted mean and variance (West's incremental form), JSON-safe so that it can live
 * in entity and table state. `n` counts the samples seen, for warm-up decisions.
 */
export interface EwStats {
  readonly n: number;
  readonly mean: number;
  readonly variance: number;
}

export const EMPTY_EW_STATS: EwStats = { n: 0, mean: 0, variance: 0 };

/**
 * Adds one sample. The first sample sets the mean; later ones move it by `alpha` of the difference.
 * @param alpha - weight of the new sample, in (0, 1]
 */
export function ewUpdate(stats: EwStats, x: number, alpha: number): EwStats {
  if (!Number.isFinite(x)) throw new RangeError(`x: expected a finite number, received ${x}`);
  if (!(alpha > 0 && alpha <= 1))
    throw new RangeError(`alpha: expected a number in (0, 1], received ${alpha}`);
  if (stats.n === 0) return { n: 1, mean: x, variance: 0 };
  const diff = x - stats.mean;
  const increment = alpha * diff;
  return {
    n: stats.n + 1,
    mean: stats.mean + increment,
    variance: (1 - alpha) * (stats.variance + diff * increment),
  };
}

/**
 * Adds one sample, winsorized once the baseline is warm: the sample is clipped to `k` standard deviations
 * (at least `sdFloor`) around the mean first, so that an incident moves the baseline only a little per
 * window while a lasting change of level is still learned.
 */
export function ewUpdateRobust(
  stats: EwStats,
  x: number,
  options: {
    readonly alpha: number;
    /** Samples after which clipping starts (the baseline's warm-up, or earlier for a noisy start). */
    readonly warmup: number;
    /** Clip at this many standard deviations. Default 3. */
    readonly k?: number;
    readonly sdFloor?: number;
  },
): EwStats {
  if (!isWarm(stats, options.warmup)) return ewUpdate(stats, x, options.alpha);
  const spread = (options.k ?? 3) * ewStdDev(stats, options.sdFloor ?? 0);
  return ewUpdate(stats, Math.min(stats.mean + spread, Math.max(stats.mean - spread, x)), options.alpha);
}

/** The standard deviation, never below `floor` (a young baseline has a tiny variance). */
export function ewStdDev(stats: EwStats, floor = 0): number {
  return Math.max(Math.sqrt(Math.max(0, stats.variance)), floor);
}

/** True once the baseline has seen `warmup` samples. */
export function isWarm(stats: EwStats, warmup: number): boolean {
  return stats.n >= warmup;
}

/** Rounds for compact JSON state: 6 significant digits are plenty for baselines. */
export function compactEwStats(stats: EwStats): EwStats {
  return {
    n: stats.n,
    mean: Number(stats.mean.toPrecision(6)),
    variance: Number(stats.variance.toPrecision(6)),
  };
}
