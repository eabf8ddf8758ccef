import type { AnomalyResult } from './anomalyResult';
import { MAX_HISTORY_SIZE, MIN_P_VALUE } from './createSpikeAndDipDetector';
import { detectorParameterProblems } from './detectorParameterProblems';
import { kernelUpperTailPValue } from './kernelUpperTailPValue';

/** ε of the power martingale's betting function `β(p) = ε · p^(ε − 1)` (ML.NET's default). */
export const POWER_MARTINGALE_EPSILON = 0.1;

/** Parameters of ASA's `AnomalyDetection_ChangePoint(expr, confidence, historySize)`. */
export interface ChangePointDetectorOptions {
  /** 1 to 100: a change is flagged when the martingale exceeds `β(1 − confidence / 100)^historySize`. */
  readonly confidence: number;
  /** The number of recent values (events) the model learns from, and the martingale's window, 1 to 100,000. */
  readonly historySize: number;
}

/** A change-point detector's complete state, JSON-safe: persist it and pass it back to resume. */
export interface ChangePointState extends ChangePointDetectorOptions {
  readonly kind: 'changePoint';
  /** The most recent values, oldest first, at most `historySize`. */
  readonly history: readonly number[];
  /** `log β(p)` of the most recent p-values, oldest first: empty at the start, then `historySize` entries. */
  readonly logBets: readonly number[];
  /** Values left before another change may be flagged (ML.NET's alert counter). */
  readonly quietFor: number;
}

/** A streaming change-point detector. */
export interface ChangePointDetector {
  /**
   * Scores the next value and then adds it to the history. `score` is the power martingale
   * `∏ β(p_i)` over the last `historySize` p-values (it grows exponentially while a change persists).
   */
  update(value: number): AnomalyResult;
  /** True once `historySize` values have been seen (alerts are possible). */
  readonly warmedUp: boolean;
  /** The martingale value at which a change is flagged. */
  readonly threshold: number;
  /** A snapshot of the state (a fresh copy). */
  toJSON(): ChangePointState;
}

/** `log β(p)` for the power martingale. */
function logBet(p: number): number {
  return Math.log(POWER_MARTINGALE_EPSILON) + (POWER_MARTINGALE_EPSILON - 1) * Math.log(p);
}

function finiteArray(value: unknown, maxLength: number): value is number[] {
  return (
    Array.isArray(value) &&
    value.length <= maxLength &&
    value.every((v) => typeof v === 'number' && isFinite(v))
  );
}

/**
 * ASA's `AnomalyDetection_ChangePoint` as ML.NET's `IidChangePointDetector` computes it: the two-sided p-value of
 * each value against the previous `historySize` values (adaptive kernel density estimation), a power martingale
 * (ε = 0.1) over the last `historySize` p-values (seeded, as ML.NET does, with `historySize` copies of the first
 * bet), and a change when the martingale reaches `β(1 − confidence / 100)^historySize` once the history is full;
 * after a change, the next `historySize − 1` values are not flagged.
 *
 * @param options - the parameters, or a state from `toJSON()` to resume from
 * @throws RangeError naming every bad parameter (and a bad state)
 */
export function createChangePointDetector(
  options: ChangePointDetectorOptions | ChangePointState,
): ChangePointDetector {
  const problems = detectorParameterProblems({
    confidence: { value: options.confidence, min: 1, max: 100 },
    historySize: { value: options.historySize, min: 1, max: MAX_HISTORY_SIZE, integer: true },
  });
  if (problems.length > 0) throw new RangeError(`change point detector: ${problems.join('; ')}`);
  const { confidence, historySize } = options;
  const history: number[] = [];
  const logBets: number[] = [];
  let quietFor = 0;
  if ('kind' in options) {
    const stateProblems: string[] = [];
    if (!finiteArray(options.history, historySize)) {
      stateProblems.push(`history: expected at most ${historySize} finite numbers`);
    }
    const bets: unknown = options.logBets;
    if (!finiteArray(bets, historySize) || (bets.length !== 0 && bets.length !== historySize)) {
      stateProblems.push(`logBets: expected 0 or ${historySize} finite numbers`);
    }
    const q: unknown = options.quietFor;
    if (typeof q !== 'number' || !Number.isInteger(q) || q < 0 || q > historySize) {
      stateProblems.push(
        `quietFor: expected an integer from 0 to ${historySize}, received ${JSON.stringify(q)}`,
      );
    }
    if (stateProblems.length > 0) throw new RangeError(`change point detector: ${stateProblems.join('; ')}`);
    history.push(...options.history);
    logBets.push(...options.logBets);
    quietFor = options.quietFor;
  }
  const logThreshold = historySize * logBet(1 - confidence / 100);
  return {
    update(input) {
      // -0 and 0 are one value, and JSON keeps only 0: normalised, state round-trips exactly.
      const value = input + 0;
      if (!Number.isFinite(value)) {
        throw new RangeError(`change point detector: value: expected a finite number, received ${value}`);
      }
      const upper = kernelUpperTailPValue(value, history);
      const p = Math.min(Math.max(Math.min(upper, 1 - upper), MIN_P_VALUE), 1 - MIN_P_VALUE);
      history.push(value);
      if (history.length > historySize) history.shift();
      const bet = logBet(p);
      if (logBets.length === 0) {
        for (let i = 0; i < historySize; i++) logBets.push(bet);
      } else {
        logBets.push(bet);
        logBets.shift();
      }
      let logMartingale = 0;
      for (const b of logBets) logMartingale += b;
      let isAnomaly = false;
      if (history.length >= historySize) {
        if (logMartingale >= logThreshold) {
          if (quietFor > 0) {
            isAnomaly = false;
          } else {
            isAnomaly = true;
            quietFor = historySize;
          }
        }
        quietFor = Math.max(quietFor - 1, 0);
      }
      return { isAnomaly, score: Math.min(Math.exp(logMartingale), Number.MAX_VALUE) };
    },
    get warmedUp() {
      return history.length >= historySize;
    },
    get threshold() {
      return Math.min(Math.exp(logThreshold), Number.MAX_VALUE);
    },
    toJSON() {
      return {
        kind: 'changePoint',
        confidence,
        historySize,
        history: [...history],
        logBets: [...logBets],
        quietFor,
      };
    },
  };
}
