import {
  createChangePointDetector,
  POWER_MARTINGALE_EPSILON,
  type ChangePointState,
} from './createChangePointDetector';
import {
  contextualAnomalyScore,
  createContextualDetector,
  type ContextualState,
} from './createContextualDetector';
import {
  createSpikeAndDipDetector,
  MAX_HISTORY_SIZE,
  type SpikeAndDipMode,
  type SpikeAndDipState,
} from './createSpikeAndDipDetector';

/** The detectors `clickpulse detect` can run. */
export type DetectorName = 'contextual' | 'spikeanddip' | 'changepoint';

/** Every detector name, the default first. */
export const DETECTOR_NAMES: readonly DetectorName[] = ['contextual', 'spikeanddip', 'changepoint'];

/** The defaults of the ASA-style detectors (as in ASA's documentation examples). */
export const ASA_DEFAULTS = { confidence: 95, historySize: 120, mode: 'spikesanddips' } as const;

/** Which detector to run and with which parameters (omitted ones take the detector's defaults). */
export interface StreamingScorerOptions {
  readonly detector: DetectorName;
  /** 1 to 100; defaults: 99.999 (contextual), 95 (spikeanddip, changepoint). */
  readonly confidence?: number;
  /** Values learnt from; defaults: 2,048 (contextual), 120 (spikeanddip, changepoint). */
  readonly historySize?: number;
  /** Only for spikeanddip (default spikesanddips). */
  readonly mode?: SpikeAndDipMode;
}

/** The state of any of the scorers, JSON-safe. */
export type StreamingScorerState = ContextualState | SpikeAndDipState | ChangePointState;

/** The parameter a {@link StreamingScorerProblem} is about. */
export type StreamingScorerParameter = 'detector' | 'confidence' | 'historySize' | 'mode';

/** A bad parameter of {@link createStreamingScorer}. */
export interface StreamingScorerProblem {
  readonly parameter: StreamingScorerParameter;
  /** What was expected and what was received (without the parameter's name). */
  readonly message: string;
}

/** The smallest history size each detector accepts (the largest is 100,000 for all). */
const MIN_HISTORY_SIZE: Readonly<Record<DetectorName, number>> = {
  contextual: 32,
  spikeanddip: 1,
  changepoint: 1,
};
const MODES: readonly SpikeAndDipMode[] = ['spikes', 'dips', 'spikesanddips'];

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? typeof value);
}

/** Every problem with some scorer options (an empty list when {@link createStreamingScorer} accepts them). */
export function streamingScorerProblems(options: StreamingScorerOptions): StreamingScorerProblem[] {
  const problems: StreamingScorerProblem[] = [];
  const detector: unknown = options.detector;
  const known = DETECTOR_NAMES.includes(detector as DetectorName);
  if (!known) {
    problems.push({
      parameter: 'detector',
      message: `expected one of ${DETECTOR_NAMES.join(', ')}, received ${describe(detector)}`,
    });
  }
  const { confidence, historySize, mode } = options;
  if (confidence !== undefined && !(Number.isFinite(confidence) && confidence >= 1 && confidence <= 100)) {
    problems.push({
      parameter: 'confidence',
      message: `expected a number from 1 to 100, received ${describe(confidence)}`,
    });
  }
  const min = known ? MIN_HISTORY_SIZE[options.detector] : 1;
  if (
    historySize !== undefined &&
    !(Number.isInteger(historySize) && historySize >= min && historySize <= MAX_HISTORY_SIZE)
  ) {
    problems.push({
      parameter: 'historySize',
      message: `expected an integer from ${min} to ${MAX_HISTORY_SIZE}${known ? ` for ${options.detector}` : ''}, received ${describe(historySize)}`,
    });
  }
  if (mode !== undefined) {
    if (known && detector !== 'spikeanddip') {
      problems.push({
        parameter: 'mode',
        message: `applies to the spikeanddip detector only, not ${options.detector}`,
      });
    } else if (!MODES.includes(mode)) {
      problems.push({
        parameter: 'mode',
        message: `expected one of ${MODES.join(', ')}, received ${describe(mode)}`,
      });
    }
  }
  return problems;
}

/** A detector run as a stream of anomaly scores. */
export interface StreamingScorer {
  /**
   * Scores the next value (no look-ahead) and learns from it.
   *
   * @returns an anomaly score in [0, 1], higher = more anomalous; 0 during the detector's warm-up
   */
  score(value: number): number;
  /** True when the detector flagged the last value scored (its `IsAnomaly`). */
  readonly lastIsAnomaly: boolean;
  /** A snapshot of the detector's state. */
  toJSON(): StreamingScorerState;
}

/**
 * Maps a change-point martingale to [0, 1]: `1 − q`, where q is the constant p-value that would give this
 * martingale over `historySize` bets (`M = (ε q^(ε−1))^historySize`). So a score ≥ confidence / 100 exactly when
 * the martingale reaches the detector's threshold.
 */
export function changePointAnomalyScore(martingale: number, historySize: number): number {
  const eps = POWER_MARTINGALE_EPSILON;
  const q = Math.exp((Math.log(martingale) / historySize - Math.log(eps)) / (eps - 1));
  return Math.min(1, Math.max(0, 1 - q));
}

/**
 * Runs one of the detectors as a stream of anomaly scores in [0, 1] (for `clickpulse detect` and NAB):
 * contextual `−log10(p + 1e-10) / 10` (0.5 at p = 1e-5), spikeanddip `1 − p`, changepoint
 * {@link changePointAnomalyScore}; 0 while the detector warms up. For spikeanddip and changepoint a score
 * ≥ confidence / 100 coincides with `IsAnomaly` (outside the change point's quiet period).
 *
 * @throws RangeError naming every bad parameter
 */
export function createStreamingScorer(options: StreamingScorerOptions): StreamingScorer {
  const problems = streamingScorerProblems(options);
  if (problems.length > 0) {
    throw new RangeError(problems.map((p) => `${p.parameter}: ${p.message}`).join('; '));
  }
  const { detector } = options;
  let lastIsAnomaly = false;
  switch (detector) {
    case 'contextual': {
      const d = createContextualDetector({
        confidence: options.confidence,
        historySize: options.historySize,
      });
      return {
        score(value) {
          const r = d.update(value);
          lastIsAnomaly = r.isAnomaly;
          return d.warmedUp ? contextualAnomalyScore(r.score) : 0;
        },
        get lastIsAnomaly() {
          return lastIsAnomaly;
        },
        toJSON: () => d.toJSON(),
      };
    }
    case 'spikeanddip': {
      const d = createSpikeAndDipDetector({
        confidence: options.confidence ?? ASA_DEFAULTS.confidence,
        historySize: options.historySize ?? ASA_DEFAULTS.historySize,
        mode: options.mode ?? ASA_DEFAULTS.mode,
      });
      return {
        score(value) {
          const r = d.update(value);
          lastIsAnomaly = r.isAnomaly;
          return d.warmedUp ? 1 - r.score : 0;
        },
        get lastIsAnomaly() {
          return lastIsAnomaly;
        },
        toJSON: () => d.toJSON(),
      };
    }
    case 'changepoint': {
      const historySize = options.historySize ?? ASA_DEFAULTS.historySize;
      const d = createChangePointDetector({
        confidence: options.confidence ?? ASA_DEFAULTS.confidence,
        historySize,
      });
      return {
        score(value) {
          const r = d.update(value);
          lastIsAnomaly = r.isAnomaly;
          return d.warmedUp ? changePointAnomalyScore(r.score, historySize) : 0;
        },
        get lastIsAnomaly() {
          return lastIsAnomaly;
        },
        toJSON: () => d.toJSON(),
      };
    }
  }
}
