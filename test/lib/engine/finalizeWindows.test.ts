import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { EmittedRow } from '../../../src/lib/engine/applyBatch';
import { compileJob, type CompiledJob, type CompiledStatement } from '../../../src/lib/engine/compileJob';
import { e } from '../../../src/lib/engine/expr';
import {
  fineRangeToRead,
  finalizeWindows,
  firstFineStillNeeded,
  sessionEndMs,
  type OpenSession,
} from '../../../src/lib/engine/finalizeWindows';
import type { Bucket } from '../../../src/lib/engine/state/bucket';
import { openSessionsFromJson, openSessionsToJson } from '../../../src/lib/engine/state/openSessionsCodec';
import type { WindowSpec } from '../../../src/lib/engine/windows';
import {
  applyBatches,
  endOfTimeMs,
  finalizeAll,
  groupedJob,
  kindsOf,
  mergeUnitDeltas,
  messagesOf,
  type TestEvent,
} from '../../support/enginePurePath';

const T = Date.parse('2024-05-01T12:00:00.000Z');
const s = (seconds: number): number => T + seconds * 1000;
const NEG_INF = Number.NEGATIVE_INFINITY;

const countAndSum = [
  { alias: 'Cnt', expr: e.countStar() },
  { alias: 'Total', expr: e.agg('sum', e.field('V')) },
];

function setup(window: WindowSpec, events: readonly TestEvent[], having?: ReturnType<typeof e.bin>) {
  const job: CompiledJob = compileJob(
    groupedJob({ window, aggregates: countAndSum, ...(having ? { having } : {}) }),
  );
  const statement = job.statements[0]!;
  const { units } = applyBatches(job, [messagesOf(events)]);
  return { statement, merged: mergeUnitDeltas(job, units) };
}

/** [seconds after T, key, count] of each row. */
const view = (rows: readonly EmittedRow[]): [number, unknown, unknown][] =>
  rows.map((r) => [(r.timestampMs - T) / 1000, r.row['K'], r.row['Cnt']]);

/** Only the fine times a finalization of [from, to) is promised (fineRangeToRead). */
function restrictToRead(st: CompiledStatement, merged: Bucket, from: number, to: number): Bucket {
  const { lo, hi } = fineRangeToRead(st, from, to);
  return new Map([...merged].filter(([fine]) => fine >= lo && fine <= hi));
}

/**
 * Finalizes [-inf, p1), [p1, p2), ..., [pk, end of time) as the engine does: each step reads only
 * fineRangeToRead, and open sessions are carried between steps in their stored JSON form.
 */
function finalizeInSteps(
  st: CompiledStatement,
  merged: Bucket,
  points: readonly number[],
  restrict = true,
): EmittedRow[] {
  const bounds = [NEG_INF, ...points, endOfTimeMs];
  const kinds = kindsOf(st);
  let stored: string | undefined;
  const rows: EmittedRow[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i]!;
    const to = bounds[i + 1]!;
    const sessions = openSessionsFromJson(stored, kinds);
    rows.push(
      ...finalizeWindows(st, restrict ? restrictToRead(st, merged, from, to) : merged, from, to, sessions),
    );
    stored = openSessionsToJson(sessions, kinds);
  }
  return rows;
}

describe('finalizeWindows: tumbling and hopping', () => {
  const events: TestEvent[] = [
    { key: 'b', timeMs: s(1), value: 1 },
    { key: 'a', timeMs: s(10), value: 2 },
    { key: 'a', timeMs: s(10.001), value: 3 },
    { key: 'a', timeMs: s(25), value: 4 },
  ];

  it('outputs one row per window and group, sorted by window end then group key, only for ends in [from, to)', () => {
    const { statement, merged } = setup({ kind: 'tumbling', sizeInMs: 10_000 }, events);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [10, 'a', 1],
      [10, 'b', 1],
      [20, 'a', 1],
      [30, 'a', 1],
    ]);
    expect(view(finalizeWindows(statement, merged, s(10), s(30)))).toEqual([
      [10, 'a', 1],
      [10, 'b', 1],
      [20, 'a', 1],
    ]);
    expect(view(finalizeWindows(statement, merged, NEG_INF, s(10)))).toEqual([]);
    expect(view(finalizeWindows(statement, merged, s(10.001), s(30.001)))).toEqual([
      [20, 'a', 1],
      [30, 'a', 1],
    ]);
    expect(view(finalizeWindows(statement, merged, s(20), s(20)))).toEqual([]);
  });

  it('outputs the columns: System.Timestamp as ISO-8601 UTC, keys and aggregates', () => {
    const { statement, merged } = setup({ kind: 'tumbling', sizeInMs: 10_000 }, events);
    expect(finalizeWindows(statement, merged, s(10), s(10.001))).toEqual([
      {
        output: 'Out',
        timestampMs: s(10),
        row: { WindowEnd: '2024-05-01T12:00:10.000Z', K: 'a', Cnt: 1, Total: 2 },
      },
      {
        output: 'Out',
        timestampMs: s(10),
        row: { WindowEnd: '2024-05-01T12:00:10.000Z', K: 'b', Cnt: 1, Total: 1 },
      },
    ]);
  });

  it('puts a hopping event into every window that contains it', () => {
    const { statement, merged } = setup({ kind: 'hopping', sizeInMs: 10_000, hopInMs: 5_000 }, events);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [5, 'b', 1],
      [10, 'a', 1],
      [10, 'b', 1],
      [15, 'a', 2],
      [20, 'a', 1],
      [25, 'a', 1],
      [30, 'a', 1],
    ]);
    expect(view(finalizeWindows(statement, merged, s(15), s(25)))).toEqual([
      [15, 'a', 2],
      [20, 'a', 1],
    ]);
  });

  it('leaves out groups that HAVING rejects', () => {
    const { statement, merged } = setup(
      { kind: 'tumbling', sizeInMs: 10_000 },
      events,
      e.bin('>=', e.agg('sum', e.field('V')), e.lit(2)),
    );
    expect(view(finalizeAll(statement, merged))).toEqual([
      [10, 'a', 1],
      [20, 'a', 1],
      [30, 'a', 1],
    ]);
  });

  it('refuses a statement without GROUP BY', () => {
    const job = compileJob({
      ...groupedJob({ window: { kind: 'snapshot' } }),
      statements: [{ output: 'Out', input: 'Input', select: '*' }],
    });
    expect(() => finalizeWindows(job.statements[0]!, new Map(), NEG_INF, endOfTimeMs)).toThrow(TypeError);
  });
});

describe('finalizeWindows: sliding', () => {
  const sliding10: WindowSpec = { kind: 'sliding', sizeInMs: 10_000 };

  it('outputs when an event enters and when one leaves, never for an empty window', () => {
    const { statement, merged } = setup(sliding10, [
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(5) },
    ]);
    // 1: enter (1 event); 5: enter (2); 11: 1 leaves, (1, 11] holds 5; 15: 5 leaves, (5, 15] is empty.
    expect(view(finalizeAll(statement, merged))).toEqual([
      [1, 'a', 1],
      [5, 'a', 2],
      [11, 'a', 1],
    ]);
  });

  it('gives one row for two events at the same instant', () => {
    const { statement, merged } = setup(sliding10, [
      { key: 'a', timeMs: s(3) },
      { key: 'a', timeMs: s(3) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([[3, 'a', 2]]);
  });

  it('gives one row when an event enters exactly as another leaves: the window (t - size, t] excludes the leaving one', () => {
    const { statement, merged } = setup(sliding10, [
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(11) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [1, 'a', 1],
      [11, 'a', 1],
    ]);
  });

  it('keeps the keys apart and sorts rows by time, then key', () => {
    const { statement, merged } = setup(sliding10, [
      { key: 'b', timeMs: s(1) },
      { key: 'a', timeMs: s(2) },
      { key: 'b', timeMs: s(12) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [1, 'b', 1],
      [2, 'a', 1],
      [12, 'b', 1],
    ]);
  });

  it('outputs only the rows with times in [from, to), with windows that reach back before from', () => {
    const { statement, merged } = setup(sliding10, [
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(5) },
      { key: 'a', timeMs: s(8) },
    ]);
    expect(view(finalizeWindows(statement, merged, s(5), s(11)))).toEqual([
      [5, 'a', 2],
      [8, 'a', 3],
    ]);
    expect(view(finalizeWindows(statement, merged, s(11), endOfTimeMs))).toEqual([
      [11, 'a', 2],
      [15, 'a', 1],
    ]);
  });

  it('reads, for [from, to), every event whose leaving makes an output in [from, to)', () => {
    // An event at from - size leaves at exactly from; its exit output at from needs it.
    const { statement } = setup(sliding10, []);
    const { lo, hi } = fineRangeToRead(statement, s(10), s(20));
    expect(hi).toBe(s(20) - 1);
    expect(lo).toBeLessThanOrEqual(s(0));
    // Compaction after finalizing through 10 s must keep the event at 0 s for the same reason.
    expect(firstFineStillNeeded(statement, s(10))).toBeLessThanOrEqual(s(0));
  });

  it('does not lose the exit output at the start of a finalization when only the promised range is read', () => {
    // Events at 0 and 5; windows: 0 (1), 5 (2), 10 (0 leaves: 1), 15 (empty). Split at 10 s.
    const { statement, merged } = setup(sliding10, [
      { key: 'a', timeMs: s(0) },
      { key: 'a', timeMs: s(5) },
    ]);
    const oneGo = view(finalizeAll(statement, merged));
    expect(oneGo).toEqual([
      [0, 'a', 1],
      [5, 'a', 2],
      [10, 'a', 1],
    ]);
    expect(view(finalizeInSteps(statement, merged, [s(10)]))).toEqual(oneGo);
  });
});

describe('finalizeWindows: session', () => {
  const session = (timeoutS: number, maxS: number): WindowSpec => ({
    kind: 'session',
    timeoutInMs: timeoutS * 1000,
    maxDurationInMs: maxS * 1000,
  });

  it('closes a session at last event + timeout', () => {
    const { statement, merged } = setup(session(5, 60), [
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(4) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([[9, 'a', 2]]);
  });

  it('lets an event exactly at last + timeout join the session', () => {
    const { statement, merged } = setup(session(5, 60), [
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(4) },
      { key: 'a', timeMs: s(9) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([[14, 'a', 3]]);
  });

  it('starts a new session for an event 1 ms after last + timeout', () => {
    const { statement, merged } = setup(session(5, 60), [
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(4) },
      { key: 'a', timeMs: s(9.001) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [9, 'a', 2],
      [14.001, 'a', 1],
    ]);
  });

  it('closes at the first max-duration check point (a multiple of maxDuration) at which it has lasted maxDuration', () => {
    // Timeout 5 s, max 10 s; events every 4 s from 1 s. Check points at 10, 20, 30...: at 10 the
    // session (from 1) has lasted 9 s; at 20, 19 s, so it closes at 20. The next one starts at 21.
    const events = [1, 5, 9, 13, 17, 21, 25].map((t) => ({ key: 'a', timeMs: s(t) }));
    const { statement, merged } = setup(session(5, 10), events);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [20, 'a', 5],
      [30, 'a', 2],
    ]);
  });

  it('lets an event exactly at the check point join the session that closes there', () => {
    const events = [1, 5, 9, 13, 17, 20, 24].map((t) => ({ key: 'a', timeMs: s(t) }));
    const { statement, merged } = setup(session(5, 10), events);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [20, 'a', 6],
      [29, 'a', 1],
    ]);
  });

  it('closes a session that starts on a check point exactly maxDuration later', () => {
    const events = [10, 14, 18, 22].map((t) => ({ key: 'a', timeMs: s(t) }));
    const { statement, merged } = setup(session(5, 10), events);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [20, 'a', 3],
      [27, 'a', 1],
    ]);
  });

  it('sessionEndMs: a session ends at last + timeout or at a check point, and lasts less than 2 x maxDuration (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e7 }),
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 0, max: 1e6 }),
        (start, span, timeout, extra) => {
          const max = timeout + extra;
          const last = start + span;
          const end = sessionEndMs(start, last, timeout, max);
          expect(end).toBeLessThanOrEqual(last + timeout);
          expect(end - start).toBeLessThan(2 * max);
          if (end !== last + timeout) {
            expect(end % max).toBe(0);
            expect(end - start).toBeGreaterThanOrEqual(max);
          }
        },
      ),
    );
  });

  it('keeps one session per key', () => {
    const { statement, merged } = setup(session(5, 60), [
      { key: 'a', timeMs: s(1) },
      { key: 'b', timeMs: s(3) },
      { key: 'a', timeMs: s(5) },
      { key: 'b', timeMs: s(9) },
      { key: 'a', timeMs: s(9) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [8, 'b', 1],
      [14, 'a', 3],
      [14, 'b', 1],
    ]);
  });

  it('sorts rows with the same timestamp by group key', () => {
    // Both sessions end at 9 s; b's is closed by b's next event, a's at the end of the range.
    const { statement, merged } = setup(session(5, 60), [
      { key: 'b', timeMs: s(4) },
      { key: 'a', timeMs: s(4) },
      { key: 'b', timeMs: s(20) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [9, 'a', 1],
      [9, 'b', 1],
      [25, 'b', 1],
    ]);
  });

  it('carries open sessions across finalizations: [-inf, t1) then [t1, t2) equals [-inf, t2)', () => {
    const events = [1, 4, 8, 12, 30].map((t) => ({ key: 'a', timeMs: s(t), value: t }));
    const { statement, merged } = setup(session(5, 60), events);
    const sessions = new Map<string, OpenSession>();
    const first = finalizeWindows(
      statement,
      restrictToRead(statement, merged, NEG_INF, s(10)),
      NEG_INF,
      s(10),
      sessions,
    );
    expect(first).toEqual([]);
    expect([...sessions.values()].map((o) => [(o.startMs - T) / 1000, (o.lastMs - T) / 1000])).toEqual([
      [1, 8],
    ]);
    const second = finalizeWindows(
      statement,
      restrictToRead(statement, merged, s(10), s(40)),
      s(10),
      s(40),
      sessions,
    );
    expect(view(second)).toEqual([
      [17, 'a', 4],
      [35, 'a', 1],
    ]);
    expect(second[0]!.row['Total']).toBe(25);
    expect(sessions.size).toBe(0);
    expect([...first, ...second]).toEqual(finalizeAll(statement, merged));
  });

  it('keeps a session open when its end is not before the end of the range', () => {
    const { statement, merged } = setup(session(5, 60), [{ key: 'a', timeMs: s(1) }]);
    const sessions = new Map<string, OpenSession>();
    expect(finalizeWindows(statement, merged, NEG_INF, s(6), sessions)).toEqual([]);
    expect(sessions.size).toBe(1);
    expect(view(finalizeWindows(statement, new Map(), s(6), s(6.001), sessions))).toEqual([[6, 'a', 1]]);
  });

  it('refuses to run without the carried sessions', () => {
    const { statement, merged } = setup(session(5, 60), [{ key: 'a', timeMs: s(1) }]);
    expect(() => finalizeWindows(statement, merged, NEG_INF, endOfTimeMs)).toThrow(TypeError);
  });
});

describe('finalizeWindows: snapshot', () => {
  it('groups events with the same timestamp', () => {
    const { statement, merged } = setup({ kind: 'snapshot' }, [
      { key: 'a', timeMs: s(1) },
      { key: 'b', timeMs: s(1) },
      { key: 'a', timeMs: s(1) },
      { key: 'a', timeMs: s(1.001) },
    ]);
    expect(view(finalizeAll(statement, merged))).toEqual([
      [1, 'a', 2],
      [1, 'b', 1],
      [1.001, 'a', 1],
    ]);
  });
});

describe('finalizeWindows: split finalization equals one finalization (property)', () => {
  const windows: Record<string, fc.Arbitrary<WindowSpec>> = {
    tumbling: fc
      .constantFrom(1000, 2500, 10_000)
      .map((sizeInMs): WindowSpec => ({ kind: 'tumbling', sizeInMs })),
    hopping: fc
      .constantFrom([10_000, 2500], [10_000, 3000], [5000, 5000], [7000, 2000])
      .map(([sizeInMs, hopInMs]): WindowSpec => ({ kind: 'hopping', sizeInMs: sizeInMs, hopInMs: hopInMs })),
    sliding: fc.constantFrom(1000, 2500, 5000).map((sizeInMs): WindowSpec => ({ kind: 'sliding', sizeInMs })),
    session: fc
      .constantFrom([1000, 5000], [2500, 5000], [3000, 12_000])
      .map(([timeoutInMs, maxDurationInMs]): WindowSpec => ({
        kind: 'session',
        timeoutInMs: timeoutInMs,
        maxDurationInMs: maxDurationInMs,
      })),
    snapshot: fc.constant<WindowSpec>({ kind: 'snapshot' }),
  };

  /** Event times on a 250 ms grid so that boundaries, ties and exact timeouts are common. */
  const eventsArb = fc
    .array(
      fc.record({
        key: fc.constantFrom('a', 'b', 'c'),
        q: fc.integer({ min: 0, max: 80 }),
        value: fc.integer({ min: 0, max: 9 }),
      }),
      {
        maxLength: 30,
      },
    )
    .map((raw) =>
      raw
        .map((r) => ({ key: r.key, timeMs: T + r.q * 250, value: r.value }))
        .sort((x, y) => x.timeMs - y.timeMs),
    );
  const pointsArb = fc
    .uniqueArray(fc.integer({ min: -10, max: 110 }), { maxLength: 6 })
    .map((qs) => qs.sort((a, b) => a - b).map((q) => T + q * 250));

  for (const [kind, windowArb] of Object.entries(windows)) {
    it(`${kind}: any split of time into consecutive finalizations gives the same rows, reading only the promised range`, () => {
      fc.assert(
        fc.property(windowArb, eventsArb, pointsArb, (window, events, points) => {
          const { statement, merged } = setup(window, events);
          expect(finalizeInSteps(statement, merged, points)).toEqual(finalizeAll(statement, merged));
        }),
        { numRuns: 500 },
      );
    });
  }

  it('sliding: with every event available at each step, split finalization gives the same rows', () => {
    fc.assert(
      fc.property(windows['sliding']!, eventsArb, pointsArb, (window, events, points) => {
        const { statement, merged } = setup(window, events);
        expect(finalizeInSteps(statement, merged, points, false)).toEqual(finalizeAll(statement, merged));
      }),
      { numRuns: 300 },
    );
  });

  it('session: split finalization gives the same rows up to their order within one timestamp', () => {
    const byTimeAndKey = (rows: EmittedRow[]): EmittedRow[] =>
      [...rows].sort(
        (x, y) => x.timestampMs - y.timestampMs || String(x.row['K']).localeCompare(String(y.row['K'])),
      );
    fc.assert(
      fc.property(windows['session']!, eventsArb, pointsArb, (window, events, points) => {
        const { statement, merged } = setup(window, events);
        expect(byTimeAndKey(finalizeInSteps(statement, merged, points))).toEqual(
          byTimeAndKey(finalizeAll(statement, merged)),
        );
      }),
      { numRuns: 300 },
    );
  });
});
