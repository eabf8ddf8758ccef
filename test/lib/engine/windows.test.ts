import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import {
  ceilToGrid,
  containingWindowEnds,
  maxWindowSizeInMs,
  maxWindowsPerEvent,
  windowSpecProblems,
  type WindowSpec,
} from '../../../src/lib/engine/windows';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string): number => Date.parse(iso);

describe('ceilToGrid', () => {
  it.each([
    // [t, step, offset, expected]
    [0, 10, 0, 0],
    [1, 10, 0, 10],
    [9, 10, 0, 10],
    [10, 10, 0, 10],
    [11, 10, 0, 20],
    [-1, 10, 0, 0],
    [-9, 10, 0, 0],
    [-10, 10, 0, -10],
    [-11, 10, 0, -10],
    [3, 10, 3, 3],
    [4, 10, 3, 13],
    [2, 10, 3, 3],
    [-7, 10, 3, -7],
    [-6, 10, 3, 3],
    // Offset(millisecond, -1): grid instants ...9, 19, 29...
    [0, 10, -1, 9],
    [9, 10, -1, 9],
    [10, 10, -1, 19],
    [19, 10, -1, 19],
    [20, 10, -1, 29],
  ])('ceilToGrid(%d, %d, %d) is %d', (t, step, offset, expected) => {
    expect(ceilToGrid(t, step, offset)).toBe(expected);
  });

  it('maps instants of a 5-minute grid at epoch scale to themselves and the next millisecond up', () => {
    const t = at('2024-05-01T12:05:00.000Z');
    expect(ceilToGrid(t, 5 * MINUTE, 0)).toBe(t);
    expect(ceilToGrid(t + 1, 5 * MINUTE, 0)).toBe(at('2024-05-01T12:10:00.000Z'));
    expect(ceilToGrid(t - 1, 5 * MINUTE, 0)).toBe(t);
  });

  it('returns the least grid instant at or after t, for any epoch-scale t, step and offset (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e13, max: 1e13 }),
        fc.integer({ min: 1, max: maxWindowSizeInMs }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (t, step, offsetFraction) => {
          const offset = Math.trunc(offsetFraction * (step - 1)) || 0; // never -0
          const end = ceilToGrid(t, step, offset);
          expect(Number.isSafeInteger(end)).toBe(true);
          expect(end).toBeGreaterThanOrEqual(t);
          expect(end - step).toBeLessThan(t);
          expect((((end - offset) % step) + step) % step).toBe(0);
        },
      ),
    );
  });
});

describe('containingWindowEnds', () => {
  it.each([
    // [description, t, size, hop, offset, expected ends]
    ['tumbling: an event on a boundary belongs to the window ending there', 10, 10, 10, 0, [10]],
    ['tumbling: one ms after a boundary goes to the next window', 11, 10, 10, 0, [20]],
    ['tumbling: an event at 0 belongs to the window (-10, 0]', 0, 10, 10, 0, [0]],
    ['tumbling: a negative time', -10, 10, 10, 0, [-10]],
    ['hopping 10/5: on a hop boundary, two windows end at or after it', 10, 10, 5, 0, [10, 15]],
    ['hopping 10/5: just after a boundary', 11, 10, 5, 0, [15, 20]],
    ['hopping 10/5: on the other hop boundary', 5, 10, 5, 0, [5, 10]],
    ['hopping 10/3 (size not a multiple of hop): on a boundary, 4 windows', 0, 10, 3, 0, [0, 3, 6, 9]],
    ['hopping 10/3: off a boundary, 3 windows', 1, 10, 3, 0, [3, 6, 9]],
    ['hopping 10/3: t=2 is excluded from the window ending at 12, which starts at 2', 2, 10, 3, 0, [3, 6, 9]],
    ['hopping 10/3: on a later boundary', 3, 10, 3, 0, [3, 6, 9, 12]],
    ['hopping 7/2 with offset 1: on a boundary', 1, 7, 2, 1, [1, 3, 5, 7]],
    ['hopping 7/2 with offset 1: off a boundary', 2, 7, 2, 1, [3, 5, 7]],
    [
      'hopping 7/2 with offset 1: t=8 is not in the window ending 15, which starts at 8',
      8,
      7,
      2,
      1,
      [9, 11, 13],
    ],
    [
      'Offset(ms,-1) flips to [start, end): 10 opens the window [10, 20), which ends at 19',
      10,
      10,
      10,
      -1,
      [19],
    ],
    ['Offset(ms,-1): 9 is the last ms of [0, 10)', 9, 10, 10, -1, [9]],
    ['Offset(ms,-1): 19 is the last ms of [10, 20)', 19, 10, 10, -1, [19]],
    ['Offset(ms,-1): 20 opens [20, 30)', 20, 10, 10, -1, [29]],
    ['hopping 10/5 with Offset(ms,-1): on a whole boundary', 10, 10, 5, -1, [14, 19]],
  ] as const)('%s', (_description, t, size, hop, offset, expected) => {
    expect(containingWindowEnds(t, size, hop, offset)).toEqual(expected);
  });

  it("puts 13:00:00.000 into the docs' HoppingWindow(hour 1, hop 5 min, Offset(ms,-1)) windows [12:05, 13:05) .. [13:00, 14:00)", () => {
    const t = at('2024-05-01T13:00:00.000Z');
    const ends = containingWindowEnds(t, HOUR, 5 * MINUTE, -1);
    expect(ends).toHaveLength(12);
    expect(ends[0]).toBe(at('2024-05-01T13:04:59.999Z'));
    expect(ends[11]).toBe(at('2024-05-01T13:59:59.999Z'));
    // The window [12:00, 13:00) ends at 12:59:59.999 and excludes 13:00.
    expect(ends).not.toContain(at('2024-05-01T12:59:59.999Z'));
  });

  it('without the offset, 13:00:00.000 belongs to the hour window (12:00, 13:00]', () => {
    const t = at('2024-05-01T13:00:00.000Z');
    const ends = containingWindowEnds(t, HOUR, 5 * MINUTE, 0);
    expect(ends[0]).toBe(t);
    expect(ends).toHaveLength(12);
    expect(ends[11]).toBe(at('2024-05-01T13:55:00.000Z'));
  });

  it('returns exactly the grid windows (end - size, end] that contain t, in increasing order (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 1, max: maxWindowsPerEvent }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (t, hop, ratioCeil, sizeFraction, offsetFraction) => {
          // size in ((ratioCeil - 1) * hop, ratioCeil * hop], so ceil(size / hop) = ratioCeil.
          const size = Math.max(hop, (ratioCeil - 1) * hop + 1 + Math.floor(sizeFraction * (hop - 1)));
          const offset = Math.trunc(offsetFraction * (hop - 1)) || 0; // never -0
          const ends = containingWindowEnds(t, size, hop, offset);
          const first = ceilToGrid(t, hop, offset);
          const brute: number[] = [];
          for (let end = first - 2 * hop; end <= first + size + 2 * hop; end += hop) {
            if (end - size < t && t <= end) brute.push(end);
          }
          expect(ends).toEqual(brute);
          expect(ends.length).toBeLessThanOrEqual(Math.ceil(size / hop));
          expect(ends.length).toBeGreaterThanOrEqual(Math.floor(size / hop));
        },
      ),
    );
  });
});

describe('windowSpecProblems', () => {
  const sizeProblem = (name: string, v: number): string =>
    `w.${name}: expected an integer number of ms in 1..${maxWindowSizeInMs}, received ${v}`;

  it.each<[string, WindowSpec, string[]]>([
    ['a valid tumbling window', { kind: 'tumbling', sizeInMs: 10_000 }, []],
    ['a tumbling window of exactly 7 days', { kind: 'tumbling', sizeInMs: maxWindowSizeInMs }, []],
    [
      'a tumbling window of 7 days + 1 ms',
      { kind: 'tumbling', sizeInMs: maxWindowSizeInMs + 1 },
      [sizeProblem('sizeInMs', maxWindowSizeInMs + 1)],
    ],
    ['a tumbling window of 0 ms', { kind: 'tumbling', sizeInMs: 0 }, [sizeProblem('sizeInMs', 0)]],
    ['a tumbling window of 1.5 ms', { kind: 'tumbling', sizeInMs: 1.5 }, [sizeProblem('sizeInMs', 1.5)]],
    [
      'a tumbling window of NaN ms',
      { kind: 'tumbling', sizeInMs: Number.NaN },
      [sizeProblem('sizeInMs', Number.NaN)],
    ],
    ['a tumbling offset of -1 ms', { kind: 'tumbling', sizeInMs: 10, offsetInMs: -1 }, []],
    ['a tumbling offset of size - 1', { kind: 'tumbling', sizeInMs: 10, offsetInMs: 9 }, []],
    [
      'a tumbling offset equal to the size',
      { kind: 'tumbling', sizeInMs: 10, offsetInMs: 10 },
      ['w.offsetInMs: expected an integer with |offset| < 10, received 10'],
    ],
    [
      'a tumbling offset of minus the size',
      { kind: 'tumbling', sizeInMs: 10, offsetInMs: -10 },
      ['w.offsetInMs: expected an integer with |offset| < 10, received -10'],
    ],
    [
      'a fractional tumbling offset',
      { kind: 'tumbling', sizeInMs: 10, offsetInMs: 0.5 },
      ['w.offsetInMs: expected an integer with |offset| < 10, received 0.5'],
    ],
    [
      'a hopping window with a hop that does not divide the size',
      { kind: 'hopping', sizeInMs: 10, hopInMs: 3 },
      [],
    ],
    ['a hopping window with hop = size', { kind: 'hopping', sizeInMs: 10, hopInMs: 10 }, []],
    [
      'a hopping window with hop > size',
      { kind: 'hopping', sizeInMs: 10, hopInMs: 20 },
      ['w.hopInMs: expected at most sizeInMs (10), received 20'],
    ],
    [
      'a hopping window of exactly 100 windows per event',
      { kind: 'hopping', sizeInMs: 1000, hopInMs: 10 },
      [],
    ],
    [
      'a hopping window of 112 windows per event (1000 / 9)',
      { kind: 'hopping', sizeInMs: 1000, hopInMs: 9 },
      ['w.hopInMs: expected sizeInMs / hopInMs <= 100, received 1000 / 9'],
    ],
    [
      'a hopping window of 101 windows per event (1001 / 10, not an integer ratio)',
      { kind: 'hopping', sizeInMs: 1001, hopInMs: 10 },
      ['w.hopInMs: expected sizeInMs / hopInMs <= 100, received 1001 / 10'],
    ],
    [
      'a hopping offset measured against the hop, not the size',
      { kind: 'hopping', sizeInMs: 10, hopInMs: 5, offsetInMs: 5 },
      ['w.offsetInMs: expected an integer with |offset| < 5, received 5'],
    ],
    ['a hopping offset of -1 ms', { kind: 'hopping', sizeInMs: 10, hopInMs: 5, offsetInMs: -1 }, []],
    ['a sliding window', { kind: 'sliding', sizeInMs: 10_000 }, []],
    ['a negative sliding window', { kind: 'sliding', sizeInMs: -5 }, [sizeProblem('sizeInMs', -5)]],
    [
      'a session window with timeout = max duration',
      { kind: 'session', timeoutInMs: 5, maxDurationInMs: 5 },
      [],
    ],
    [
      'a session window with timeout > max duration',
      { kind: 'session', timeoutInMs: 10, maxDurationInMs: 5 },
      ['w.timeoutInMs: expected at most maxDurationInMs (5), received 10'],
    ],
    [
      'a session window with two bad durations',
      { kind: 'session', timeoutInMs: 0, maxDurationInMs: maxWindowSizeInMs + 1 },
      [sizeProblem('timeoutInMs', 0), sizeProblem('maxDurationInMs', maxWindowSizeInMs + 1)],
    ],
    ['a snapshot window', { kind: 'snapshot' }, []],
  ])('%s', (_description, spec, expected) => {
    expect(windowSpecProblems(spec, 'w')).toEqual(expected);
  });

  it('lists every problem of a hopping window at once, prefixed with where it is', () => {
    expect(
      windowSpecProblems(
        { kind: 'hopping', sizeInMs: 0.5, hopInMs: 7, offsetInMs: 7 },
        'job.statements[2].groupBy.window',
      ),
    ).toEqual([
      `job.statements[2].groupBy.window.sizeInMs: expected an integer number of ms in 1..${maxWindowSizeInMs}, received 0.5`,
      'job.statements[2].groupBy.window.hopInMs: expected at most sizeInMs (0.5), received 7',
      'job.statements[2].groupBy.window.offsetInMs: expected an integer with |offset| < 7, received 7',
    ]);
  });
});
