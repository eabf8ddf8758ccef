import { describe, expect, it } from 'vitest';
import { trafficSeries } from '../../../src/lib/dashboard/trafficSeries';
import type { TrafficSample } from '../../../src/lib/dashboard/readModels/trafficSampleStore';

const sample = (atMs: number, inputEvents: number, delay: number | null = 100): TrafficSample => ({
  atMs,
  inputEvents,
  deadLettered: 0,
  rowsEmitted: 0,
  maxWatermarkDelayInMs: delay,
});
const iso = (ms: number): string => new Date(ms).toISOString();

describe('trafficSeries', () => {
  it('rates are differences of cumulative counts over the time between samples', () => {
    expect(
      trafficSeries([sample(0, 0, null), sample(5_000, 1_000), sample(10_000, 1_500, 250)], undefined),
    ).toEqual([
      { time: iso(0), eventsPerSecond: null, watermarkDelayInMs: null },
      { time: iso(5_000), eventsPerSecond: 200, watermarkDelayInMs: 100 },
      { time: iso(10_000), eventsPerSecond: 100, watermarkDelayInMs: 250 },
    ]);
  });

  it('appends the live sample when it is newer, and shows no rate across a reset', () => {
    const points = trafficSeries([sample(0, 500), sample(5_000, 10)], sample(7_000, 110));
    expect(points.map((p) => p.eventsPerSecond)).toEqual([null, null, 50]);
    expect(trafficSeries([sample(0, 0)], sample(500, 10))).toHaveLength(1);
    expect(trafficSeries([], sample(500, 10))).toEqual([
      { time: iso(500), eventsPerSecond: null, watermarkDelayInMs: 100 },
    ]);
  });
});
