import type { NabCostMatrix } from './nabProfiles';
import type { NabWindow } from './nabWindow';
import { OUTSIDE_WINDOWS, PROBATIONARY, rowWeights } from './rowWeights';

/** One file for {@link optimizeThreshold}. */
export interface ScoredSeries {
  /** The detector's anomaly score per row, in [0, 1]. */
  readonly anomalyScores: ArrayLike<number>;
  /** The file's windows as row ranges. */
  readonly windows: readonly NabWindow[];
}

/** The best threshold found and the corpus raw score it gives. */
export interface OptimizedThreshold {
  /** θ, one of the anomaly scores that occur (or 1.1 when firing never pays). */
  readonly threshold: number;
  /** The corpus raw score (sum of the files' raw scores) at θ. */
  readonly score: number;
}

/**
 * Picks one threshold for a whole corpus as NAB's optimiser does: every distinct anomaly score that occurs
 * after a probationary period is a candidate (plus 1.1, which detects nothing), and the one that maximises
 * the corpus raw score wins; among equal scores the highest threshold wins.
 *
 * @param files - every file of the corpus, scored by one detector
 * @param cost - the profile's weights
 * @throws RangeError when an anomaly score is not a finite number (naming the file and row)
 */
export function optimizeThreshold(files: readonly ScoredSeries[], cost: NabCostMatrix): OptimizedThreshold {
  let total = 0;
  for (const f of files) total += f.anomalyScores.length;
  const scores = new Float64Array(total);
  const weights = new Float64Array(total);
  const windowIds = new Int32Array(total);
  const windowBest: number[] = [];
  let n = 0;
  let raw = 0;
  files.forEach((f, fileIndex) => {
    for (let i = 0; i < f.anomalyScores.length; i++) {
      if (!Number.isFinite(f.anomalyScores[i])) {
        throw new RangeError(
          `file ${fileIndex}, row ${i}: expected a finite anomaly score, received ${f.anomalyScores[i]}`,
        );
      }
    }
  });
  for (const f of files) {
    const rows = rowWeights(f.anomalyScores.length, f.windows, cost);
    const firstWindowId = windowBest.length;
    rows.windowScored.forEach((scored) => {
      windowBest.push(scored ? -cost.fnWeight : 0);
      if (scored) raw -= cost.fnWeight;
    });
    for (let i = 0; i < f.anomalyScores.length; i++) {
      const where = rows.windowOf[i]!;
      if (where === PROBATIONARY) continue;
      scores[n] = f.anomalyScores[i]!;
      weights[n] = rows.weights[i]!;
      windowIds[n] = where === OUTSIDE_WINDOWS ? -1 : firstWindowId + where;
      n++;
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let best: OptimizedThreshold = { threshold: 1.1, score: raw };
  let k = 0;
  while (k < n) {
    const threshold = scores[order[k]!]!;
    while (k < n && scores[order[k]!]! === threshold) {
      const row = order[k]!;
      const w = windowIds[row]!;
      if (w < 0) {
        raw += weights[row]!;
      } else if (weights[row]! > windowBest[w]!) {
        raw += weights[row]! - windowBest[w]!;
        windowBest[w] = weights[row]!;
      }
      k++;
    }
    if (raw > best.score) best = { threshold, score: raw };
  }
  return best;
}
