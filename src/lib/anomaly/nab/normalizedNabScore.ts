import type { NabCostMatrix } from './nabProfiles';

/**
 * NAB's normalisation: `100 × (S_raw − S_null) / (S_perfect − S_null)` with `S_null = −A_FN × windows` (a
 * detector that never fires) and `S_perfect = A_TP × windows` (an earliest-row detection in every window and
 * no false alarm). The null detector scores 0 and a perfect one 100; a detector can score below 0.
 *
 * @param rawScore - the sum of the files' raw scores
 * @param windowCount - the windows in those files (must be > 0)
 * @param cost - the profile's weights
 * @returns the normalised score, in points (100 = perfect)
 */
export function normalizedNabScore(rawScore: number, windowCount: number, cost: NabCostMatrix): number {
  if (!(windowCount > 0)) {
    throw new RangeError(`windowCount: expected a number > 0, received ${windowCount}`);
  }
  const nullScore = -cost.fnWeight * windowCount;
  const perfectScore = cost.tpWeight * windowCount;
  return (100 * (rawScore - nullScore)) / (perfectScore - nullScore);
}
