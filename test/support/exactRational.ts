/**
 * An exact reference for floating-point sums: every finite double is an integer multiple of 2^-1074,
 * so scaling by 2^1074 turns it into a BigInt, BigInt sums are exact, and {@link roundScaledToDouble}
 * rounds the exact total to the nearest double (ties to even), as IEEE 754 addition would.
 */

const SCALE_EXPONENT = 1074;

/** x * 2^1074 as an exact BigInt; x must be finite. */
export function doubleToScaledBigInt(x: number): bigint {
  if (!Number.isFinite(x)) throw new RangeError(`x: expected a finite double, received ${x}`);
  if (x === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const negative = hi >>> 31 === 1;
  const exponentBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let shift = 0;
  if (exponentBits !== 0) {
    // Normal: (2^52 + f) * 2^(e - 1075); scaled by 2^1074 that is (2^52 + f) << (e - 1).
    mantissa |= 1n << 52n;
    shift = exponentBits - 1;
  }
  const scaled = mantissa << BigInt(shift);
  return negative ? -scaled : scaled;
}

/** The double nearest to n * 2^-1074 (ties to even); +-Infinity beyond the double range. */
export function roundScaledToDouble(n: bigint): number {
  if (n === 0n) return 0;
  const negative = n < 0n;
  const a = negative ? -n : n;
  const bits = a.toString(2).length;
  const shift = Math.max(0, bits - 53);
  let q = a >> BigInt(shift);
  if (shift > 0) {
    const r = a - (q << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    if (r > half || (r === half && (q & 1n) === 1n)) q += 1n;
  }
  // q <= 2^53, so Number(q) is exact, and q * 2^(shift - 1074) is representable unless it overflows.
  const value = Number(q) * 2 ** (shift - SCALE_EXPONENT);
  return negative ? -value : value;
}

/** The correctly rounded sum of finite doubles. */
export function correctlyRoundedSum(values: readonly number[]): number {
  let total = 0n;
  for (const v of values) total += doubleToScaledBigInt(v);
  return roundScaledToDouble(total);
}
