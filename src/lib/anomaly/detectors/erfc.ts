const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;
/** Below this, the power series is used; above it, the continued fraction. */
const SERIES_LIMIT = 2.5;

/**
 * The complementary error function, `erfc(x) = 1 − erf(x)`, to about 1e-13 relative accuracy (including far
 * into the tail, where `1 − erf(x)` would cancel to 0). For |x| < 2.5 it sums the series
 * `erf(x) = 2/√π · e^(−x²) · Σ 2^n x^(2n+1) / (2n+1)!!` (all terms positive); above, it evaluates the
 * continued fraction `erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))` (modified Lentz).
 *
 * @returns a number in [0, 2]; NaN for NaN
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x > 27) return 0;
  const x2 = x * x;
  if (x < SERIES_LIMIT) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x2)) / f;
}
