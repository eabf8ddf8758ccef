/**
 * Properties of the engine's whole pure path (applyBatch, merged deltas, finalizeWindows): results do not
 * depend on how events are ordered within the out-of-order tolerance, nor on how they are cut into
 * batches and spread over partitions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { CommitUnit, EmittedRow } from '../../../src/lib/engine/applyBatch';
import { compileJob, type CompiledJob } from '../../../src/lib/engine/compileJob';
import type { EventOrderingPolicy } from '../../../src/lib/engine/eventOrderingPolicy';
import type { InputMessage } from '../../../src/lib/engine/inputMessage';
import type { Bucket } from '../../../src/lib/engine/state/bucket';
import type { WindowSpec } from '../../../src/lib/engine/windows';
import {
  applyBatches,
  bucketSummary,
  finalizeAll,
  groupedJob,
  kindsOf,
  mergeUnitDeltas,
  messagesOf,
  type TestEvent,
} from '../../support/enginePurePath';

const T = Date.parse('2024-05-01T12:00:00.000Z');

const windowArb: fc.Arbitrary<WindowSpec> = fc.oneof(
  fc.constantFrom(1000, 2500, 10_000).map((sizeInMs): WindowSpec => ({ kind: 'tumbling', sizeInMs })),
  fc
    .constantFrom([10_000, 2500], [10_000, 3000], [7000, 2000])
    .map(([sizeInMs, hopInMs]): WindowSpec => ({ kind: 'hopping', sizeInMs: sizeInMs, hopInMs: hopInMs })),
  fc.constantFrom(1000, 5000).map((sizeInMs): WindowSpec => ({ kind: 'sliding', sizeInMs })),
  fc.constantFrom([1000, 5000], [3000, 12_000]).map(([timeoutInMs, maxDurationInMs]): WindowSpec => ({
    kind: 'session',
    timeoutInMs: timeoutInMs,
    maxDurationInMs: maxDurationInMs,
  })),
  fc.constant<WindowSpec>({ kind: 'snapshot' }),
);

/** Values of every kind the aggregates see: wide-range doubles (exact sums matter), integers, NULLs, strings. */
const valueArb = fc.oneof(
  fc.double({ min: -1e200, max: 1e200, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
  fc.integer({ min: -3, max: 3 }),
  fc.constant(null),
  fc.constantFrom('x', 'y'),
);

interface RawEvent {
  key: string;
  q: number;
  value: unknown;
  jitter: number;
}

const rawEventsArb = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c'),
    q: fc.integer({ min: 0, max: 240 }),
    value: valueArb,
    jitter: fc.double({ min: 0, max: 1, noNaN: true }),
  }),
  { maxLength: 40 },
);

/**
 * Arrival order for a tolerance: each event arrives at its time plus a delay of at most the tolerance,
 * in order of arrival. An event then is never more than the tolerance behind the running maximum event
 * time, so no event is out of order (every earlier arrival has time <= own time + tolerance).
 */
function arrivalOrder(raw: readonly RawEvent[], toleranceMs: number): TestEvent[] {
  return raw
    .map((r) => {
      const timeMs = T + r.q * 250;
      return { key: r.key, timeMs, value: r.value, arrivalMs: timeMs + Math.floor(r.jitter * toleranceMs) };
    })
    .sort((x, y) => x.arrivalMs - y.arrivalMs);
}

const adjust = (late: number, ooo: number): EventOrderingPolicy => ({
  lateArrivalToleranceInSeconds: late,
  outOfOrderToleranceInSeconds: ooo,
  action: 'adjust',
});

function rowsOf(job: CompiledJob, units: readonly CommitUnit[]): EmittedRow[] {
  return finalizeAll(job.statements[0]!, mergeUnitDeltas(job, units));
}

describe('the pure path: ordering within the out-of-order tolerance', () => {
  it('gives identical window rows for any arrival order within the tolerance (Adjust, late -1) (property)', () => {
    fc.assert(
      fc.property(windowArb, fc.integer({ min: 0, max: 5 }), rawEventsArb, (window, oooSeconds, raw) => {
        const job = compileJob(groupedJob({ window, policy: adjust(-1, oooSeconds) }));
        const shuffled = arrivalOrder(raw, oooSeconds * 1000);
        const sorted = [...shuffled]
          .sort((x, y) => x.timeMs - y.timeMs)
          .map((ev) => ({ ...ev, arrivalMs: ev.timeMs }));
        const a = applyBatches(job, [messagesOf(shuffled)]);
        const b = applyBatches(job, [messagesOf(sorted)]);
        // The generator's promise: nothing was reordered by adjustment.
        expect(a.progress.counters.outOfOrderAdjusted).toBe(0);
        expect(rowsOf(job, a.units)).toEqual(rowsOf(job, b.units));
      }),
      { numRuns: 300 },
    );
  });

  it('is not vacuous: an event beyond the tolerance is adjusted to the watermark, which changes the rows', () => {
    const job = compileJob(
      groupedJob({ window: { kind: 'tumbling', sizeInMs: 1000 }, policy: adjust(-1, 1) }),
    );
    const late: TestEvent[] = [
      { key: 'a', timeMs: T + 5000 },
      { key: 'a', timeMs: T + 2500 }, // 2.5 s behind the max, tolerance 1 s: adjusted to 4 s
    ];
    const inOrder = [late[1]!, late[0]!];
    const shuffledRows = rowsOf(job, applyBatches(job, [messagesOf(late)]).units);
    expect(shuffledRows.map((r) => r.timestampMs - T)).toEqual([4000, 5000]);
    expect(rowsOf(job, applyBatches(job, [messagesOf(inOrder)]).units).map((r) => r.timestampMs - T)).toEqual(
      [3000, 5000],
    );
  });
});

describe('the pure path: batches and partitions', () => {
  /** Splits messages into consecutive batches at `cuts`; each batch may start earlier (a redelivery). */
  function batchesOf(
    messages: readonly InputMessage[],
    cuts: readonly number[],
    overlaps: readonly number[],
  ): InputMessage[][] {
    const n = messages.length;
    if (n === 0) return [];
    const ends = [...new Set([...cuts.map((c) => (c % n) + 1), n])].sort((a, b) => a - b);
    let prevEnd = 0;
    return ends.map((end, i) => {
      const start = Math.max(0, prevEnd - ((overlaps[i] ?? 0) % 3));
      prevEnd = end;
      return messages.slice(start, end);
    });
  }

  it('merges partials over any partitions, batches, redeliveries and merge order to the one-pass result (property)', () => {
    fc.assert(
      fc.property(
        windowArb,
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 6 }),
        rawEventsArb,
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (window, oooSeconds, lateExtra, raw, partitionOf, cuts, overlaps, mergeOrder) => {
          // Late tolerance -1, or at least the out-of-order tolerance: then no event is late either.
          const late = lateExtra === 6 ? -1 : oooSeconds + lateExtra;
          const job = compileJob(groupedJob({ window, policy: adjust(late, oooSeconds) }));
          const events = arrivalOrder(raw, oooSeconds * 1000);
          const onePass = applyBatches(job, [messagesOf(events)]);

          const partitions = new Map<number, TestEvent[]>();
          events.forEach((ev, i) => {
            const p = partitionOf[i] ?? 0;
            partitions.set(p, [...(partitions.get(p) ?? []), ev]);
          });
          const units: CommitUnit[] = [];
          for (const [p, evs] of partitions) {
            const run = applyBatches(job, batchesOf(messagesOf(evs), cuts, overlaps), String(p));
            expect(run.progress.counters.inputEvents).toBe(evs.length);
            expect(run.progress.counters.outOfOrderAdjusted + run.progress.counters.lateAdjusted).toBe(0);
            units.push(...run.units);
          }
          // Merge the units' deltas in a random order.
          const order = units
            .map((u, i) => ({ u, k: mergeOrder[i] ?? i }))
            .sort((x, y) => x.k - y.k)
            .map((x) => x.u);
          const merged: Bucket = mergeUnitDeltas(job, order);
          const kinds = kindsOf(job.statements[0]!);
          expect(bucketSummary(merged, kinds)).toEqual(
            bucketSummary(mergeUnitDeltas(job, onePass.units), kinds),
          );
          expect(finalizeAll(job.statements[0]!, merged)).toEqual(rowsOf(job, onePass.units));
        },
      ),
      { numRuns: 300 },
    );
  });
});
