/** One file's NAB result at one threshold (the columns of NAB's `*_scores.csv`). */
export interface NabFileScore {
  /** The threshold θ: a row with anomaly score ≥ θ is a detection. */
  readonly threshold: number;
  /** The file's raw (not normalised) score. */
  readonly score: number;
  /** Detected rows inside windows after the probationary period. */
  readonly tp: number;
  /** Undetected rows outside windows after the probationary period. */
  readonly tn: number;
  /** Detected rows outside windows after the probationary period. */
  readonly fp: number;
  /** Undetected rows inside windows after the probationary period. */
  readonly fn: number;
  /** The rows in the file. */
  readonly totalCount: number;
}
