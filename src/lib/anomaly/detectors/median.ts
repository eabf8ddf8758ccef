/**
 * The median of some numbers (the mean of the two middle ones for an even count).
 *
 * @param values - at least one number; not modified
 * @returns the median, or NaN when `values` is empty
 */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
}
