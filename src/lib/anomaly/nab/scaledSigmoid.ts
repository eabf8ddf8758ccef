/**
 * NAB's scaled sigmoid: `2 / (1 + e^(5y)) - 1`, and exactly -1 when `y > 3`.
 *
 * @param relativePosition - y, the position relative to a window's right edge in window widths: -1 is the
 *   window's first row, 0 its right edge, positive values lie after the window
 * @returns a weight in [-1, 1): 0.98661 at y = -1, 0 at y = 0, -0.98661 at y = 1
 */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition > 3.0) return -1.0;
  return 2 * (1 / (1 + Math.exp(5 * relativePosition))) - 1.0;
}
