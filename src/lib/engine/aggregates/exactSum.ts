/**
 * Exact floating-point summation (Shewchuk's algorithm, as in Python's math.fsum). The running sum is
 * kept as a list of non-overlapping partials, so adding values in any order, or merging two sums, gives
 * the same exact total; {@link roundExactSum} rounds it once, correctly. This is what makes partial
 * aggregates merged across batches and partitions equal to one pass over all events.
 *
 * Invariant: `partials` are finite, non-zero, non-overlapping and ordered by increasing magnitude.
 * Non-finite inputs (Infinity, NaN) are accumulated apart in `special`.
 */
export interface ExactSum {
  partials: number[];
  special: number;
}

export function createExactSum(): ExactSum {
  return { partials: [], special: 0 };
}

/** Adds `value` to `sum` in place. */
export function addToExactSum(sum: ExactSum, value: number): void {
  if (!Number.isFinite(value)) {
    sum.special += value;
    return;
  }
  const partials = sum.partials;
  let x = value;
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  if (x !== 0 || i === 0) partials.push(x);
  if (partials.length === 1 && partials[0] === 0) partials.length = 0;
}

/** Adds every partial of `other` into `target` in place; exact, so merge order does not matter. */
export function mergeExactSum(target: ExactSum, other: ExactSum): void {
  for (const p of other.partials) addToExactSum(target, p);
  target.special += other.special;
}

/** The correctly rounded value of the exact sum. */
export function roundExactSum(sum: ExactSum): number {
  if (sum.special !== 0 || Number.isNaN(sum.special)) return sum.special;
  const p = sum.partials;
  let n = p.length;
  if (n === 0) return 0;
  n -= 1;
  let hi = p[n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    n -= 1;
    const y = p[n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // Round half-even correctly when the remaining partials push the tie one way.
  if (n > 0 && ((lo < 0 && p[n - 1]! < 0) || (lo > 0 && p[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}
