import { describe, expect, it } from 'vitest';

import {
  classifyEventTime,
  defaultEventOrderingPolicy,
  earlyArrivalLimitInMs,
  eventOrderingPolicyProblems,
  maxLateArrivalToleranceInSeconds,
  type EventOrderingPolicy,
  type TimeVerdict,
} from '../../../src/lib/engine/eventOrderingPolicy';

const ARRIVAL = Date.parse('2024-05-01T12:00:00.000Z');
const NO_WATERMARK = Number.NEGATIVE_INFINITY;

const policy = (late: number, ooo: number, action: 'adjust' | 'drop'): EventOrderingPolicy => ({
  lateArrivalToleranceInSeconds: late,
  outOfOrderToleranceInSeconds: ooo,
  action,
});

describe('classifyEventTime', () => {
  it.each<[string, EventOrderingPolicy, number, number, TimeVerdict]>([
    // [description, policy, event time - arrival (ms), watermark - arrival (ms) or -Infinity, verdict]
    [
      'an event on time keeps its own time',
      policy(5, 0, 'adjust'),
      -1000,
      NO_WATERMARK,
      { kind: 'onTime', timestampMs: ARRIVAL - 1000 },
    ],
    [
      'an event more than 5 minutes ahead of arrival is early',
      policy(5, 0, 'adjust'),
      earlyArrivalLimitInMs + 1,
      NO_WATERMARK,
      { kind: 'early' },
    ],
    [
      'an early event is early under Drop too',
      policy(5, 0, 'drop'),
      earlyArrivalLimitInMs + 1,
      NO_WATERMARK,
      { kind: 'early' },
    ],
    [
      'an event exactly 5 minutes ahead is not early',
      policy(5, 0, 'adjust'),
      earlyArrivalLimitInMs,
      NO_WATERMARK,
      { kind: 'onTime', timestampMs: ARRIVAL + earlyArrivalLimitInMs },
    ],
    [
      'the early check comes before the watermark check',
      policy(5, 0, 'adjust'),
      earlyArrivalLimitInMs + 1,
      earlyArrivalLimitInMs + 60_000,
      { kind: 'early' },
    ],
    [
      'the early check applies when late tolerance is -1',
      policy(-1, 0, 'adjust'),
      earlyArrivalLimitInMs + 1,
      NO_WATERMARK,
      { kind: 'early' },
    ],
    [
      'a late event is adjusted to arrival - tolerance',
      policy(5, 0, 'adjust'),
      -5001,
      NO_WATERMARK,
      { kind: 'late', action: 'adjusted', timestampMs: ARRIVAL - 5000 },
    ],
    [
      'an event exactly at arrival - tolerance is NOT late',
      policy(5, 0, 'adjust'),
      -5000,
      NO_WATERMARK,
      { kind: 'onTime', timestampMs: ARRIVAL - 5000 },
    ],
    [
      'a late event is dropped under Drop',
      policy(5, 0, 'drop'),
      -5001,
      NO_WATERMARK,
      { kind: 'late', action: 'dropped' },
    ],
    [
      'late tolerance 0: one ms before arrival is late',
      policy(0, 0, 'adjust'),
      -1,
      NO_WATERMARK,
      { kind: 'late', action: 'adjusted', timestampMs: ARRIVAL },
    ],
    [
      'late tolerance 0: exactly at arrival is on time',
      policy(0, 0, 'adjust'),
      0,
      NO_WATERMARK,
      { kind: 'onTime', timestampMs: ARRIVAL },
    ],
    [
      'late tolerance -1 waits indefinitely: 20 days behind is not late',
      policy(-1, 0, 'adjust'),
      -20 * 86_400_000,
      NO_WATERMARK,
      { kind: 'onTime', timestampMs: ARRIVAL - 20 * 86_400_000 },
    ],
    [
      'late tolerance -1 under Drop keeps an old event',
      policy(-1, 0, 'drop'),
      -20 * 86_400_000,
      NO_WATERMARK,
      { kind: 'onTime', timestampMs: ARRIVAL - 20 * 86_400_000 },
    ],
    [
      'late tolerance -1 still applies the out-of-order check',
      policy(-1, 0, 'adjust'),
      -20 * 86_400_000,
      -1000,
      { kind: 'outOfOrder', action: 'adjusted', timestampMs: ARRIVAL - 1000 },
    ],
    [
      'the maximum late tolerance',
      policy(maxLateArrivalToleranceInSeconds, 0, 'adjust'),
      -maxLateArrivalToleranceInSeconds * 1000 - 1,
      NO_WATERMARK,
      { kind: 'late', action: 'adjusted', timestampMs: ARRIVAL - maxLateArrivalToleranceInSeconds * 1000 },
    ],
    [
      'an event before the watermark is adjusted to the watermark',
      policy(5, 3, 'adjust'),
      -1001,
      -1000,
      { kind: 'outOfOrder', action: 'adjusted', timestampMs: ARRIVAL - 1000 },
    ],
    [
      'an event exactly on the watermark is NOT out of order',
      policy(5, 3, 'adjust'),
      -1000,
      -1000,
      { kind: 'onTime', timestampMs: ARRIVAL - 1000 },
    ],
    [
      'an event before the watermark is dropped under Drop',
      policy(5, 3, 'drop'),
      -1001,
      -1000,
      { kind: 'outOfOrder', action: 'dropped' },
    ],
    [
      'an event exactly on the watermark is kept under Drop',
      policy(5, 3, 'drop'),
      -1000,
      -1000,
      { kind: 'onTime', timestampMs: ARRIVAL - 1000 },
    ],
    [
      'an event after the watermark is on time',
      policy(5, 3, 'adjust'),
      -999,
      -1000,
      { kind: 'onTime', timestampMs: ARRIVAL - 999 },
    ],
    // Late check first, then out-of-order check on the adjusted time.
    [
      'a late event adjusted to a time still before the watermark is then adjusted to the watermark',
      policy(5, 0, 'adjust'),
      -10_000,
      -2000,
      { kind: 'outOfOrder', action: 'adjusted', timestampMs: ARRIVAL - 2000 },
    ],
    [
      'a late event adjusted to a time after the watermark stays late-adjusted',
      policy(5, 0, 'adjust'),
      -10_000,
      -6000,
      { kind: 'late', action: 'adjusted', timestampMs: ARRIVAL - 5000 },
    ],
    [
      'a late event adjusted to exactly the watermark stays late-adjusted',
      policy(5, 0, 'adjust'),
      -9000,
      -5000,
      { kind: 'late', action: 'adjusted', timestampMs: ARRIVAL - 5000 },
    ],
    [
      'under Drop, an event both late and before the watermark is dropped as late',
      policy(5, 0, 'drop'),
      -10_000,
      -2000,
      { kind: 'late', action: 'dropped' },
    ],
    [
      'an event on time for the late check but before the watermark is out of order (not late)',
      policy(5, 0, 'drop'),
      -4000,
      -2000,
      { kind: 'outOfOrder', action: 'dropped' },
    ],
  ])('%s', (_description, p, eventOffset, watermarkOffset, expected) => {
    expect(classifyEventTime(p, ARRIVAL + eventOffset, ARRIVAL, ARRIVAL + watermarkOffset)).toEqual(expected);
  });

  it('the default policy is ASA portal default: late 5 s, out-of-order 0 s, Adjust', () => {
    expect(defaultEventOrderingPolicy).toEqual({
      lateArrivalToleranceInSeconds: 5,
      outOfOrderToleranceInSeconds: 0,
      action: 'adjust',
    });
    expect(eventOrderingPolicyProblems(defaultEventOrderingPolicy, 'p')).toEqual([]);
  });
});

describe('eventOrderingPolicyProblems', () => {
  const lateProblem = (v: unknown): string =>
    `p.lateArrivalToleranceInSeconds: expected an integer in -1..${maxLateArrivalToleranceInSeconds}, received ${String(v)}`;
  const oooProblem = (v: unknown): string =>
    `p.outOfOrderToleranceInSeconds: expected an integer in 0..${maxLateArrivalToleranceInSeconds}, received ${String(v)}`;

  it.each<[string, EventOrderingPolicy, string[]]>([
    ['late -1 (wait indefinitely)', policy(-1, 0, 'adjust'), []],
    [
      'late at its maximum, 20 d 23:59:59',
      policy(maxLateArrivalToleranceInSeconds, maxLateArrivalToleranceInSeconds, 'drop'),
      [],
    ],
    ['late -2', policy(-2, 0, 'adjust'), [lateProblem(-2)]],
    [
      'late above its maximum',
      policy(maxLateArrivalToleranceInSeconds + 1, 0, 'adjust'),
      [lateProblem(maxLateArrivalToleranceInSeconds + 1)],
    ],
    ['late 1.5 s', policy(1.5, 0, 'adjust'), [lateProblem(1.5)]],
    ['out-of-order -1', policy(5, -1, 'adjust'), [oooProblem(-1)]],
    ['out-of-order 0.5 s', policy(5, 0.5, 'adjust'), [oooProblem(0.5)]],
    [
      'out-of-order above the maximum',
      policy(5, maxLateArrivalToleranceInSeconds + 1, 'adjust'),
      [oooProblem(maxLateArrivalToleranceInSeconds + 1)],
    ],
    [
      'every field wrong at once',
      {
        lateArrivalToleranceInSeconds: -3,
        outOfOrderToleranceInSeconds: Number.NaN,
        action: 'keep' as 'drop',
      },
      [lateProblem(-3), oooProblem(Number.NaN), `p.action: expected 'adjust' or 'drop', received "keep"`],
    ],
  ])('%s', (_description, p, expected) => {
    expect(eventOrderingPolicyProblems(p, 'p')).toEqual(expected);
  });
});
