import {
  newAnomalyLikelihood,
  updateAnomalyLikelihood,
  type AnomalyLikelihoodState,
} from './anomalyLikelihood';
import { median } from './median';
import { addToRobustScale, newRobustScale, type RobustScaleState } from './robustScale';

/** Past cycles a seasonal prediction looks at. */
const CYCLES = 3;
/** Neighbouring phases (each side) a seasonal prediction looks at, in samples. */
const PHASE_SLACK = 2;
/** A seasonal residual's scale is at least this share of the stream's overall residual scale. */
const SEASONAL_SCALE_FLOOR = 0.25;
/** Surprises (|z|) are clipped here, so that one huge residual cannot dominate the average. */
const MAX_SURPRISE = 12;
/** Residuals needed before surprises are measured. */
const MIN_RESIDUALS = 30;

/** One way of predicting the next value and measuring how surprising it is; JSON-safe state. */
export interface ContextStreamState {
  /**
   * 0 for a local prediction (the median of the last `2 × width + 1` values), else the season length in samples
   * (the median of the same phase ± 2 samples in the last 3 cycles).
   */
  period: number;
  /** For local predictions, the half-width of the window, in samples. */
  width: number;
  /** The residuals' rolling robust scale. */
  scale: RobustScaleState;
  /** The likelihood of the recent surprises. */
  likelihood: AnomalyLikelihoodState;
}

/** A fresh stream: local (`period` 0, `width` ≥ 0) or seasonal (`period` > 0). */
export function newContextStream(period: number, width: number): ContextStreamState {
  return { period, width, scale: newRobustScale(), likelihood: newAnomalyLikelihood() };
}

/**
 * Predicts `value` from `history`, turns the residual into a surprise `min(|residual| / scale, 12)` (the scale
 * being the rolling robust scale of this stream's residuals; for seasonal predictions the spread of the values
 * used, floored at a quarter of the rolling scale) and returns the anomaly likelihood of the recent surprises.
 *
 * @param state - updated in place
 * @param value - the new value
 * @param history - the values before it, oldest first (not modified)
 * @returns an upper-tail probability in [0, 1]; 1 while the stream lacks history
 */
export function updateContextStream(
  state: ContextStreamState,
  value: number,
  history: readonly number[],
): number {
  const n = history.length;
  let prediction: number;
  let spread = 0;
  if (state.period > 0) {
    if (n < CYCLES * state.period + PHASE_SLACK) return 1;
    const context: number[] = [];
    for (let k = 1; k <= CYCLES; k++) {
      for (let j = -PHASE_SLACK; j <= PHASE_SLACK; j++) context.push(history[n - k * state.period + j]!);
    }
    prediction = median(context);
    spread = 1.4826 * median(context.map((v) => Math.abs(v - prediction)));
  } else {
    const size = 2 * state.width + 1;
    if (n < size) return 1;
    prediction = median(history.slice(n - size));
  }
  const residual = value - prediction;
  const overall = state.scale.scale;
  const scale = Math.max(state.period > 0 ? Math.max(spread, SEASONAL_SCALE_FLOOR * overall) : overall, 1e-9);
  const surprise = state.scale.count > MIN_RESIDUALS ? Math.abs(residual) / scale : 0;
  addToRobustScale(state.scale, residual);
  return updateAnomalyLikelihood(state.likelihood, Math.min(surprise, MAX_SURPRISE));
}
