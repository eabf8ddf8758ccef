/** Summary of repeated measurements of one quantity. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median, in percent. */
  readonly spreadPct: number;
  readonly samples: readonly number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median: expected at least one value, received none');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const m = median(samples);
  const min = Math.min(...samples);
  const max = Math.max(...samples);
  return { median: m, min, max, spreadPct: m === 0 ? 0 : ((max - min) / m) * 100, samples };
}

/** Rounds to `digits` significant digits, for JSON that stays readable. */
export function sig(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

export function roundSummary(s: Summary, digits = 4): Summary {
  return {
    median: sig(s.median, digits),
    min: sig(s.min, digits),
    max: sig(s.max, digits),
    spreadPct: sig(s.spreadPct, 3),
    samples: s.samples.map((v) => sig(v, digits)),
  };
}
