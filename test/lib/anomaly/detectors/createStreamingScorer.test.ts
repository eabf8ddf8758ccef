import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createStreamingScorer,
  DETECTOR_NAMES,
  streamingScorerProblems,
  type DetectorName,
} from '../../../../src/lib/anomaly/detectors/createStreamingScorer';
import { noisySeries } from './seriesFixtures';

describe('createStreamingScorer', () => {
  it('lists every problem with its options', () => {
    expect(
      streamingScorerProblems({ detector: 'contextual', confidence: 200, historySize: 8, mode: 'spikes' }),
    ).toEqual([
      { parameter: 'confidence', message: 'expected a number from 1 to 100, received 200' },
      {
        parameter: 'historySize',
        message: 'expected an integer from 32 to 100000 for contextual, received 8',
      },
      { parameter: 'mode', message: 'applies to the spikeanddip detector only, not contextual' },
    ]);
    expect(streamingScorerProblems({ detector: 'magic' as DetectorName })).toEqual([
      {
        parameter: 'detector',
        message: 'expected one of contextual, spikeanddip, changepoint, received "magic"',
      },
    ]);
    expect(() => createStreamingScorer({ detector: 'spikeanddip', mode: 'both' as 'spikes' })).toThrow(
      /mode: expected one of spikes, dips, spikesanddips, received "both"/,
    );
  });

  it('gives every detector scores in [0, 1], 0 during the warm-up', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...DETECTOR_NAMES),
        fc.array(fc.double({ min: -1e9, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (detector, values) => {
          const scorer = createStreamingScorer({
            detector,
            historySize: detector === 'contextual' ? 32 : 10,
          });
          const scores = values.map((v) => scorer.score(v));
          expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
          expect(scores.slice(0, detector === 'contextual' ? 250 : 9).every((s) => s === 0)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('scores an obvious spike near 1 with each p-value detector and reports IsAnomaly', () => {
    for (const detector of ['contextual', 'spikeanddip'] as const) {
      const scorer = createStreamingScorer({ detector });
      for (const v of noisySeries(600, { seed: 21 })) scorer.score(v);
      expect(scorer.score(100)).toBeGreaterThan(0.99);
      expect(scorer.lastIsAnomaly).toBe(true);
    }
  });
});
