import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createChangePointDetector,
  type ChangePointState,
} from '../../../../src/lib/anomaly/detectors/createChangePointDetector';
import { changePointAnomalyScore } from '../../../../src/lib/anomaly/detectors/createStreamingScorer';
import { noisySeries } from './seriesFixtures';

describe('createChangePointDetector', () => {
  it('names every bad parameter', () => {
    expect(() => createChangePointDetector({ confidence: 101, historySize: 0 })).toThrow(
      new RangeError(
        'change point detector: confidence: expected a number from 1 to 100, received 101; ' +
          'historySize: expected an integer from 1 to 100000, received 0',
      ),
    );
  });

  it('flags at the power martingale (ε = 0.1) of the confidence over historySize bets', () => {
    const d = createChangePointDetector({ confidence: 95, historySize: 20 });
    expect(d.threshold).toBeCloseTo((0.1 * 0.05 ** -0.9) ** 20, 6);
  });

  it('flags a level shift after the warm-up, once, then stays quiet for historySize − 1 values', () => {
    const d = createChangePointDetector({ confidence: 90, historySize: 30 });
    const before = noisySeries(300, { seed: 3 }).map((v) => d.update(v));
    expect(before.slice(0, 29).some((r) => r.isAnomaly)).toBe(false);
    const after = noisySeries(60, { seed: 4, level: 40 }).map((v) => d.update(v));
    const first = after.findIndex((r) => r.isAnomaly);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(20);
    expect(after.slice(first + 1, first + 30).some((r) => r.isAnomaly)).toBe(false);
    expect(after[first]!.score).toBeGreaterThanOrEqual(d.threshold);
  });

  it('gives identical results when its state is persisted as JSON and restored mid-stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 150 }),
        fc.nat(),
        fc.integer({ min: 1, max: 30 }),
        (values, at, historySize) => {
          const split = at % values.length;
          const options = { confidence: 80, historySize };
          const whole = createChangePointDetector(options);
          const expected = values.map((v) => whole.update(v));
          const first = createChangePointDetector(options);
          const got = values.slice(0, split).map((v) => first.update(v));
          const resumed = createChangePointDetector(JSON.parse(JSON.stringify(first)) as ChangePointState);
          got.push(...values.slice(split).map((v) => resumed.update(v)));
          expect(got).toEqual(expected);
        },
      ),
    );
  });

  it('maps the martingale to an anomaly score that reaches confidence / 100 exactly at the threshold', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 99 }),
        (historySize, confidence) => {
          const { threshold } = createChangePointDetector({ confidence, historySize });
          expect(changePointAnomalyScore(threshold, historySize)).toBeCloseTo(confidence / 100, 9);
          expect(changePointAnomalyScore(threshold * 1.5, historySize)).toBeGreaterThan(confidence / 100);
          expect(changePointAnomalyScore(threshold / 1.5, historySize)).toBeLessThan(confidence / 100);
        },
      ),
    );
  });

  it('rejects a malformed state', () => {
    const state = {
      kind: 'changePoint',
      confidence: 90,
      historySize: 3,
      history: [1],
      logBets: [1, 2],
      quietFor: 9,
    };
    expect(() => createChangePointDetector(state as ChangePointState)).toThrow(
      /logBets: expected 0 or 3 finite numbers; quietFor: expected an integer from 0 to 3, received 9/,
    );
  });
});
