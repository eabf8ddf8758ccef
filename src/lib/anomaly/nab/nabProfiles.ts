/** The weights NAB gives true positives, false negatives and false positives (its `CostMatrix`). */
export interface NabCostMatrix {
  /** A_TP: the worth of a detection on the first row of a window. */
  readonly tpWeight: number;
  /** A_FN: the cost of a window without any detection. */
  readonly fnWeight: number;
  /** A_FP: the cost of a detection far from any window. */
  readonly fpWeight: number;
}

/** The names of NAB's three scoring profiles. */
export type NabProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** NAB's three scoring profiles (`config/profiles.json`; `tnWeight` is unused and left out). */
export const nabProfiles: Readonly<Record<NabProfileName, NabCostMatrix>> = {
  standard: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.11 },
  reward_low_FP_rate: { tpWeight: 1.0, fnWeight: 1.0, fpWeight: 0.22 },
  reward_low_FN_rate: { tpWeight: 1.0, fnWeight: 2.0, fpWeight: 0.11 },
};

/** The profile names in the order NAB's scoreboard lists them. */
export const nabProfileNames: readonly NabProfileName[] = [
  'standard',
  'reward_low_FP_rate',
  'reward_low_FN_rate',
];
