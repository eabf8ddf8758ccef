import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';
import { applyBatch, statementLayout, type CommitUnit } from '../../../src/lib/engine/applyBatch';
import { compileJob, type CompiledJob } from '../../../src/lib/engine/compileJob';
import type { EventOrderingPolicy } from '../../../src/lib/engine/eventOrderingPolicy';
import { e } from '../../../src/lib/engine/expr';
import type { InputMessage } from '../../../src/lib/engine/inputMessage';
import { defaultJob, type JobDefinition, type StatementDefinition } from '../../../src/lib/engine/job';
import {
  clonePartitionProgress,
  createPartitionProgress,
  type PartitionProgress,
} from '../../../src/lib/engine/state/partitionProgress';
import {
  applyBatches,
  bucketSummary,
  groupedJob,
  kindsOf,
  mergeUnitDeltas,
  messagesOf,
  progressAfter,
  type TestEvent,
} from '../../support/enginePurePath';

const T = Date.parse('2024-05-01T12:00:00.000Z');
const s = (seconds: number): number => T + seconds * 1000;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const passThrough: StatementDefinition = {
  output: 'Pass',
  input: 'Input',
  where: e.bin('=', e.field('K'), e.lit('a')),
  select: [
    { alias: 'K', expr: e.field('K') },
    { alias: 'At', expr: e.timestamp() },
  ],
};

const tumbling10s = (
  policy?: EventOrderingPolicy,
  more: StatementDefinition[] = [passThrough],
): CompiledJob =>
  compileJob(
    groupedJob({
      window: { kind: 'tumbling', sizeInMs: 10_000 },
      ...(policy ? { policy } : {}),
      moreStatements: more,
    }),
  );

const policy = (late: number, ooo: number, action: 'adjust' | 'drop'): EventOrderingPolicy => ({
  lateArrivalToleranceInSeconds: late,
  outOfOrderToleranceInSeconds: ooo,
  action,
});

const allDeadLetters = (units: readonly CommitUnit[]) => units.flatMap((u) => u.deadLetters);
const allEventRows = (units: readonly CommitUnit[]) => units.flatMap((u) => u.eventRows);
const summary = (job: CompiledJob, units: readonly CommitUnit[], index = 0) =>
  bucketSummary(mergeUnitDeltas(job, units, index), kindsOf(job.statements[index]!));

/** Applies each message in its own batch and records the progress after each. */
function progressTrail(job: CompiledJob, messages: readonly InputMessage[]): PartitionProgress[] {
  let progress = createPartitionProgress('0');
  const trail: PartitionProgress[] = [];
  for (const m of messages) {
    progress = progressAfter(progress, applyBatch(job, progress, [m], m.enqueuedTimeMs));
    trail.push(progress);
  }
  return trail;
}

describe('applyBatch: purity', () => {
  it('does not modify the progress it is given', () => {
    const job = tumbling10s();
    const before = createPartitionProgress('0');
    const snapshot = clonePartitionProgress(before);
    applyBatch(
      job,
      before,
      messagesOf([
        { key: 'a', timeMs: s(1) },
        { key: 'b', timeMs: s(2) },
      ]),
      s(2),
    );
    expect(before).toEqual(snapshot);
  });

  it('gives equal units for equal inputs', () => {
    const job = tumbling10s();
    const messages = messagesOf([
      { key: 'a', timeMs: s(1), value: 2 },
      { key: 'b', timeMs: s(12) },
    ]);
    const a = applyBatch(job, createPartitionProgress('0'), messages, s(20));
    const b = applyBatch(job, createPartitionProgress('0'), messages, s(20));
    expect(a).toEqual(b);
  });

  it.each([-1, 1.5, Number.NaN, 2 ** 53])('rejects the sequence number %d', (seq) => {
    const job = tumbling10s();
    const m: InputMessage = { sequenceNumber: seq, enqueuedTimeMs: s(0), body: '{}' };
    expect(() => applyBatch(job, createPartitionProgress('0'), [m], s(0))).toThrow(
      new RangeError(`sequenceNumber: expected a non-negative safe integer, received ${seq}`),
    );
  });
});

describe('applyBatch: where events go', () => {
  it('files a tumbling event under its window end, in a storage bucket of that end', () => {
    const job = tumbling10s();
    const [unit] = applyBatch(
      job,
      createPartitionProgress('0'),
      messagesOf([
        { key: 'a', timeMs: s(10) },
        { key: 'a', timeMs: s(10.001) },
      ]),
      s(11),
    );
    const deltas = unit!.deltas.get(0)!;
    expect([...deltas.keys()].sort((a, b) => a - b)).toEqual([s(10), s(20)]);
    expect([...deltas.get(s(10))!.keys()]).toEqual([s(10)]);
    expect([...deltas.get(s(20))!.keys()]).toEqual([s(20)]);
  });

  it('files a hopping event under every window end that contains it', () => {
    const job = compileJob(groupedJob({ window: { kind: 'hopping', sizeInMs: 10_000, hopInMs: 3_000 } }));
    const [unit] = applyBatch(
      job,
      createPartitionProgress('0'),
      messagesOf([{ key: 'a', timeMs: s(30) }]),
      s(30),
    );
    expect([...unit!.deltas.get(0)!.keys()].sort((a, b) => a - b)).toEqual([s(30), s(33), s(36), s(39)]);
  });

  it.each([
    ['sliding', { kind: 'sliding', sizeInMs: 10_000 }, s(20)],
    ['session', { kind: 'session', timeoutInMs: 5_000, maxDurationInMs: 60_000 }, s(15)],
    ['snapshot', { kind: 'snapshot' }, s(13)],
  ] as const)(
    'files a %s event under its event time, in the storage bucket its layout names',
    (_kind, window, bucket) => {
      const job = compileJob(groupedJob({ window }));
      const [unit] = applyBatch(
        job,
        createPartitionProgress('0'),
        messagesOf([{ key: 'a', timeMs: s(12.5) }]),
        s(13),
      );
      const deltas = unit!.deltas.get(0)!;
      expect([...deltas.keys()]).toEqual([bucket]);
      expect(statementLayout(job.statements[0]!).storageBucketOf(s(12.5))).toBe(bucket);
      expect([...deltas.get(bucket)!.keys()]).toEqual([s(12.5)]);
    },
  );

  it('applies WHERE before grouping and emits per-event rows for statements without GROUP BY', () => {
    const where = e.bin('>', e.field('V'), e.lit(1));
    const job = compileJob(
      groupedJob({ window: { kind: 'tumbling', sizeInMs: 10_000 }, where, moreStatements: [passThrough] }),
    );
    const units = applyBatch(
      job,
      createPartitionProgress('0'),
      messagesOf([
        { key: 'a', timeMs: s(1), value: 1 },
        { key: 'a', timeMs: s(2), value: 2 },
        { key: 'b', timeMs: s(3), value: 3 },
      ]),
      s(3),
    );
    const rows = summary(job, units);
    expect(rows.map((r) => (r as [number, string])[1])).toEqual(['sa', 'sb']);
    expect(allEventRows(units)).toEqual([
      { output: 'Pass', timestampMs: s(1), row: { K: 'a', At: new Date(s(1)).toISOString() } },
      { output: 'Pass', timestampMs: s(2), row: { K: 'a', At: new Date(s(2)).toISOString() } },
    ]);
    expect(units.at(-1)!.progress.counters.rowsEmitted).toEqual({ Pass: 2 });
  });
});

describe('applyBatch: redelivery', () => {
  const events: TestEvent[] = Array.from({ length: 10 }, (_, i) => ({
    key: i % 3 === 0 ? 'a' : 'b',
    timeMs: s(i * 4),
    value: i,
  }));

  it('counts only new sequence numbers when an overlapping batch with other boundaries is redelivered', () => {
    const job = tumbling10s();
    const all = messagesOf(events);
    const first = applyBatch(job, createPartitionProgress('0'), all.slice(0, 6), s(30));
    const afterFirst = progressAfter(createPartitionProgress('0'), first);
    expect(afterFirst.lastSeq).toBe(5);

    const second = applyBatch(job, afterFirst, all.slice(3, 10), s(40));
    expect(second.map((u) => [u.firstSeq, u.lastSeq])).toEqual([[6, 9]]);
    const final = second.at(-1)!.progress;
    expect(final.lastSeq).toBe(9);
    expect(final.counters.inputEvents).toBe(10);
    expect(final.counters.duplicatesSkipped).toBe(3);
    expect(final.counters.rowsEmitted).toEqual({ Pass: 4 });
    expect(allEventRows(second).map((r) => r.timestampMs)).toEqual([s(24), s(36)]);

    const oneBatch = applyBatch(job, createPartitionProgress('0'), all, s(40));
    expect(bucketSummary(mergeUnitDeltas(job, [...first, ...second]), kindsOf(job.statements[0]!))).toEqual(
      summary(job, oneBatch),
    );
    expect(final.watermarkMs).toBe(oneBatch.at(-1)!.progress.watermarkMs);
    expect(final.maxEventTimeMs).toBe(oneBatch.at(-1)!.progress.maxEventTimeMs);
  });

  it('produces no unit for a batch that was entirely applied before', () => {
    const job = tumbling10s();
    const all = messagesOf(events);
    const after = progressAfter(
      createPartitionProgress('0'),
      applyBatch(job, createPartitionProgress('0'), all, s(40)),
    );
    expect(applyBatch(job, after, all.slice(2, 7), s(50))).toEqual([]);
  });

  it('skips a redelivered message in the middle of a batch', () => {
    const job = tumbling10s();
    const all = messagesOf(events);
    const after = progressAfter(
      createPartitionProgress('0'),
      applyBatch(job, createPartitionProgress('0'), all.slice(0, 3), s(10)),
    );
    // Sequence numbers need not be contiguous: 2 was applied, 3 is new, 1 is old again.
    const units = applyBatch(job, after, [all[3]!, all[1]!, all[4]!], s(20));
    expect(units.at(-1)!.progress.counters.duplicatesSkipped).toBe(1);
    expect(units.at(-1)!.progress.counters.inputEvents).toBe(5);
  });

  it('merges to the one-pass deltas and progress for any sequence of overlapping batches (property)', () => {
    const job = compileJob(
      groupedJob({
        window: { kind: 'hopping', sizeInMs: 10_000, hopInMs: 5_000 },
        policy: policy(5, 3, 'adjust'),
        moreStatements: [passThrough],
      }),
    );
    const eventArb = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      timeMs: fc.integer({ min: s(0), max: s(120) }),
      value: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })),
      lag: fc.integer({ min: 0, max: 10_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 10 }),
        (raw, cuts) => {
          // Arrival times never decrease; event times are random, so some are late or out of order.
          let arrival = s(0);
          const evs: TestEvent[] = raw.map((r) => {
            arrival = Math.max(arrival, r.timeMs) + r.lag;
            return { key: r.key, timeMs: r.timeMs, value: r.value, arrivalMs: arrival };
          });
          const all = messagesOf(evs);
          const n = all.length;
          const ends = [...new Set([...cuts.map(([end]) => (end % n) + 1), n])].sort((a, b) => a - b);
          let prevEnd = 0;
          const batches = ends.map((end, i) => {
            const start = (cuts[i]?.[1] ?? 0) % (prevEnd + 1); // 0..prevEnd: overlaps what was applied
            prevEnd = end;
            return all.slice(start, end);
          });
          const redelivered = batches.reduce((sum, b) => sum + b.length, 0) - n;
          const split = applyBatches(job, batches);
          const one = applyBatches(job, [all]);
          expect(bucketSummary(mergeUnitDeltas(job, split.units), kindsOf(job.statements[0]!))).toEqual(
            bucketSummary(mergeUnitDeltas(job, one.units), kindsOf(job.statements[0]!)),
          );
          expect(allEventRows(split.units)).toEqual(allEventRows(one.units));
          const { counters: sc, clockAtLastArrivalMs: _a, ...sp } = split.progress;
          const { counters: oc, clockAtLastArrivalMs: _b, ...op } = one.progress;
          expect(sp).toEqual(op);
          expect({ ...sc, duplicatesSkipped: 0 }).toEqual(oc);
          expect(sc.duplicatesSkipped).toBe(redelivered);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('applyBatch: dead letters', () => {
  const job = compileJob(
    groupedJob({
      window: { kind: 'tumbling', sizeInMs: 10_000 },
      maxEventSizeInBytes: 64,
      policy: policy(5, 0, 'adjust'),
    }),
  );
  const arrival = s(100);
  const at = (seq: number, body: unknown, lineNumber?: number): InputMessage => ({
    sequenceNumber: seq,
    enqueuedTimeMs: arrival,
    body,
    ...(lineNumber === undefined ? {} : { lineNumber }),
  });
  const tooLargeText = JSON.stringify({ K: 'é'.repeat(30) }); // 38 characters, 68 bytes
  const badUtf8 = new Uint8Array([0x7b, 0xff, 0x7d]);
  const earlyTime = new Date(arrival + 5 * 60_000 + 1).toISOString();
  const parsedBody = { EventTime: 'soon', K: 'a' };
  const messages: InputMessage[] = [
    at(0, '{"EventTime": ', 1),
    at(1, badUtf8, 2),
    at(2, '[1,2]', 3),
    at(3, tooLargeText, 4),
    at(4, JSON.stringify({ EventTime: 'yesterday' }), 5),
    at(5, JSON.stringify({ EventTime: earlyTime, K: 'a' }), 6),
    at(6, JSON.stringify({ EventTime: new Date(arrival).toISOString(), K: 'ok' }), 7),
    at(7, JSON.stringify({ K: 'no time' })),
    at(8, parsedBody),
    at(9, '42'),
    at(10, 'null'),
  ];
  const units = applyBatch(job, createPartitionProgress('p3'), messages, arrival);

  it('dead-letters each bad message with its reason, original bytes, sequence number, arrival and line number', () => {
    expect(allDeadLetters(units)).toEqual([
      {
        partitionId: 'p3',
        sequenceNumber: 0,
        enqueuedTimeMs: arrival,
        reason: 'notJson',
        detail: expect.stringMatching(
          /^body: expected JSON, received text that fails to parse \(.+\)$/,
        ) as unknown,
        body: utf8('{"EventTime": '),
        lineNumber: 1,
      },
      {
        partitionId: 'p3',
        sequenceNumber: 1,
        enqueuedTimeMs: arrival,
        reason: 'notJson',
        detail: 'body: expected UTF-8 JSON text, received invalid UTF-8',
        body: badUtf8,
        lineNumber: 2,
      },
      {
        partitionId: 'p3',
        sequenceNumber: 2,
        enqueuedTimeMs: arrival,
        reason: 'notAnObject',
        detail: 'body: expected a JSON object, received an array',
        body: utf8('[1,2]'),
        lineNumber: 3,
      },
      {
        partitionId: 'p3',
        sequenceNumber: 3,
        enqueuedTimeMs: arrival,
        reason: 'tooLarge',
        detail: 'size: expected at most 64 bytes, received 68',
        body: utf8(tooLargeText),
        lineNumber: 4,
      },
      {
        partitionId: 'p3',
        sequenceNumber: 4,
        enqueuedTimeMs: arrival,
        reason: 'invalidTimestamp',
        detail: 'TIMESTAMP BY: expected a datetime, received "yesterday"',
        body: utf8('{"EventTime":"yesterday"}'),
        lineNumber: 5,
      },
      {
        partitionId: 'p3',
        sequenceNumber: 5,
        enqueuedTimeMs: arrival,
        reason: 'early',
        detail: `event time: expected at most 5 minutes after arrival ${new Date(arrival).toISOString()}, received ${earlyTime}`,
        body: utf8(JSON.stringify({ EventTime: earlyTime, K: 'a' })),
        lineNumber: 6,
      },
      {
        partitionId: 'p3',
        sequenceNumber: 7,
        enqueuedTimeMs: arrival,
        reason: 'invalidTimestamp',
        detail: 'TIMESTAMP BY: expected a datetime, received null',
        body: utf8('{"K":"no time"}'),
      },
      {
        partitionId: 'p3',
        sequenceNumber: 8,
        enqueuedTimeMs: arrival,
        reason: 'invalidTimestamp',
        detail: 'TIMESTAMP BY: expected a datetime, received "soon"',
        body: utf8(JSON.stringify(parsedBody)),
      },
      {
        partitionId: 'p3',
        sequenceNumber: 9,
        enqueuedTimeMs: arrival,
        reason: 'notAnObject',
        detail: 'body: expected a JSON object, received number',
        body: utf8('42'),
      },
      {
        partitionId: 'p3',
        sequenceNumber: 10,
        enqueuedTimeMs: arrival,
        reason: 'notAnObject',
        detail: 'body: expected a JSON object, received null',
        body: utf8('null'),
      },
    ]);
  });

  it('keeps a line number only where the message had one', () => {
    expect(
      allDeadLetters(units)
        .filter((d) => 'lineNumber' in d)
        .map((d) => d.sequenceNumber),
    ).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('counts every message as input and every dead letter by reason', () => {
    const c = units.at(-1)!.progress.counters;
    expect(c.inputEvents).toBe(11);
    expect(c.early).toBe(1);
    expect(c.deadLettered).toEqual({
      notJson: 2,
      notAnObject: 3,
      tooLarge: 1,
      invalidTimestamp: 3,
      early: 1,
    });
  });

  it('aggregates only the good message', () => {
    expect(summary(job, units).map((r) => (r as [number, string])[1])).toEqual(['sok']);
  });

  it('measures an already-parsed body by its JSON size', () => {
    const big = { EventTime: new Date(arrival).toISOString(), K: 'x'.repeat(40) };
    const [unit] = applyBatch(job, createPartitionProgress('0'), [at(0, big)], arrival);
    expect(unit!.deadLetters).toEqual([
      expect.objectContaining({
        reason: 'tooLarge',
        detail: `size: expected at most 64 bytes, received ${JSON.stringify(big).length}`,
        body: utf8(JSON.stringify(big)),
      }),
    ]);
  });

  it('accepts a message of exactly the maximum size', () => {
    const body = JSON.stringify({ EventTime: new Date(arrival).toISOString(), K: 'x' });
    const padded = body.slice(0, -1) + ' '.repeat(64 - Buffer.byteLength(body)) + '}';
    expect(Buffer.byteLength(padded)).toBe(64);
    const [unit] = applyBatch(job, createPartitionProgress('0'), [at(0, padded)], arrival);
    expect(unit!.deadLetters).toEqual([]);
    expect(unit!.deltas.size).toBe(1);
  });

  it('dead-letters a contract violation on the clickstream input with the validator problems', () => {
    const clickJob = compileJob(defaultJob);
    const bad = {
      eventId: 'e1',
      eventType: 'teleport',
      eventTime: new Date(arrival).toISOString(),
      userId: 'u1',
    };
    const good = {
      eventId: 'e2',
      eventType: 'click',
      eventTime: new Date(arrival).toISOString(),
      userId: 'u1',
      productId: 'p1',
    };
    const badText = JSON.stringify(bad);
    const result = validateClickEvent(bad);
    expect(result.ok).toBe(false);
    const units2 = applyBatch(
      clickJob,
      createPartitionProgress('0'),
      [at(0, badText, 12), at(1, JSON.stringify(good), 13)],
      arrival,
    );
    expect(allDeadLetters(units2)).toEqual([
      {
        partitionId: '0',
        sequenceNumber: 0,
        enqueuedTimeMs: arrival,
        reason: 'contractViolation',
        detail: result.ok ? '' : result.problems.join('; '),
        body: utf8(badText),
        lineNumber: 12,
      },
    ]);
    expect(units2.at(-1)!.progress.counters.deadLettered).toEqual({ contractViolation: 1 });
    const groups = [...mergeUnitDeltas(clickJob, units2).values()].flatMap((g) => [...g.values()]);
    expect(groups.map((g) => g.keyValues)).toEqual([['u1', 'p1']]);
  });
});

describe('applyBatch: ordering counters', () => {
  // Late 5 s, out-of-order 2 s. Times in seconds after T: [event, arrival].
  const evs: TestEvent[] = [
    { key: 'a', timeMs: s(10), arrivalMs: s(10) }, // on time; watermark max(8, 5) = 8
    { key: 'b', timeMs: s(3), arrivalMs: s(14) }, // late: arrival - 5 = 9 >= 8, late-adjusted to 9
    { key: 'a', timeMs: s(20), arrivalMs: s(20) }, // on time; watermark 18
    { key: 'a', timeMs: s(17), arrivalMs: s(20) }, // not late (>= 15), before the watermark 18: out of order
    { key: 'a', timeMs: s(20 + 301), arrivalMs: s(20) }, // early
  ];
  const messages = [...messagesOf(evs), { sequenceNumber: 5, enqueuedTimeMs: s(20), body: 'not json' }];
  const next = messagesOf([{ key: 'b', timeMs: s(21), arrivalMs: s(21) }], 6)[0]!;

  it('counts late and out-of-order adjustments, early events, dead letters, duplicates and rows (Adjust)', () => {
    const job = tumbling10s(policy(5, 2, 'adjust'));
    const { units, progress } = applyBatches(job, [messages, [messages[4]!, messages[5]!, next]]);
    expect(progress.counters).toEqual({
      inputEvents: 7,
      duplicatesSkipped: 2,
      early: 1,
      lateAdjusted: 1,
      lateDropped: 0,
      outOfOrderAdjusted: 1,
      outOfOrderDropped: 0,
      deadLettered: { early: 1, notJson: 1 },
      rowsEmitted: { Pass: 3 },
    });
    // The adjusted times decide the windows: b at 9 -> (0, 10]; a at 18 -> (10, 20].
    const counts = summary(job, units).map((r) => {
      const [fine, key, acc] = r as [number, string, { partials: unknown[] }];
      return [fine - T, key, acc.partials[0]];
    });
    expect(counts).toEqual([
      [10_000, 'sa', 1],
      [10_000, 'sb', 1],
      [20_000, 'sa', 2],
      [30_000, 'sb', 1],
    ]);
    expect(allEventRows(units).map((r) => r.timestampMs - T)).toEqual([10_000, 20_000, 18_000]);
  });

  it('counts late and out-of-order drops, and drops them from the aggregates (Drop)', () => {
    const job = tumbling10s(policy(5, 2, 'drop'));
    const { units, progress } = applyBatches(job, [messages, [next]]);
    expect(progress.counters).toEqual({
      inputEvents: 7,
      duplicatesSkipped: 0,
      early: 1,
      lateAdjusted: 0,
      lateDropped: 1,
      outOfOrderAdjusted: 0,
      outOfOrderDropped: 1,
      deadLettered: { early: 1, notJson: 1 },
      rowsEmitted: { Pass: 2 },
    });
    const counts = summary(job, units).map((r) => {
      const [fine, key, acc] = r as [number, string, { partials: unknown[] }];
      return [fine - T, key, acc.partials[0]];
    });
    expect(counts).toEqual([
      [10_000, 'sa', 1],
      [20_000, 'sa', 1],
      [30_000, 'sb', 1],
    ]);
  });
});

describe('applyBatch: watermark', () => {
  it('is the max event time minus the out-of-order tolerance (late tolerance -1)', () => {
    const job = tumbling10s(policy(-1, 10, 'adjust'));
    const trail = progressTrail(
      job,
      messagesOf([
        { key: 'a', timeMs: s(100), arrivalMs: s(100) },
        { key: 'a', timeMs: s(130), arrivalMs: s(130) },
        { key: 'a', timeMs: s(121), arrivalMs: s(131) }, // within tolerance: not out of order
        { key: 'a', timeMs: s(119), arrivalMs: s(132) }, // before the watermark: adjusted to 120
        { key: 'a', timeMs: s(50), arrivalMs: s(5000) }, // late tolerance -1: never late
      ]),
    );
    expect(trail.map((p) => (p.watermarkMs! - T) / 1000)).toEqual([90, 120, 120, 120, 120]);
    expect(trail.map((p) => (p.maxEventTimeMs! - T) / 1000)).toEqual([100, 130, 130, 130, 130]);
    const c = trail.at(-1)!.counters;
    expect([c.lateAdjusted, c.outOfOrderAdjusted]).toEqual([0, 2]);
  });

  it('is null before the first event, and not moved by early, dropped or dead-lettered messages', () => {
    const job = tumbling10s(policy(5, 10, 'drop'));
    const all: InputMessage[] = [
      { sequenceNumber: 0, enqueuedTimeMs: s(99), body: 'oops' },
      ...messagesOf(
        [
          { key: 'a', timeMs: s(100), arrivalMs: s(100) },
          { key: 'a', timeMs: s(100 + 301), arrivalMs: s(100) }, // early
          { key: 'a', timeMs: s(80), arrivalMs: s(100) }, // late, dropped
        ],
        1,
      ),
    ];
    const trail = progressTrail(job, all);
    expect(trail[0]!.watermarkMs).toBe(null);
    expect(trail[0]!.maxEventTimeMs).toBe(null);
    expect(trail.slice(1).map((p) => (p.watermarkMs! - T) / 1000)).toEqual([95, 95, 95]);
    expect(trail.slice(1).map((p) => (p.maxEventTimeMs! - T) / 1000)).toEqual([100, 100, 100]);
  });

  it('with a late tolerance below the out-of-order tolerance, trails arrival by the late tolerance (effective tolerance min(late, out-of-order))', () => {
    const job = tumbling10s(policy(5, 60, 'adjust'));
    const [p] = progressTrail(job, messagesOf([{ key: 'a', timeMs: s(100), arrivalMs: s(100) }]));
    expect(p!.watermarkMs).toBe(s(95));
  });

  it('never decreases (property)', () => {
    const job = tumbling10s(policy(5, 3, 'adjust'));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -20_000, max: 20_000 }), fc.integer({ min: 0, max: 3_000 })), {
          minLength: 1,
          maxLength: 40,
        }),
        (steps) => {
          let arrival = s(100);
          const evs = steps.map(([skew, gap]) => {
            arrival += gap;
            return { key: 'a', timeMs: arrival + skew, arrivalMs: arrival };
          });
          const trail = progressTrail(job, messagesOf(evs));
          for (let i = 1; i < trail.length; i++) {
            expect(trail[i]!.watermarkMs!).toBeGreaterThanOrEqual(
              trail[i - 1]!.watermarkMs ?? Number.NEGATIVE_INFINITY,
            );
          }
        },
      ),
    );
  });

  it('without TIMESTAMP BY, is the latest arrival: no ordering policy applies and a stale arrival is clamped', () => {
    const definition: JobDefinition = groupedJob({
      window: { kind: 'tumbling', sizeInMs: 10_000 },
      policy: policy(5, 2, 'drop'),
    });
    const job = compileJob({ ...definition, inputs: [{ name: 'Input', contract: 'none' }] });
    const messages: InputMessage[] = [
      { sequenceNumber: 0, enqueuedTimeMs: s(100), body: JSON.stringify({ K: 'a' }) },
      { sequenceNumber: 1, enqueuedTimeMs: s(85), body: JSON.stringify({ K: 'a' }) },
      {
        sequenceNumber: 2,
        enqueuedTimeMs: s(101),
        body: JSON.stringify({ K: 'a', EventTime: 'not a time' }),
      },
    ];
    const trail = progressTrail(job, messages);
    expect(trail.map((p) => (p.watermarkMs! - T) / 1000)).toEqual([100, 100, 101]);
    const c = trail.at(-1)!.counters;
    expect([c.lateAdjusted, c.lateDropped, c.outOfOrderAdjusted, c.outOfOrderDropped, c.early]).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(c.deadLettered).toEqual({});
    const { units } = applyBatches(job, [messages]);
    const counts = summary(job, units).map((r) => {
      const [fine, , acc] = r as [number, string, { partials: unknown[] }];
      return [fine - T, acc.partials[0]];
    });
    // The stale arrival (85) is counted at 100, in the window (90, 100].
    expect(counts).toEqual([
      [100_000, 2],
      [110_000, 1],
    ]);
  });
});

describe('applyBatch: commit units', () => {
  const job = compileJob(
    groupedJob({
      window: { kind: 'tumbling', sizeInMs: 10_000 },
      moreStatements: [
        passThrough,
        {
          output: 'Hop',
          input: 'Input',
          groupBy: { keys: [e.field('K')], window: { kind: 'hopping', sizeInMs: 10_000, hopInMs: 2_000 } },
          select: [
            { alias: 'K', expr: e.field('K') },
            { alias: 'N', expr: e.countStar() },
            { alias: 'D', expr: e.agg('count', e.field('V'), true) },
          ],
        },
      ],
    }),
  );
  const rowsPerEvent = 1 + 5;
  const rowsOf = (u: CommitUnit): number => [...u.deltas.values()].reduce((n, d) => n + d.size, 0);

  it('cuts a batch into units within the row limit that together equal one big unit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            key: fc.constantFrom('a', 'b', 'c', 'd'),
            dt: fc.integer({ min: 0, max: 7_000 }),
            value: fc.integer({ min: 0, max: 20 }),
            bad: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        fc.integer({ min: rowsPerEvent, max: 40 }),
        fc.oneof(fc.constant(1e9), fc.integer({ min: 1, max: 3000 })),
        (raw, maxRows, maxChars) => {
          let t = s(0);
          const messages = raw.map((r, i): InputMessage => {
            t += r.dt;
            return r.bad && i % 5 === 0
              ? { sequenceNumber: i, enqueuedTimeMs: t, body: '{bad' }
              : messagesOf([{ key: r.key, timeMs: t, value: r.value }], i)[0]!;
          });
          const units = applyBatch(job, createPartitionProgress('0'), messages, t, {
            maxDeltaRowsPerUnit: maxRows,
            maxDeltaCharsPerUnit: maxChars,
          });
          const [big] = applyBatch(job, createPartitionProgress('0'), messages, t, {
            maxDeltaRowsPerUnit: 1e9,
            maxDeltaCharsPerUnit: 1e12,
          });

          for (const u of units) expect(rowsOf(u)).toBeLessThanOrEqual(maxRows);
          expect(units[0]!.firstSeq).toBe(0);
          expect(units.at(-1)!.lastSeq).toBe(messages.length - 1);
          units.forEach((u, i) => {
            expect(u.progress.lastSeq).toBe(u.lastSeq);
            if (i > 0) expect(u.firstSeq).toBe(units[i - 1]!.lastSeq + 1);
          });
          for (const index of [0, 2]) {
            expect(summary(job, units, index)).toEqual(summary(job, [big!], index));
          }
          expect(allEventRows(units)).toEqual(big!.eventRows);
          expect(allDeadLetters(units)).toEqual(big!.deadLetters);
          expect(units.at(-1)!.progress).toEqual(big!.progress);
          // Every delta sits in the storage bucket its layout names.
          for (const u of units) {
            for (const [index, deltas] of u.deltas) {
              const layout = statementLayout(job.statements[index]!);
              for (const [bucket, fines] of deltas)
                for (const fine of fines.keys()) expect(layout.storageBucketOf(fine)).toBe(bucket);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('closes a unit before an event that could overflow the row limit', () => {
    // Events 2 s apart touch 6 new rows each at first; a limit of 12 fits exactly two such events.
    const messages = messagesOf([0, 2, 4, 6].map((dt) => ({ key: 'a', timeMs: s(dt) + 1 })));
    const units = applyBatch(job, createPartitionProgress('0'), messages, s(10), {
      maxDeltaRowsPerUnit: 12,
      maxDeltaCharsPerUnit: 1e9,
    });
    expect(units.map((u) => [u.firstSeq, u.lastSeq])).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(units.map(rowsOf)).toEqual([7, 7]);
  });
});
