import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contextualAnomalyScore,
  CONTEXTUAL_WARM_UP,
  createContextualDetector,
  type ContextualState,
} from '../../../../src/lib/anomaly/detectors/createContextualDetector';
import { noisySeries } from './seriesFixtures';

/** Runs a fresh detector over values and returns the results. */
function runAll(values: readonly number[], state?: ContextualState) {
  const d = createContextualDetector(state ?? {});
  return { results: values.map((v) => d.update(v)), detector: d };
}

describe('createContextualDetector', () => {
  it('names every bad parameter', () => {
    expect(() => createContextualDetector({ confidence: 0.5, historySize: 10 })).toThrow(
      new RangeError(
        'contextual detector: confidence: expected a number from 1 to 100, received 0.5; ' +
          'historySize: expected an integer from 32 to 100000, received 10',
      ),
    );
    expect(() => createContextualDetector().update(Number.POSITIVE_INFINITY)).toThrow(
      /value: expected a finite number/,
    );
  });

  it('flags nothing during the warm-up and reports p = 1 there', () => {
    const values = noisySeries(CONTEXTUAL_WARM_UP, { seed: 2 });
    values[100] = 1e6;
    const { results, detector } = runAll(values);
    expect(results.every((r) => !r.isAnomaly && r.score === 1)).toBe(true);
    expect(detector.warmedUp).toBe(false);
  });

  it('stays quiet on stationary noise and flags a value far outside the range seen (p = 0)', () => {
    const values = noisySeries(3000, { seed: 5 });
    const { results, detector } = runAll(values);
    expect(results.filter((r) => r.isAnomaly).length).toBeLessThanOrEqual(2);
    const spike = detector.update(40);
    expect(spike).toEqual({ isAnomaly: true, score: 0 });
    expect(contextualAnomalyScore(spike.score)).toBe(1);
  });

  it('finds the season of a periodic series and flags a broken cycle inside the normal range', () => {
    const period = 48;
    const values = noisySeries(2400, { amplitude: 10, period, noise: 0.5, seed: 9 });
    // Two cycles late on: the series stays at its mean instead of oscillating (no new extreme).
    for (let t = 2200; t < 2296; t++) values[t] = 10 + 0.5 * Math.sin(t);
    const { results, detector } = runAll(values);
    expect(detector.toJSON().seasonal?.period).toBe(period);
    expect(results.slice(CONTEXTUAL_WARM_UP, 2200).filter((r) => r.isAnomaly).length).toBeLessThanOrEqual(1);
    const first = results.slice(2200).findIndex((r) => r.isAnomaly);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(period);
  });

  it('flags a level shift within the range seen', () => {
    const values = [...noisySeries(1500, { noise: 1, seed: 11 }), ...noisySeries(5, { level: 25, seed: 12 })];
    values[300] = 30; // widen the range so that the shift is not a new extreme
    const { results } = runAll(values);
    expect(results.slice(-5).some((r) => r.isAnomaly)).toBe(true);
  });

  it('gives identical results when its state is persisted as JSON and restored mid-stream', () => {
    const values = noisySeries(3000, { amplitude: 5, period: 24, seed: 13 });
    values[2000] = values[2000]! + 8;
    const { results: expected } = runAll(values);
    for (const split of [1, 260, 1111, 2000, 2999]) {
      const first = createContextualDetector();
      const got = values.slice(0, split).map((v) => first.update(v));
      const text = JSON.stringify(first);
      const resumed = createContextualDetector(JSON.parse(text) as ContextualState);
      got.push(...values.slice(split).map((v) => resumed.update(v)));
      expect(got).toEqual(expected);
    }
  });

  it('round-trips its state through JSON for any stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }),
        fc.nat(),
        (values, at) => {
          const split = at % values.length;
          const first = createContextualDetector({ historySize: 64 });
          const whole = createContextualDetector({ historySize: 64 });
          const wholeResults = values.map((v) => whole.update(v));
          const got = values.slice(0, split).map((v) => first.update(v));
          const state = first.toJSON();
          expect(JSON.parse(JSON.stringify(state))).toEqual(state);
          const resumed = createContextualDetector(JSON.parse(JSON.stringify(state)) as ContextualState);
          got.push(...values.slice(split).map((v) => resumed.update(v)));
          expect(got).toEqual(wholeResults);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('rejects a state that is not one of its own', () => {
    const state = { ...createContextualDetector().toJSON(), history: [Number.NaN] };
    expect(() => createContextualDetector(state)).toThrow(/state: expected a state from toJSON\(\)/);
  });

  it('maps p to an anomaly score in [0, 1], 0.5 at 1e-5', () => {
    expect(contextualAnomalyScore(1)).toBe(0);
    expect(contextualAnomalyScore(1e-5)).toBeCloseTo(0.5, 5);
    expect(contextualAnomalyScore(0)).toBe(1);
  });
});
