import type { AnomalyResult } from './anomalyResult';
import { detectorParameterProblems } from './detectorParameterProblems';
import { kernelUpperTailPValue } from './kernelUpperTailPValue';

/** Which side ASA's `AnomalyDetection_SpikeAndDip` looks at. */
export type SpikeAndDipMode = 'spikes' | 'dips' | 'spikesanddips';

const MODES: readonly SpikeAndDipMode[] = ['spikes', 'dips', 'spikesanddips'];

/** The smallest and largest p-value reported (ML.NET clamps p-values to this range). */
export const MIN_P_VALUE = 1e-8;
const MAX_P_VALUE = 1 - MIN_P_VALUE;
/** The largest history size accepted (each update costs O(historySize)). */
export const MAX_HISTORY_SIZE = 100_000;

/** Parameters of ASA's `AnomalyDetection_SpikeAndDip(expr, confidence, historySize, mode)`. */
export interface SpikeAndDipDetectorOptions {
  /** 1 to 100: a value is an anomaly when its p-value is ≤ 1 − confidence / 100. */
  readonly confidence: number;
  /** The number of recent values (events) the model learns from, 1 to 100,000. */
  readonly historySize: number;
  /** `spikes` (high values), `dips` (low values) or `spikesanddips` (both). */
  readonly mode: SpikeAndDipMode;
}

/** A spike-and-dip detector's complete state, JSON-safe: persist it and pass it back to resume. */
export interface SpikeAndDipState extends SpikeAndDipDetectorOptions {
  readonly kind: 'spikeAndDip';
  /** The most recent values, oldest first, at most `historySize`. */
  readonly history: readonly number[];
}

/** A streaming spike-and-dip detector. */
export interface SpikeAndDipDetector {
  /**
   * Scores the next value against the history before it and then adds it to the history. `score` is the
   * p-value (lower is more anomalous), in [1e-8, 1 − 1e-8]; there is no anomaly until the history is full.
   */
  update(value: number): AnomalyResult;
  /** True once `historySize` values have been seen (alerts are possible). */
  readonly warmedUp: boolean;
  /** A snapshot of the state (a fresh copy). */
  toJSON(): SpikeAndDipState;
}

function validate(options: SpikeAndDipDetectorOptions): void {
  const problems = detectorParameterProblems({
    confidence: { value: options.confidence, min: 1, max: 100 },
    historySize: { value: options.historySize, min: 1, max: MAX_HISTORY_SIZE, integer: true },
  });
  if (!MODES.includes(options.mode)) {
    problems.push(`mode: expected one of ${MODES.join(', ')}, received ${JSON.stringify(options.mode)}`);
  }
  if (problems.length > 0) throw new RangeError(`spike and dip detector: ${problems.join('; ')}`);
}

/**
 * ASA's `AnomalyDetection_SpikeAndDip` as ML.NET's `IidSpikeDetector` computes it: the p-value of each value
 * against the previous `historySize` values by adaptive kernel density estimation (upper tail for spikes, lower
 * tail for dips, the smaller of the two for both), and an anomaly when the p-value is ≤ 1 − confidence / 100,
 * once the history is full.
 *
 * @param options - the parameters, or a state from `toJSON()` to resume from
 * @throws RangeError naming every bad parameter (and a bad state)
 */
export function createSpikeAndDipDetector(
  options: SpikeAndDipDetectorOptions | SpikeAndDipState,
): SpikeAndDipDetector {
  validate(options);
  const { confidence, historySize, mode } = options;
  const history: number[] = [];
  if ('history' in options) {
    const h: unknown = options.history;
    if (
      !Array.isArray(h) ||
      h.length > historySize ||
      !h.every((v) => typeof v === 'number' && isFinite(v))
    ) {
      throw new RangeError(
        `spike and dip detector: history: expected at most ${historySize} finite numbers, received ${JSON.stringify(h)}`,
      );
    }
    history.push(...(h as number[]));
  }
  const alertBelow = 1 - confidence / 100;
  return {
    update(input) {
      // -0 and 0 are one value, and JSON keeps only 0: normalised, state round-trips exactly.
      const value = input + 0;
      if (!Number.isFinite(value)) {
        throw new RangeError(`spike and dip detector: value: expected a finite number, received ${value}`);
      }
      const upper = kernelUpperTailPValue(value, history);
      let p = mode === 'spikes' ? upper : mode === 'dips' ? 1 - upper : Math.min(upper, 1 - upper);
      p = Math.min(Math.max(p, MIN_P_VALUE), MAX_P_VALUE);
      history.push(value);
      if (history.length > historySize) history.shift();
      return { isAnomaly: history.length >= historySize && p <= alertBelow, score: p };
    },
    get warmedUp() {
      return history.length >= historySize;
    },
    toJSON() {
      return { kind: 'spikeAndDip', confidence, historySize, mode, history: [...history] };
    },
  };
}
