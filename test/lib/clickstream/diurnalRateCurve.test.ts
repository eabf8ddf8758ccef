import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  advanceAlongDiurnalRateCurve,
  DEFAULT_DIURNAL_RATE_CURVE,
  diurnalRateCurveProblem,
  diurnalRateMultiplier,
} from '../../../src/lib/clickstream/diurnalRateCurve';
import { parseIsoDateTimeToMs } from '../../../src/lib/clickstream/parseIsoDateTime';
import { createClickstreamSimulator } from '../../../src/lib/clickstream/simulator';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIDNIGHT = Date.UTC(2026, 2, 1);

/** The integral of the curve from `from` to `to` (ms at multiplier 1), by the midpoint rule. */
function integral(curve: readonly number[], from: number, to: number): number {
  const steps = 2000;
  const width = (to - from) / steps;
  let sum = 0;
  for (let step = 0; step < steps; step++) {
    sum += diurnalRateMultiplier(curve, from + (step + 0.5) * width) * width;
  }
  return sum;
}

describe('DEFAULT_DIURNAL_RATE_CURVE', () => {
  it('has 24 valid multipliers with a daily mean of 1', () => {
    expect(diurnalRateCurveProblem(DEFAULT_DIURNAL_RATE_CURVE)).toBeUndefined();
    const mean = DEFAULT_DIURNAL_RATE_CURVE.reduce((sum, value) => sum + value, 0) / 24;
    expect(mean).toBeCloseTo(1, 12);
  });

  it('peaks in the evening (UTC) and is lowest at night', () => {
    const curve = DEFAULT_DIURNAL_RATE_CURVE;
    const peak = curve.indexOf(Math.max(...curve));
    const trough = curve.indexOf(Math.min(...curve));
    expect(peak).toBeGreaterThanOrEqual(18);
    expect(peak).toBeLessThanOrEqual(21);
    expect(trough).toBeGreaterThanOrEqual(2);
    expect(trough).toBeLessThanOrEqual(5);
    expect(curve[peak]! / curve[trough]!).toBeGreaterThan(5);
  });
});

describe('diurnalRateMultiplier', () => {
  const curve = Array.from({ length: 24 }, (_, hour) => hour);

  it('is the hour value at the top of the hour and interpolates linearly in between', () => {
    expect(diurnalRateMultiplier(curve, MIDNIGHT + 5 * HOUR)).toBe(5);
    expect(diurnalRateMultiplier(curve, MIDNIGHT + 5.25 * HOUR)).toBeCloseTo(5.25, 12);
    // 23:30 lies between 23 and the next midnight's 0.
    expect(diurnalRateMultiplier(curve, MIDNIGHT + 23.5 * HOUR)).toBeCloseTo(11.5, 12);
  });

  it('repeats every UTC day, before 1970 too', () => {
    expect(diurnalRateMultiplier(curve, 7 * HOUR - 3 * DAY)).toBe(7);
    expect(diurnalRateMultiplier(curve, MIDNIGHT + 30 * DAY + 13 * HOUR)).toBe(13);
  });
});

describe('diurnalRateCurveProblem', () => {
  it.each<[string, unknown]>([
    ['a number', 1],
    ['23 values', Array.from({ length: 23 }, () => 1)],
    ['a negative value', [...Array.from({ length: 23 }, () => 1), -1]],
    ['NaN', [Number.NaN, ...Array.from({ length: 23 }, () => 1)]],
    ['a string', ['1', ...Array.from({ length: 23 }, () => 1)]],
    ['only zeros', Array.from({ length: 24 }, () => 0)],
  ])('reports %s', (_label, curve) => {
    expect(diurnalRateCurveProblem(curve)).toEqual(expect.any(String));
  });
});

describe('advanceAlongDiurnalRateCurve', () => {
  it('divides the work by the multiplier on a constant curve', () => {
    const curve = Array.from({ length: 24 }, () => 4);
    expect(advanceAlongDiurnalRateCurve(curve, MIDNIGHT + 1234, 1000)).toBeCloseTo(MIDNIGHT + 1234 + 250, 6);
    expect(advanceAlongDiurnalRateCurve(curve, MIDNIGHT, 0)).toBe(MIDNIGHT);
  });

  it('skips hours without traffic', () => {
    const curve = Array.from({ length: 24 }, (_, hour) => (hour === 12 ? 1 : 0));
    // Traffic only between 11:00 and 13:00 (a triangle of area one hour); half of it is reached at 12:00.
    expect(advanceAlongDiurnalRateCurve(curve, MIDNIGHT, HOUR / 2)).toBeCloseTo(MIDNIGHT + 12 * HOUR, 3);
    expect(advanceAlongDiurnalRateCurve(curve, MIDNIGHT + 13 * HOUR, 1)).toBeGreaterThan(MIDNIGHT + DAY);
  });

  it('covers exactly the requested integral of the curve (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.double({ min: 0, max: 3 * HOUR, noNaN: true }),
        (offset, work) => {
          const from = MIDNIGHT + offset;
          const to = advanceAlongDiurnalRateCurve(DEFAULT_DIURNAL_RATE_CURVE, from, work);
          expect(to).toBeGreaterThanOrEqual(from);
          expect(integral(DEFAULT_DIURNAL_RATE_CURVE, from, to)).toBeCloseTo(work, -1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('createClickstreamSimulator with a diurnal rate curve', () => {
  const eventsPerSecond = 0.5;
  const options = {
    seed: 11,
    users: 2_000,
    products: 100,
    startTimeInMs: MIDNIGHT,
    eventsPerSecond,
  };

  function countsByHour(withCurve: boolean): number[] {
    const simulator = createClickstreamSimulator(
      withCurve ? { ...options, diurnalRateCurve: DEFAULT_DIURNAL_RATE_CURVE } : options,
    );
    const counts = Array.from({ length: 48 }, () => 0);
    for (;;) {
      const message = simulator.next();
      const body = JSON.parse(message.body) as { eventTime: string };
      const hour = Math.floor(((parseIsoDateTimeToMs(body.eventTime) as number) - MIDNIGHT) / HOUR);
      if (hour >= 48) {
        return counts;
      }
      counts[hour]!++;
    }
  }

  it('follows the curve hour by hour and keeps the daily mean rate', () => {
    const counts = countsByHour(true);
    for (let hour = 0; hour < 48; hour++) {
      const from = MIDNIGHT + hour * HOUR;
      const expected = (eventsPerSecond * integral(DEFAULT_DIURNAL_RATE_CURVE, from, from + HOUR)) / 1000;
      // Poisson: within 5 standard deviations.
      expect(Math.abs(counts[hour]! - expected), `hour ${hour}`).toBeLessThan(5 * Math.sqrt(expected));
    }
    const total = counts.reduce((sum, count) => sum + count, 0);
    expect(total / (48 * 3600)).toBeGreaterThan(eventsPerSecond * 0.97);
    expect(total / (48 * 3600)).toBeLessThan(eventsPerSecond * 1.03);
    // Evening versus night.
    expect(counts[20]! + counts[44]!).toBeGreaterThan(4 * (counts[4]! + counts[28]!));
  });

  it('changes rates compared with a constant rate', () => {
    const flat = countsByHour(false);
    const shaped = countsByHour(true);
    const spread = (counts: number[]): number => Math.max(...counts) / Math.min(...counts);
    expect(spread(flat)).toBeLessThan(1.5);
    expect(spread(shaped)).toBeGreaterThan(4);
  });

  it('rejects a bad curve', () => {
    expect(() =>
      createClickstreamSimulator({ ...options, diurnalRateCurve: Array.from({ length: 24 }, () => 0) }),
    ).toThrow(RangeError);
    expect(() => createClickstreamSimulator({ ...options, diurnalRateCurve: [1, 2, 3] })).toThrow(RangeError);
    expect(() =>
      createClickstreamSimulator({ ...options, diurnalRateCurve: 'evening' as unknown as number[] }),
    ).toThrow(TypeError);
  });
});
