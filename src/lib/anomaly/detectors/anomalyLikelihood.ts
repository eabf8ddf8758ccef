import { gaussianUpperTail } from './gaussianUpperTail';

/** Values averaged into the short-term surprise (HTM's anomaly likelihood uses 10). */
const AVERAGE_OVER = 10;
/** Values seen before the long-term distribution starts to be learnt. */
const LEARNING = 150;
/** Averages per block of the long-term distribution (HTM re-estimates every 100 records). */
const BLOCK = 100;
/** Blocks remembered: 86 × 100 = 8,600 averages (HTM keeps 8,640 records). */
const BLOCKS = 86;
/** The smallest standard deviation assumed for the averages. */
const MIN_STANDARD_DEVIATION = 0.05;

/** The state of {@link updateAnomalyLikelihood}, JSON-safe. */
export interface AnomalyLikelihoodState {
  /** The last (up to) 10 surprises, oldest first. */
  recent: number[];
  /** Surprises seen. */
  seen: number;
  /** Complete blocks of averages as [sum, sum of squares, count], oldest first. */
  blocks: [number, number, number][];
  /** The block being filled, as [sum, sum of squares, count]. */
  open: [number, number, number];
  /** The long-term mean of the averages, once estimated. */
  mean: number;
  /** The long-term standard deviation of the averages, once estimated. */
  deviation: number;
  /** True once the first block is complete. */
  ready: boolean;
}

/** A fresh {@link AnomalyLikelihoodState}. */
export function newAnomalyLikelihood(): AnomalyLikelihoodState {
  return { recent: [], seen: 0, blocks: [], open: [0, 0, 0], mean: 0, deviation: 1, ready: false };
}

/**
 * HTM-style anomaly likelihood: how unusual the average of the last 10 surprises is, against a normal
 * distribution fitted to such averages over the last 8,600 values (skipping the first 150, re-fitted every 100).
 * Only unusually high averages count: a sustained run of surprises is what it detects.
 *
 * @param state - updated in place
 * @param surprise - this value's surprise (for example a clipped |z| score), ≥ 0
 * @returns the upper-tail probability of the current average (1 until the distribution is known)
 */
export function updateAnomalyLikelihood(state: AnomalyLikelihoodState, surprise: number): number {
  state.recent.push(surprise);
  if (state.recent.length > AVERAGE_OVER) state.recent.shift();
  let sum = 0;
  for (const v of state.recent) sum += v;
  const average = sum / state.recent.length;
  state.seen++;
  let p = 1;
  if (state.ready) {
    const z = (average - state.mean) / state.deviation;
    if (z > 0) p = gaussianUpperTail(z);
  }
  if (state.seen > LEARNING) {
    const open = state.open;
    open[0] += average;
    open[1] += average * average;
    open[2] += 1;
    if (open[2] === BLOCK) {
      state.blocks.push(open);
      if (state.blocks.length > BLOCKS) state.blocks.shift();
      state.open = [0, 0, 0];
      let s = 0;
      let s2 = 0;
      let c = 0;
      for (const [bs, bs2, bc] of state.blocks) {
        s += bs;
        s2 += bs2;
        c += bc;
      }
      state.mean = s / c;
      state.deviation = Math.max(
        Math.sqrt(Math.max(s2 / c - state.mean * state.mean, 0)),
        MIN_STANDARD_DEVIATION,
      );
      state.ready = true;
    }
  }
  return p;
}
