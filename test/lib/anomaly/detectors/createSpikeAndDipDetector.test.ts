import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSpikeAndDipDetector,
  type SpikeAndDipDetectorOptions,
  type SpikeAndDipState,
} from '../../../../src/lib/anomaly/detectors/createSpikeAndDipDetector';
import { noisySeries } from './seriesFixtures';

const options: SpikeAndDipDetectorOptions = { confidence: 95, historySize: 60, mode: 'spikesanddips' };

describe('createSpikeAndDipDetector', () => {
  it('names every bad parameter, what it expected and what it received', () => {
    expect(() =>
      createSpikeAndDipDetector({ confidence: 0, historySize: 2.5, mode: 'up' as 'spikes' }),
    ).toThrow(
      new RangeError(
        'spike and dip detector: confidence: expected a number from 1 to 100, received 0; ' +
          'historySize: expected an integer from 1 to 100000, received 2.5; ' +
          'mode: expected one of spikes, dips, spikesanddips, received "up"',
      ),
    );
    expect(() => createSpikeAndDipDetector({ ...options, confidence: Number.NaN })).toThrow(/received NaN/);
  });

  it('raises no alert before the history is full, however large the value', () => {
    const d = createSpikeAndDipDetector(options);
    for (let i = 0; i < 58; i++) d.update(10 + (i % 3));
    expect(d.update(1e6).isAnomaly).toBe(false);
    expect(d.warmedUp).toBe(false);
    d.update(11);
    expect(d.warmedUp).toBe(true);
  });

  it('flags spikes, dips or both according to the mode, with a p-value score', () => {
    const base = noisySeries(200, { seed: 7 });
    const run = (mode: SpikeAndDipDetectorOptions['mode'], last: number) => {
      const d = createSpikeAndDipDetector({ ...options, mode });
      for (const v of base) d.update(v);
      return d.update(last);
    };
    expect(run('spikes', 30)).toMatchObject({ isAnomaly: true });
    expect(run('spikes', 30).score).toBeLessThan(0.05);
    expect(run('spikes', -10).isAnomaly).toBe(false);
    expect(run('dips', -10).isAnomaly).toBe(true);
    expect(run('dips', 30).isAnomaly).toBe(false);
    expect(run('spikesanddips', 30).isAnomaly).toBe(true);
    expect(run('spikesanddips', -10).isAnomaly).toBe(true);
    expect(run('spikesanddips', 10).isAnomaly).toBe(false);
    expect(run('spikes', 1e9).score).toBe(1e-8);
  });

  it('gives identical results when its state is persisted as JSON and restored mid-stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 1, max: 50 }),
        (values, at, historySize) => {
          const split = at % values.length;
          const whole = createSpikeAndDipDetector({ ...options, historySize });
          const expected = values.map((v) => whole.update(v));
          const first = createSpikeAndDipDetector({ ...options, historySize });
          const got = values.slice(0, split).map((v) => first.update(v));
          const saved = JSON.parse(JSON.stringify(first)) as SpikeAndDipState;
          const resumed = createSpikeAndDipDetector(saved);
          got.push(...values.slice(split).map((v) => resumed.update(v)));
          expect(got).toEqual(expected);
        },
      ),
    );
  });

  it('rejects a state whose history does not fit', () => {
    expect(() =>
      createSpikeAndDipDetector({ kind: 'spikeAndDip', ...options, historySize: 2, history: [1, 2, 3] }),
    ).toThrow(/history: expected at most 2 finite numbers/);
  });
});
