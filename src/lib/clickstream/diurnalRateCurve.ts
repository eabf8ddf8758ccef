/**
 * A daily traffic shape: 24 rate multipliers, one at the top of each UTC hour (index 0 is 00:00 UTC), linearly
 * interpolated in between and wrapping from 23:00 back to 00:00, so the rate changes smoothly. A multiplier of
 * 1 is the simulator's `eventsPerSecond`; 0 means no traffic at that instant.
 */
export type DiurnalRateCurve = readonly number[];

/** Number of entries of a {@link DiurnalRateCurve}. */
export const DIURNAL_RATE_CURVE_LENGTH = 24;

/** Largest accepted multiplier of a {@link DiurnalRateCurve}. */
export const MAX_DIURNAL_RATE_MULTIPLIER = 1000;

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** Relative shop traffic by UTC hour: a night trough around 04:00, a lunch plateau and an evening peak. */
const TYPICAL_SHOP_TRAFFIC = [
  0.62, 0.45, 0.33, 0.26, 0.24, 0.28, 0.42, 0.62, 0.82, 0.98, 1.08, 1.14, 1.2, 1.18, 1.14, 1.12, 1.16, 1.28,
  1.45, 1.6, 1.66, 1.55, 1.25, 0.92,
];
const TYPICAL_MEAN = TYPICAL_SHOP_TRAFFIC.reduce((sum, value) => sum + value, 0) / DIURNAL_RATE_CURVE_LENGTH;

/**
 * A typical online shop's day, by UTC hour: lowest (about 0.25) around 04:00, highest (about 1.75) at 20:00.
 * Its daily mean is 1, so over whole days the simulator keeps `eventsPerSecond` on average.
 */
export const DEFAULT_DIURNAL_RATE_CURVE: DiurnalRateCurve = Object.freeze(
  TYPICAL_SHOP_TRAFFIC.map((value) => value / TYPICAL_MEAN),
);

/**
 * Checks a curve: exactly 24 finite numbers from 0 to {@link MAX_DIURNAL_RATE_MULTIPLIER}, not all 0.
 *
 * @returns A description of the first problem, or `undefined` when the curve is valid.
 */
export function diurnalRateCurveProblem(curve: unknown): string | undefined {
  if (!Array.isArray(curve)) {
    return `expected an array of ${DIURNAL_RATE_CURVE_LENGTH} numbers, received ${typeof curve}`;
  }
  if (curve.length !== DIURNAL_RATE_CURVE_LENGTH) {
    return `expected ${DIURNAL_RATE_CURVE_LENGTH} multipliers (one per UTC hour), received ${curve.length}`;
  }
  let total = 0;
  for (let hour = 0; hour < curve.length; hour++) {
    const value: unknown = curve[hour];
    if (typeof value !== 'number' || !(value >= 0 && value <= MAX_DIURNAL_RATE_MULTIPLIER)) {
      return `hour ${hour}: expected a number from 0 to ${MAX_DIURNAL_RATE_MULTIPLIER}, received ${String(value)}`;
    }
    total += value;
  }
  return total > 0 ? undefined : 'expected at least one multiplier above 0, received only zeros';
}

/**
 * The curve's multiplier at an instant.
 *
 * @param curve A valid curve (see {@link diurnalRateCurveProblem}); not checked here.
 * @param timeInMs Milliseconds since the Unix epoch (UTC); any finite number.
 */
export function diurnalRateMultiplier(curve: DiurnalRateCurve, timeInMs: number): number {
  const msOfDay = ((timeInMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  const hour = Math.floor(msOfDay / MS_PER_HOUR);
  const fraction = (msOfDay - hour * MS_PER_HOUR) / MS_PER_HOUR;
  const from = curve[hour] as number;
  const to = curve[(hour + 1) % DIURNAL_RATE_CURVE_LENGTH] as number;
  return from + (to - from) * fraction;
}

/**
 * Time rescaling of a non-homogeneous Poisson process: the instant `t` after `timeInMs` at which the integral of
 * the curve from `timeInMs` to `t` reaches `workInMs`. With a constant multiplier m the result is
 * `timeInMs + workInMs / m`. Exact for the piecewise-linear curve (a quadratic is solved per hour).
 *
 * @param curve A valid curve (see {@link diurnalRateCurveProblem}); not checked here.
 * @param timeInMs Where to start, in milliseconds since the Unix epoch (UTC).
 * @param workInMs Milliseconds at multiplier 1 to cover, at least 0 (a draw of the exponential gap).
 * @returns The later instant in milliseconds since the Unix epoch (not rounded).
 */
export function advanceAlongDiurnalRateCurve(
  curve: DiurnalRateCurve,
  timeInMs: number,
  workInMs: number,
): number {
  let time = timeInMs;
  let remaining = workInMs;
  for (;;) {
    const segmentEnd = (Math.floor(time / MS_PER_HOUR) + 1) * MS_PER_HOUR;
    const length = segmentEnd - time;
    const start = diurnalRateMultiplier(curve, time);
    // The curve is continuous: at the end of the hour it reaches the next hour's multiplier.
    const nextHour = (Math.floor((((time % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / MS_PER_HOUR) + 1) % 24;
    const end = curve[nextHour] as number;
    const slope = (end - start) / length; // per millisecond
    const capacity = start * length + (slope * length * length) / 2;
    if (remaining <= capacity) {
      if (remaining <= 0) {
        return time;
      }
      // Solves start * d + slope * d^2 / 2 = remaining in the numerically stable form.
      const root = Math.sqrt(Math.max(0, start * start + 2 * slope * remaining));
      const denominator = start + root;
      return denominator > 0 ? time + Math.min(length, (2 * remaining) / denominator) : segmentEnd;
    }
    remaining -= capacity;
    time = segmentEnd;
  }
}
