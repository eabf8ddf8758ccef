import type { AnomalyResult } from './anomalyResult';
import { newContextStream, updateContextStream, type ContextStreamState } from './contextStream';
import { MAX_HISTORY_SIZE } from './createSpikeAndDipDetector';
import { detectorParameterProblems } from './detectorParameterProblems';
import { dominantPeriod } from './dominantPeriod';

/** Half-widths of the local predictions: the last value, the median of the last 5, the median of the last 11. */
const LOCAL_WIDTHS = [0, 2, 5] as const;
/** Values seen before the first search for a season. */
const SEASON_SEARCH_START = 600;
/** The season is searched for again every this many values. */
const SEASON_SEARCH_EVERY = 128;
/** The shortest season considered, in samples. */
const MIN_SEASON = 8;
/** The autocorrelation a season needs. */
const MIN_SEASON_CORRELATION = 0.3;
/** A tail probability at or below this is an alert for the cooldown and the run filter (HTM's "red" level). */
const ALERT_P = 1e-5;
/** Raised-to probability for repeated alerts and alerts during the cooldown (HTM's "yellow" level). */
const DAMPED_P = 1e-3;
/** Values after an alert during which further alerts are damped. */
const COOLDOWN = 100;
/** A value beyond the range seen so far by more than this share of the range is a spatial anomaly. */
const SPATIAL_TOLERANCE = 0.05;
/** Values during which nothing is flagged, while the likelihoods learn. */
export const CONTEXTUAL_WARM_UP = 250;
/** The p-value floor used when mapping to an anomaly score: p ≤ 1e-10 maps to 1. */
const P_FLOOR = 1e-10;

/** Parameters of the contextual detector (the product's default detector). */
export interface ContextualDetectorOptions {
  /** 1 to 100: a value is an anomaly when its combined tail probability is ≤ 1 − confidence / 100 (99.999). */
  readonly confidence?: number;
  /** The number of recent values kept as context, 32 to 100,000 (2,048); a season must fit three times. */
  readonly historySize?: number;
}

/** The contextual detector's complete state, JSON-safe: persist it and pass it back to resume. */
export interface ContextualState {
  readonly kind: 'contextual';
  readonly confidence: number;
  readonly historySize: number;
  /** Values seen. */
  seen: number;
  /** The most recent values, oldest first, at most `historySize`. */
  history: number[];
  /** The local streams, one per width. */
  local: ContextStreamState[];
  /** The seasonal stream, when a season was found. */
  seasonal: ContextStreamState | null;
  /** The previous combined tail probability (for the run filter). */
  previousP: number;
  /** The smallest and largest values seen, or null before the first. */
  min: number | null;
  max: number | null;
  /** Values since the last alert, or null before the first. */
  sinceAlert: number | null;
}

/** A streaming contextual detector. */
export interface ContextualDetector {
  /**
   * Scores the next value and then learns from it. `score` is the combined tail probability (lower is more
   * anomalous; 0 for a value outside the range seen so far); it is 1 during the warm-up.
   */
  update(value: number): AnomalyResult;
  /** True once the warm-up is over (alerts are possible). */
  readonly warmedUp: boolean;
  /** A snapshot of the state (a fresh copy). */
  toJSON(): ContextualState;
}

/** Maps a combined tail probability to an anomaly score in [0, 1]: `−log10(p + 1e-10) / 10` (1e-5 ↦ 0.5). */
export function contextualAnomalyScore(p: number): number {
  return Math.min(1, Math.max(0, -Math.log10(p + P_FLOOR) / 10));
}

function allNumbersFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allNumbersFinite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(allNumbersFinite);
  return true;
}

function checkState(state: ContextualState): void {
  const ok =
    typeof state.seen === 'number' &&
    Number.isInteger(state.seen) &&
    Array.isArray(state.history) &&
    state.history.length <= state.historySize &&
    Array.isArray(state.local) &&
    state.local.length === LOCAL_WIDTHS.length &&
    typeof state.previousP === 'number' &&
    allNumbersFinite(state);
  if (!ok)
    throw new RangeError('contextual detector: state: expected a state from toJSON() of this detector');
}

/**
 * The product's default detector, built for real-world metrics and the Numenta Anomaly Benchmark. Streaming and
 * deterministic; every value is scored before the detector learns from it.
 *
 * 1. Four predictions of each value: the last value, the median of the last 5 and of the last 11 values, and,
 *    once a season is found (autocorrelation of the recent history, searched every 128 values from the 600th
 *    on), the median of the same phase ± 2 samples over the last 3 cycles.
 * 2. Each prediction's residual becomes a surprise `|residual| / robust scale` (clipped at 12), and an HTM-style
 *    anomaly likelihood asks how unusual the average surprise of the last 10 values is.
 * 3. The smallest of the four tail probabilities counts; a repeat of the alert level (≤ 1e-5) on the next
 *    value is damped to 1e-3, and during the 100 values after an alert every probability is raised to at least
 *    1e-3.
 * 4. A value beyond the range seen so far by more than 5 % of that range is an anomaly outright (p = 0).
 *
 * @param options - the parameters, or a state from `toJSON()` to resume from
 * @throws RangeError naming every bad parameter (and a bad state)
 */
export function createContextualDetector(
  options: ContextualDetectorOptions | ContextualState = {},
): ContextualDetector {
  const confidence = options.confidence ?? 99.999;
  const historySize = options.historySize ?? 2048;
  const problems = detectorParameterProblems({
    confidence: { value: confidence, min: 1, max: 100 },
    historySize: { value: historySize, min: 32, max: MAX_HISTORY_SIZE, integer: true },
  });
  if (problems.length > 0) throw new RangeError(`contextual detector: ${problems.join('; ')}`);
  let state: ContextualState;
  if ('kind' in options) {
    checkState(options);
    state = structuredClone(options);
  } else {
    state = {
      kind: 'contextual',
      confidence,
      historySize,
      seen: 0,
      history: [],
      local: LOCAL_WIDTHS.map((w) => newContextStream(0, w)),
      seasonal: null,
      previousP: 1,
      min: null,
      max: null,
      sinceAlert: null,
    };
  }
  const alertBelow = 1 - confidence / 100;
  return {
    update(input) {
      // -0 and 0 are one value, and JSON keeps only 0: normalised, state round-trips exactly.
      const value = input + 0;
      if (!Number.isFinite(value)) {
        throw new RangeError(`contextual detector: value: expected a finite number, received ${value}`);
      }
      const s = state;
      let p = 1;
      for (const stream of s.local) p = Math.min(p, updateContextStream(stream, value, s.history));
      if (s.seasonal !== null) p = Math.min(p, updateContextStream(s.seasonal, value, s.history));
      s.history.push(value);
      if (s.history.length > s.historySize) s.history.shift();
      s.seen++;
      if (s.seen >= SEASON_SEARCH_START && s.seen % SEASON_SEARCH_EVERY === 0) {
        const { period } = dominantPeriod(s.history, {
          minLag: MIN_SEASON,
          minCorrelation: MIN_SEASON_CORRELATION,
        });
        if (period !== (s.seasonal?.period ?? 0))
          s.seasonal = period > 0 ? newContextStream(period, 0) : null;
      }
      let out = p;
      if (p <= ALERT_P && s.previousP <= ALERT_P) out = DAMPED_P;
      s.previousP = p;
      let spatial = false;
      if (s.min !== null && s.max !== null && s.max !== s.min) {
        const tolerance = (s.max - s.min) * SPATIAL_TOLERANCE;
        spatial = value > s.max + tolerance || value < s.min - tolerance;
      }
      if (s.min === null || value < s.min) s.min = value;
      if (s.max === null || value > s.max) s.max = value;
      if (s.sinceAlert !== null) s.sinceAlert++;
      if (s.sinceAlert !== null && s.sinceAlert <= COOLDOWN) {
        out = Math.max(out, DAMPED_P);
      } else if (out <= ALERT_P || spatial) {
        s.sinceAlert = 0;
      }
      if (spatial) out = 0;
      if (s.seen <= CONTEXTUAL_WARM_UP) return { isAnomaly: false, score: 1 };
      return { isAnomaly: out <= alertBelow, score: out };
    },
    get warmedUp() {
      return state.seen > CONTEXTUAL_WARM_UP;
    },
    toJSON() {
      return structuredClone(state);
    },
  };
}
