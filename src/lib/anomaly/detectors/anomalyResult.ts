/** What a detector says about one value, shaped like ASA's `{ IsAnomaly, Score }` record. */
export interface AnomalyResult {
  /** True when the value is an anomaly at the detector's confidence (never during warm-up). */
  readonly isAnomaly: boolean;
  /** The detector's score; its meaning depends on the detector (a p-value or a martingale value). */
  readonly score: number;
}
