/**
 * Exact floating-point summation (Shewchuk's algorithm, as in Python's math.fsum). The running sum is
 * kept as a list of non-overlapping partials, so adding values in any order, or merging two sums, gives
 * the same exact total; {@link roundExactSum} rounds it once, correctly. This is what makes partial
 * aggregates merged across batches and partitions equal to one pass over all events.
 *
 * Invariant: `partials` are finite, non-zero, non-overlapping and ordered by increasing magnitude.
 * Near the top of the double range, where partials could overflow, the sum switches to `big`: the
 * exact total as an integer multiple of 2^-1074 (every double is one). Non-finite inputs (Infinity,
 * NaN) are accumulated apart in `special`.
 */
export interface ExactSum {
  partials: number[];
  special: number;
  /** The exact sum times 2^1074, once magnitudes reached 2^1020. */
  big?: bigint;
}

/** Above this magnitude two partials could overflow when added. */
const bigThreshold = 2 ** 1020;

export function createExactSum(): ExactSum {
  return { partials: [], special: 0 };
}

const view = new DataView(new ArrayBuffer(8));

/** A finite double as an exact multiple of 2^-1074. */
function toScaled(x: number): bigint {
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exponent = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const magnitude = exponent === 0 ? fraction : (fraction | (1n << 52n)) << BigInt(exponent - 1);
  return hi >>> 31 ? -magnitude : magnitude;
}

/** The double nearest to n * 2^-1074 (ties to even). */
function fromScaled(n: bigint): number {
  if (n === 0n) return 0;
  const sign = n < 0n ? -1 : 1;
  const a = n < 0n ? -n : n;
  const shift = a.toString(2).length - 53;
  // Fewer than 54 bits: exact as it is (subnormal or small normal).
  if (shift <= 0) return sign * Number(a) * 2 ** -1074;
  const s = BigInt(shift);
  const q = a >> s;
  const r = a - (q << s);
  const half = 1n << (s - 1n);
  const m = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  return sign * Number(m) * 2 ** (shift - 1074);
}

function toBig(sum: ExactSum): bigint {
  if (sum.big !== undefined) return sum.big;
  let total = 0n;
  for (const p of sum.partials) total += toScaled(p);
  return total;
}

/** Adds `value` to `sum` in place. */
export function addToExactSum(sum: ExactSum, value: number): void {
  if (!Number.isFinite(value)) {
    sum.special += value;
    return;
  }
  const partials = sum.partials;
  if (
    sum.big !== undefined ||
    Math.abs(value) >= bigThreshold ||
    Math.abs(partials.at(-1) ?? 0) >= bigThreshold
  ) {
    sum.big = toBig(sum) + toScaled(value);
    partials.length = 0;
    return;
  }
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
  if (target.big !== undefined || other.big !== undefined) {
    target.big = toBig(target) + toBig(other);
    target.partials.length = 0;
  } else {
    for (const p of other.partials) addToExactSum(target, p);
  }
  target.special += other.special;
}

/** The correctly rounded value of the exact sum. */
export function roundExactSum(sum: ExactSum): number {
  if (sum.special !== 0 || Number.isNaN(sum.special)) return sum.special;
  if (sum.big !== undefined) return fromScaled(sum.big);
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
