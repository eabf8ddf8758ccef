import { describe, expect, it } from 'vitest';
import { nabProfiles } from '../../../../src/lib/anomaly/nab/nabProfiles';
import { normalizedNabScore } from '../../../../src/lib/anomaly/nab/normalizedNabScore';
import { optimizeThreshold } from '../../../../src/lib/anomaly/nab/optimizeThreshold';
import { probationaryLength } from '../../../../src/lib/anomaly/nab/probationaryLength';
import { OUTSIDE_WINDOWS, PROBATIONARY, rowWeights } from '../../../../src/lib/anomaly/nab/rowWeights';
import { scaledSigmoid } from '../../../../src/lib/anomaly/nab/scaledSigmoid';
import { scoreFileAtThreshold } from '../../../../src/lib/anomaly/nab/scoreFileAtThreshold';
import { windowsToRows } from '../../../../src/lib/anomaly/nab/windowsToRows';

const { standard, reward_low_FN_rate: lowFn } = nabProfiles;

describe('scaledSigmoid', () => {
  it('has the values the README lists', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(-0.5)).toBeCloseTo(0.84828, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBeCloseTo(-1, 5);
    expect(scaledSigmoid(3.0001)).toBe(-1);
  });
});

describe('probationaryLength', () => {
  it('is 15 % of the rows, at most 750', () => {
    expect(probationaryLength(4032)).toBe(604);
    expect(probationaryLength(1127)).toBe(169);
    expect(probationaryLength(22695)).toBe(750);
    expect(probationaryLength(5000)).toBe(750);
  });
});

describe('rowWeights', () => {
  // 100 rows: P = 15; one window [40, 49] (width 10).
  const rows = rowWeights(100, [{ start: 40, end: 49 }], standard);

  it('ignores the probationary rows and marks the window and outside rows', () => {
    expect(rows.windowOf[14]).toBe(PROBATIONARY);
    expect(rows.windowOf[15]).toBe(OUTSIDE_WINDOWS);
    expect(rows.windowOf[40]).toBe(0);
    expect(rows.windowOf[49]).toBe(0);
    expect(rows.windowOf[50]).toBe(OUTSIDE_WINDOWS);
  });

  it('weighs a window from A_TP at its first row down to σ(−1/width)/σ(−1) at its last', () => {
    expect(rows.weights[40]).toBeCloseTo(1, 12);
    expect(rows.weights[49]).toBeCloseTo(scaledSigmoid(-1 / 10) / scaledSigmoid(-1), 12);
    expect(rows.weights[45]).toBeGreaterThan(rows.weights[46]!);
  });

  it('costs −A_FP before the first window and A_FP·σ((i − e)/(w − 1)) after it', () => {
    expect(rows.weights[20]).toBeCloseTo(-0.11, 12);
    expect(rows.weights[50]).toBeCloseTo(0.11 * scaledSigmoid(1 / 9), 12);
    expect(rows.weights[58]).toBeCloseTo(0.11 * scaledSigmoid(1), 12);
    expect(rows.weights[99]).toBeCloseTo(-0.11, 12);
  });
});

describe('scoreFileAtThreshold', () => {
  const windows = [{ start: 40, end: 49 }];
  const scores = (detections: number[]): number[] => {
    const a = new Array<number>(100).fill(0);
    for (const i of detections) a[i] = 1;
    return a;
  };

  it('gives a window its earliest detection and ignores later ones and the probationary period', () => {
    const r = scoreFileAtThreshold({
      anomalyScores: scores([3, 42, 44, 47]),
      windows,
      cost: standard,
      threshold: 0.5,
    });
    expect(r.score).toBeCloseTo(scaledSigmoid(-8 / 10) / scaledSigmoid(-1), 12);
    expect(r).toMatchObject({ tp: 3, fp: 0, fn: 7, tn: 75, totalCount: 100 });
  });

  it('charges a missed window −A_FN and every false alarm its own weight', () => {
    const r = scoreFileAtThreshold({
      anomalyScores: scores([20, 21, 80]),
      windows,
      cost: lowFn,
      threshold: 0.5,
    });
    expect(r.score).toBeCloseTo(-2 - 0.11 - 0.11 + 0.11 * scaledSigmoid(31 / 9), 12);
    expect(r).toMatchObject({ tp: 0, fp: 3, fn: 10 });
  });

  it('counts a row as a detection when its score equals the threshold', () => {
    const r = scoreFileAtThreshold({ anomalyScores: scores([40]), windows, cost: standard, threshold: 1 });
    expect(r.score).toBeCloseTo(1, 12);
  });
});

describe('optimizeThreshold', () => {
  it('picks the anomaly score that maximises the corpus score, the highest among ties', () => {
    const a = new Array<number>(100).fill(0.1);
    a[42] = 0.9; // early in the window
    a[70] = 0.8; // a false alarm
    a[75] = 0.8;
    const best = optimizeThreshold([{ anomalyScores: a, windows: [{ start: 40, end: 49 }] }], standard);
    expect(best.threshold).toBe(0.9);
    expect(best.score).toBeCloseTo(scaledSigmoid(-8 / 10) / scaledSigmoid(-1), 12);
  });

  it('returns 1.1 (no detections) when firing never pays', () => {
    const a = new Array<number>(100).fill(0.2);
    const best = optimizeThreshold([{ anomalyScores: a, windows: [] }], standard);
    expect(best).toEqual({ threshold: 1.1, score: 0 });
  });

  it('rejects a score that is not a finite number, naming the file and row', () => {
    const a = [0, 0.5, Number.NaN];
    expect(() => optimizeThreshold([{ anomalyScores: a, windows: [] }], standard)).toThrow(
      /file 0, row 2: expected a finite anomaly score, received NaN/,
    );
  });
});

describe('normalizedNabScore', () => {
  it('maps the null detector to 0 and a perfect one to 100', () => {
    expect(normalizedNabScore(-53, 53, standard)).toBe(0);
    expect(normalizedNabScore(53, 53, standard)).toBe(100);
    expect(normalizedNabScore(-106, 53, lowFn)).toBe(0);
    expect(() => normalizedNabScore(0, 0, standard)).toThrow(RangeError);
  });
});

describe('windowsToRows', () => {
  const timestamps = [
    '2014-01-01 00:00:00',
    '2014-01-01 00:05:00',
    '2014-01-01 00:10:00',
    '2014-01-01 00:15:00',
  ];

  it('converts label timestamps (with .000000) to inclusive row ranges', () => {
    expect(windowsToRows([['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']], timestamps)).toEqual(
      [{ start: 1, end: 2 }],
    );
  });

  it('names a boundary that is not a row', () => {
    expect(() => windowsToRows([['2014-01-01 00:06:00', '2014-01-01 00:10:00']], timestamps)).toThrow(
      /window start "2014-01-01 00:06:00" is not the timestamp of any row/,
    );
  });
});
