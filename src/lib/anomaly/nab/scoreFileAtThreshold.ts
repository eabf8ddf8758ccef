import type { NabFileScore } from './nabFileScore';
import type { NabCostMatrix } from './nabProfiles';
import type { NabWindow } from './nabWindow';
import { OUTSIDE_WINDOWS, PROBATIONARY, rowWeights } from './rowWeights';

/** What {@link scoreFileAtThreshold} scores. */
export interface ScoreFileAtThresholdOptions {
  /** The detector's anomaly score per row, in [0, 1]. */
  readonly anomalyScores: ArrayLike<number>;
  /** The file's windows as row ranges. */
  readonly windows: readonly NabWindow[];
  /** The profile's weights. */
  readonly cost: NabCostMatrix;
  /** θ: a row is a detection when its anomaly score is ≥ θ. */
  readonly threshold: number;
}

/**
 * Scores one file at a fixed threshold by NAB's rules: each scored window adds the weight of its earliest
 * detection or `−A_FN`; each detection outside the windows adds its own (negative) weight; rows of the
 * probationary period are ignored.
 */
export function scoreFileAtThreshold(options: ScoreFileAtThresholdOptions): NabFileScore {
  const { anomalyScores, windows, cost, threshold } = options;
  const rowCount = anomalyScores.length;
  const { weights, windowOf, windowScored } = rowWeights(rowCount, windows, cost);
  const windowBest = windows.map(() => -cost.fnWeight);
  let fpScore = 0;
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < rowCount; i++) {
    const where = windowOf[i]!;
    if (where === PROBATIONARY) continue;
    const detected = anomalyScores[i]! >= threshold;
    if (where === OUTSIDE_WINDOWS) {
      if (detected) {
        fp++;
        fpScore += weights[i]!;
      } else {
        tn++;
      }
    } else if (detected) {
      tp++;
      windowBest[where] = Math.max(windowBest[where]!, weights[i]!);
    } else {
      fn++;
    }
  }
  let score = fpScore;
  windowBest.forEach((best, w) => {
    if (windowScored[w]) score += best;
  });
  return { threshold, score, tp, tn, fp, fn, totalCount: rowCount };
}
