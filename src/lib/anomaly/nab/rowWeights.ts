import type { NabCostMatrix } from './nabProfiles';
import type { NabWindow } from './nabWindow';
import { probationaryLength } from './probationaryLength';
import { scaledSigmoid } from './scaledSigmoid';

/** Marks a row outside every window in {@link RowWeights.windowOf}. */
export const OUTSIDE_WINDOWS = -1;
/** Marks a row of the probationary period in {@link RowWeights.windowOf}. */
export const PROBATIONARY = -2;

/** What a detection on each row of one file would be worth (NAB's "sweep scores"). */
export interface RowWeights {
  /** Per row: the weight of a detection there (positive inside windows, negative outside). */
  readonly weights: Float64Array;
  /**
   * Per row: the index of its window, {@link OUTSIDE_WINDOWS}, or {@link PROBATIONARY} for rows `i < P`
   * (which NAB ignores completely, even inside a window).
   */
  readonly windowOf: Int32Array;
  /** Per window: true when at least one of its rows lies after the probationary period (it is scored). */
  readonly windowScored: readonly boolean[];
}

/**
 * Computes the weight of a detection on every row of a file, by NAB's rules:
 * inside a window `[s, e]` of width `w`, row `i` is worth `A_TP × σ(−(e − i + 1) / w) / σ(−1)`; after a window
 * it costs `A_FP × σ(|i − e'| / (w' − 1))` with `e'`, `w'` the end and width of the most recent window; before
 * the first window (or in a file without windows) it costs `−A_FP`.
 *
 * @param rowCount - N, the rows in the file
 * @param windows - the file's windows as row ranges, sorted and not overlapping
 * @param cost - the profile's weights
 */
export function rowWeights(rowCount: number, windows: readonly NabWindow[], cost: NabCostMatrix): RowWeights {
  const weights = new Float64Array(rowCount);
  const windowOf = new Int32Array(rowCount);
  const maxTp = scaledSigmoid(-1.0);
  const probation = probationaryLength(rowCount);
  const windowScored = windows.map(() => false);
  let next = 0;
  let current: NabWindow | undefined;
  let currentIndex = -1;
  let previous: NabWindow | undefined;
  for (let i = 0; i < rowCount; i++) {
    const upcoming = windows[next];
    if (current === undefined && upcoming !== undefined && upcoming.start === i) {
      current = upcoming;
      currentIndex = next;
      next++;
    }
    let weight: number;
    if (current !== undefined) {
      const width = current.end - current.start + 1;
      weight = (scaledSigmoid(-(current.end - i + 1) / width) * cost.tpWeight) / maxTp;
    } else if (previous === undefined) {
      weight = -1.0 * cost.fpWeight;
    } else {
      const previousWidth = previous.end - previous.start + 1;
      weight = scaledSigmoid(Math.abs(previous.end - i) / (previousWidth - 1)) * cost.fpWeight;
    }
    weights[i] = weight;
    if (i < probation) {
      windowOf[i] = PROBATIONARY;
    } else if (current !== undefined) {
      windowOf[i] = currentIndex;
      windowScored[currentIndex] = true;
    } else {
      windowOf[i] = OUTSIDE_WINDOWS;
    }
    if (current !== undefined && current.end === i) {
      previous = current;
      current = undefined;
    }
  }
  return { weights, windowOf, windowScored };
}
