import { median } from './median';

/** Residuals per block. */
const BLOCK = 50;
/** Blocks remembered (so the scale reflects the last 1,000 residuals). */
const BLOCKS = 20;
/** Residuals needed before the first block completes for an early estimate. */
const EARLY = 10;

/** The state of {@link addToRobustScale}, JSON-safe. */
export interface RobustScaleState {
  /** Residuals of the block being filled. */
  open: number[];
  /** The scale of each complete block, oldest first (at most 20). */
  blockScales: number[];
  /** Residuals added so far. */
  count: number;
  /** The current estimate (0 until 10 residuals were added). */
  scale: number;
}

/** A fresh {@link RobustScaleState}. */
export function newRobustScale(): RobustScaleState {
  return { open: [], blockScales: [], count: 0, scale: 0 };
}

/** 1.4826 × the median absolute deviation, or √(π/2) × the mean absolute deviation when the MAD is 0. */
function scaleOf(values: readonly number[]): number {
  const centre = median(values);
  const deviations = values.map((v) => Math.abs(v - centre));
  const mad = 1.4826 * median(deviations);
  if (mad > 0) return mad;
  let sum = 0;
  for (const d of deviations) sum += d;
  return (1.2533 * sum) / deviations.length;
}

/**
 * Adds a residual to a rolling robust estimate of the residuals' standard deviation: the median, over the last
 * 20 blocks of 50 residuals, of each block's scaled median absolute deviation (before the first block is
 * complete: the scaled MAD of the residuals so far). The state is small however long the stream.
 */
export function addToRobustScale(state: RobustScaleState, residual: number): void {
  state.open.push(residual);
  state.count++;
  if (state.open.length === BLOCK) {
    state.blockScales.push(scaleOf(state.open));
    if (state.blockScales.length > BLOCKS) state.blockScales.shift();
    state.open = [];
    state.scale = median(state.blockScales);
  } else if (state.blockScales.length === 0 && state.open.length >= EARLY) {
    state.scale = scaleOf(state.open);
  }
}
