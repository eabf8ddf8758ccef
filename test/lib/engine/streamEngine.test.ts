import type { ContainerClient } from '@azure/storage-blob';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { blobArchiveSink } from '../../../src/lib/adapters/blobs/blobArchiveSink';
import { blobDeadLetterStore } from '../../../src/lib/adapters/blobs/blobDeadLetterStore';
import { archiveFolder, compactUtc } from '../../../src/lib/adapters/blobs/blobPaths';
import { encodeKeyComponent } from '../../../src/lib/adapters/tables/encodeKeyComponent';
import { TableStateStore } from '../../../src/lib/adapters/tables/tableStateStore';
import { createClickstreamSimulator } from '../../../src/lib/clickstream/simulator';
import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';
import type { ApplyLimits, EmittedRow } from '../../../src/lib/engine/applyBatch';
import { compileJob, type CompiledJob } from '../../../src/lib/engine/compileJob';
import type { InputMessage } from '../../../src/lib/engine/inputMessage';
import { defaultJob } from '../../../src/lib/engine/job';
import { StreamEngine, endOfTimeMs } from '../../../src/lib/engine/streamEngine';
import type { DeadLetterStore } from '../../../src/lib/ports/deadLetterStore';
import { fanOutSink, type OutputSink } from '../../../src/lib/ports/outputSink';
import type { StateStore } from '../../../src/lib/ports/stateStore';
import { partitionOf } from '../../../src/lib/replay/partitionOf';
import {
  HookedStore,
  ManualClock,
  SimulatedCrash,
  canonicalRows,
  collectingSink,
  countJob,
  countKeyColumns,
  createContainer,
  createStateTable,
  distinctRows,
  freshStore,
  listDeltaEntities,
  listEntities,
  memoryDeadLetters,
  referenceTumblingCounts,
  toMessages,
  type TestEvent,
} from '../../support/engineHarness';

/** A multiple of every window size used here. */
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);
const s = (seconds: number): number => T0 + seconds * 1000;
const defaultKeyColumns = ['UserId', 'ProductId'] as const;

interface EngineSetup {
  readonly job: CompiledJob;
  readonly store: StateStore;
  readonly clock: ManualClock;
  readonly partitionIds?: readonly string[];
  readonly sink?: OutputSink;
  readonly deadLetters?: DeadLetterStore;
  readonly idleThresholdInMs?: number;
  readonly applyLimits?: ApplyLimits;
}

function makeEngine(setup: EngineSetup): StreamEngine {
  return new StreamEngine({
    job: setup.job,
    store: setup.store,
    sink: setup.sink ?? collectingSink(),
    deadLetters: setup.deadLetters ?? memoryDeadLetters(),
    clock: setup.clock,
    partitionIds: setup.partitionIds ?? ['0'],
    ...(setup.idleThresholdInMs === undefined ? {} : { idleThresholdInMs: setup.idleThresholdInMs }),
    ...(setup.applyLimits === undefined ? {} : { applyLimits: setup.applyLimits }),
  });
}

type Feed = readonly (readonly [partitionId: string, messages: readonly InputMessage[]])[];

/**
 * One clean run: a fresh table, every batch applied once in the given order, then flush. The clock moves
 * 2 s per batch so that other partitions' watermarks are re-read as in production.
 */
async function cleanRun(
  job: CompiledJob,
  feed: Feed,
  partitionIds: readonly string[] = ['0'],
  applyLimits?: ApplyLimits,
): Promise<EmittedRow[]> {
  return (await cleanRunWithCommits(job, feed, partitionIds, applyLimits)).rows;
}

/** {@link cleanRun}, also counting the store commits. */
async function cleanRunWithCommits(
  job: CompiledJob,
  feed: Feed,
  partitionIds: readonly string[] = ['0'],
  applyLimits?: ApplyLimits,
): Promise<{ rows: EmittedRow[]; commits: number }> {
  const { store: inner } = await freshStore();
  const store = new HookedStore(inner);
  const sink = collectingSink();
  const clock = new ManualClock(s(3600));
  const engine = makeEngine({
    job,
    store,
    clock,
    partitionIds,
    sink,
    ...(applyLimits ? { applyLimits } : {}),
  });
  for (const [p, batch] of feed) {
    clock.advance(2000);
    await engine.processBatch(p, batch);
  }
  await engine.flush();
  return { rows: sink.windowRows, commits: store.commits.length };
}

/** In-order events over [fromSec, toSec) every `stepMs`, cycling through users and products. */
function steadyEvents(
  fromSec: number,
  toSec: number,
  stepMs: number,
  users: readonly string[] = ['u1', 'u2', 'u3'],
  products: readonly (string | null)[] = ['a', 'b'],
): TestEvent[] {
  const out: TestEvent[] = [];
  let i = 0;
  for (let t = s(fromSec) + stepMs / 2; t < s(toSec); t += stepMs, i++) {
    out.push({
      user: users[i % users.length]!,
      product: products[(i >> 1) % products.length]!,
      timeMs: t,
      value: i % 7,
    });
  }
  return out;
}

/** Simulated clickstream messages split over `partitions` by userId, each with its own sequence numbers. */
function simulatedPartitions(
  seed: number,
  count: number,
  partitions: number,
  malformedFraction = 0,
): InputMessage[][] {
  const sim = createClickstreamSimulator({
    seed,
    users: 12,
    products: 6,
    startTimeInMs: s(0),
    eventsPerSecond: 6,
    malformedFraction,
  });
  const out: InputMessage[][] = Array.from({ length: partitions }, () => []);
  for (const m of sim.take(count)) {
    const p = out[partitionOf(m.partitionKey, partitions)]!;
    p.push({ sequenceNumber: p.length, enqueuedTimeMs: m.enqueuedTimeInMs, body: m.body });
  }
  return out;
}

/** Asserts that every identity was written identically, and that the distinct rows equal `expected`. */
function expectSameRowsAllowingIdenticalRepeats(
  written: readonly EmittedRow[],
  expected: readonly EmittedRow[],
  keyColumns: readonly string[],
): void {
  const { distinct, differing } = distinctRows(written, keyColumns);
  expect(differing).toEqual([]);
  expect(canonicalRows(distinct)).toEqual(canonicalRows(expected));
}

describe('StreamEngine exactly-once on Table Storage', () => {
  it('leaves every aggregate unchanged when a batch is applied twice', async () => {
    const job = compileJob(countJob());
    const messages = toMessages(steadyEvents(0, 45, 750));
    const { store } = await freshStore();
    const sink = collectingSink();
    const clock = new ManualClock(s(100));
    const engine = makeEngine({ job, store, clock, sink });
    const first = await engine.processBatch('0', messages);
    expect(first.duplicatesSkipped).toBe(0);
    const second = await engine.processBatch('0', messages);
    expect(second.duplicatesSkipped).toBe(messages.length);
    await engine.flush();

    const once = await cleanRun(job, [['0', messages]]);
    expect(canonicalRows(once)).toEqual(
      canonicalRows(referenceTumblingCounts(steadyEvents(0, 45, 750), 10_000)),
    );
    expect(canonicalRows(sink.windowRows)).toEqual(canonicalRows(once));
    const health = await engine.health();
    expect(health.totals.inputEvents).toBe(messages.length);
    expect(health.totals.rowsEmitted['Counts']).toBe(once.length);
  });

  it('counts the messages of a fully redelivered batch in health().totals.duplicatesSkipped', async () => {
    const job = compileJob(countJob());
    const messages = toMessages(steadyEvents(0, 45, 750));
    const { store } = await freshStore();
    const engine = makeEngine({ job, store, clock: new ManualClock(s(100)) });
    await engine.processBatch('0', messages);
    const again = await engine.processBatch('0', messages);
    expect(again.duplicatesSkipped).toBe(messages.length);
    // A later batch with new messages does not change what the redelivery should have counted.
    await engine.processBatch('0', toMessages(steadyEvents(45, 50, 750), messages.length));
    const health = await engine.health();
    expect(health.totals.duplicatesSkipped).toBe(messages.length);
    expect(health.partitions[0]!.progress!.counters.duplicatesSkipped).toBe(messages.length);
  });

  it('counts each message once when a redelivery overlaps with different boundaries (0..99 then 50..149)', async () => {
    const job = compileJob(countJob());
    const events = steadyEvents(0, 75, 500);
    expect(events).toHaveLength(150);
    const messages = toMessages(events);
    const { store } = await freshStore();
    const sink = collectingSink();
    const engine = makeEngine({ job, store, clock: new ManualClock(s(100)), sink });
    await engine.processBatch('0', messages.slice(0, 100));
    const overlap = await engine.processBatch('0', messages.slice(50, 150));
    expect(overlap.duplicatesSkipped).toBe(50);
    await engine.flush();
    expect(canonicalRows(sink.windowRows)).toEqual(canonicalRows(referenceTumblingCounts(events, 10_000)));
    const health = await engine.health();
    expect(health.totals.inputEvents).toBe(150);
    expect(health.totals.duplicatesSkipped).toBe(50);
    expect(health.partitions[0]!.progress!.lastSeq).toBe(149);
  });

  it('resumes after a crash between the state write and the checkpoint: a new instance gets the batch again plus more', async () => {
    const job = compileJob(defaultJob);
    const [p0, p1] = simulatedPartitions(7, 400, 2) as [InputMessage[], InputMessage[]];
    const cut0 = Math.floor(p0.length / 2);
    const cut1 = Math.floor(p1.length / 2);
    const ids = ['0', '1'];
    const expected = await cleanRun(
      job,
      [
        ['0', p0],
        ['1', p1],
      ],
      ids,
    );
    expect(expected.length).toBeGreaterThan(20);

    const { store } = await freshStore();
    const sink = collectingSink();
    const clock = new ManualClock(s(3600));
    const crashed = makeEngine({ job, store, clock, partitionIds: ids, sink });
    await crashed.processBatch('0', p0.slice(0, cut0));
    await crashed.processBatch('1', p1.slice(0, cut1));
    // The host never checkpointed: a new instance (empty caches) gets everything from the start.
    const resumed = makeEngine({ job, store, clock, partitionIds: ids, sink });
    clock.advance(2000);
    const again0 = await resumed.processBatch('0', p0);
    clock.advance(2000);
    const again1 = await resumed.processBatch('1', p1);
    expect(again0.duplicatesSkipped).toBe(cut0);
    expect(again1.duplicatesSkipped).toBe(cut1);
    await resumed.flush();
    expect(canonicalRows(sink.windowRows)).toEqual(canonicalRows(expected));
    const health = await resumed.health();
    expect(health.totals.inputEvents).toBe(p0.length + p1.length);
    expect(health.totals.rowsEmitted['PowerBIOutput']).toBe(expected.length);
  });

  describe('a crash between the sink write and the finalizer commit', () => {
    const variants = [
      {
        when: 'before the commit reaches the store',
        afterCommit: false,
        viaFinalizeNow: false,
        repeats: true,
      },
      {
        when: 'after the commit, before the engine learns of it',
        afterCommit: true,
        viaFinalizeNow: false,
        repeats: false,
      },
      { when: 'in finalizeNow, before the commit', afterCommit: false, viaFinalizeNow: true, repeats: true },
    ] as const;

    it.each(variants)('loses no window row and repeats rows identically ($when)', async (variant) => {
      const job = compileJob(defaultJob);
      const [messages] = simulatedPartitions(11, 360, 1) as [InputMessage[]];
      const b0 = messages.slice(0, 120);
      const b1 = messages.slice(120, 240);
      const b2 = messages.slice(240);
      const expected = await cleanRun(job, [
        ['0', b0],
        ['0', b1],
        ['0', b2],
      ]);

      const { store: inner } = await freshStore();
      let armed = !variant.viaFinalizeNow;
      const crashOnFinalizer = (ops: readonly { kind: string }[]): void => {
        if (armed && ops.some((op) => op.kind === 'putFinalizer')) {
          armed = false;
          throw new SimulatedCrash('process died around the finalizer commit');
        }
      };
      const store = new HookedStore(
        inner,
        variant.afterCommit ? { afterCommit: crashOnFinalizer } : { beforeCommit: crashOnFinalizer },
      );
      const sink = collectingSink();
      const clock = new ManualClock(s(3600));
      const first = makeEngine({ job, store, clock, sink });
      await first.processBatch('0', b0);
      if (variant.viaFinalizeNow) {
        await first.processBatch('0', b1);
        expect(sink.windowRows.length).toBeGreaterThan(0);
        // processBatch of b1 committed a finalization already; arm for finalizeNow's own commit.
        const before = sink.windowRows.length;
        armed = true;
        await expect(first.finalizeNow()).rejects.toBeInstanceOf(SimulatedCrash);
        expect(sink.windowRows.length).toBeGreaterThan(before);
      } else {
        await expect(first.processBatch('0', b1)).rejects.toBeInstanceOf(SimulatedCrash);
      }
      expect(armed).toBe(false);
      expect(sink.windowRows.length).toBeGreaterThan(0);

      const second = makeEngine({ job, store, clock, sink });
      if (variant.viaFinalizeNow) await second.finalizeNow();
      else await second.processBatch('0', b1);
      await second.processBatch('0', b2);
      await second.flush();
      expectSameRowsAllowingIdenticalRepeats(sink.windowRows, expected, defaultKeyColumns);
      // Rows written before an uncommitted finalization are written again; committed ones are not.
      if (variant.repeats) expect(sink.windowRows.length).toBeGreaterThan(expected.length);
      else expect(sink.windowRows.length).toBe(expected.length);
      const health = await second.health();
      expect(health.totals.inputEvents).toBe(messages.length);
      expect(health.totals.rowsEmitted['PowerBIOutput']).toBe(expected.length);
    });
  });

  it('resolves ETag conflicts between two instances owning one partition (rebalance)', async () => {
    const job = compileJob(countJob());
    const events = steadyEvents(0, 100, 500);
    const m = toMessages(events);
    const { store: inner } = await freshStore();
    const store = new HookedStore(inner);
    const clock = new ManualClock(s(3600));
    const sinkA = collectingSink();
    const sinkB = collectingSink();
    const a = makeEngine({ job, store, clock, sink: sinkA });
    const b = makeEngine({ job, store, clock, sink: sinkB });
    const plan: [StreamEngine, number, number][] = [
      [a, 0, 40],
      [b, 0, 60],
      [a, 30, 90],
      [b, 60, 120],
      [a, 100, 150],
      [a, 150, 160],
      [b, 140, 170],
      [a, 120, 200],
      [b, 0, 200],
    ];
    for (const [engine, from, to] of plan) {
      clock.advance(300);
      await engine.processBatch('0', m.slice(from, to));
    }
    await a.finalizeNow();
    await b.flush();
    // The instances did collide, and the conflicts were resolved by retrying.
    expect(store.conflicts.length).toBeGreaterThanOrEqual(3);
    const all = [...sinkA.windowRows, ...sinkB.windowRows];
    expectSameRowsAllowingIdenticalRepeats(all, referenceTumblingCounts(events, 10_000), countKeyColumns);
    const health = await b.health();
    expect(health.totals.inputEvents).toBe(200);
    expect(health.partitions[0]!.progress!.lastSeq).toBe(199);
    expect(health.totals.rowsEmitted['Counts']).toBe(distinctRows(all, countKeyColumns).distinct.length);
  });

  it('writes only identical repeats when a stale owner finalizes after the new owner deleted deltas (two partitions)', async () => {
    // Same users and products in both partitions, so that a window row merges both partitions' counts.
    const job = compileJob(countJob());
    const e0 = steadyEvents(0, 75, 1000, ['u1', 'u2'], ['a']);
    const e1 = steadyEvents(0, 75, 1000, ['u1', 'u2'], ['a']);
    const m0 = toMessages(e0);
    const m1 = toMessages(e1);
    const ids = ['0', '1'];
    const { store, table } = await freshStore();
    // Each call takes 100 ms: the whole hand-over happens within the 1 s watermark poll interval.
    const clock = new ManualClock(s(3600));
    const sinkA = collectingSink();
    const sinkB = collectingSink();
    const a = makeEngine({ job, store, clock, partitionIds: ids, sink: sinkA });
    const b = makeEngine({ job, store, clock, partitionIds: ids, sink: sinkB });
    const run = async (engine: StreamEngine, p: string, batch: readonly InputMessage[]): Promise<void> => {
      clock.advance(100);
      await engine.processBatch(p, batch);
    };
    await run(a, '1', m1.slice(0, 45));
    await run(a, '0', m0.slice(0, 25));
    await run(a, '0', m0.slice(25, 35)); // A emits windows 10 s and 20 s
    await run(b, '0', m0.slice(35, 55)); // B takes partition 0 over, emits window 30 s
    await run(b, '0', m0.slice(55, 65)); // B emits window 40 s and deletes partition 0's deltas of 30 s
    // The scenario's point: window 30 s is now half gone from the store (partition 1's delta remains).
    const window30 = (await listDeltaEntities(table)).filter((d) => Number(d['bucketMs']) === s(30));
    expect(window30.map((d) => d['partitionId'])).toEqual(['1']);
    await run(a, '0', m0.slice(25, 35)); // A still gets a (redelivered) batch of partition 0
    await run(b, '1', m1.slice(45));
    await run(b, '0', m0.slice(65));
    await b.flush();
    const expected = referenceTumblingCounts([...e0, ...e1], 10_000);
    expectSameRowsAllowingIdenticalRepeats(
      [...sinkB.windowRows, ...sinkA.windowRows],
      expected,
      countKeyColumns,
    );
  });

  it('handles concurrent calls for different partitions in one process, with finalizeNow racing them', async () => {
    const job = compileJob(countJob());
    const ids = ['0', '1', '2'];
    const events = ids.map(() => steadyEvents(0, 90, 300, ['u1', 'u2'], ['a', 'b']));
    const messages = events.map((e) => toMessages(e));
    const { store: inner } = await freshStore();
    const store = new HookedStore(inner);
    const sink = collectingSink();
    const clock = new ManualClock(s(3600));
    const engine = makeEngine({ job, store, clock, partitionIds: ids, sink });
    for (let i = 0; i < 300; i += 25) {
      clock.advance(1200);
      // Each partition also gets part of its previous batch again (a redelivery).
      await Promise.all([
        ...ids.map((p, k) => engine.processBatch(p, messages[k]!.slice(Math.max(0, i - 5 * k), i + 25))),
        engine.finalizeNow(),
        engine.advanceIdlePartitions(),
      ]);
    }
    await engine.flush();
    expectSameRowsAllowingIdenticalRepeats(
      sink.windowRows,
      referenceTumblingCounts(events.flat(), 10_000),
      countKeyColumns,
    );
    const health = await engine.health();
    expect(health.totals.inputEvents).toBe(900);
    expect(health.partitions.map((p) => p.progress?.lastSeq)).toEqual([299, 299, 299]);
  });

  it('emits a window only when the watermarks of both partitions have passed its end, merging their counts', async () => {
    const job = compileJob(countJob());
    const users = ['u1', 'u2'];
    const e0 = steadyEvents(0, 50, 1000, users, ['a']);
    const e1 = steadyEvents(0, 60, 1000, users, ['a']);
    const m1 = toMessages(e1);
    const { store } = await freshStore();
    const sink = collectingSink();
    const clock = new ManualClock(s(3600));
    const engine = makeEngine({ job, store, clock, partitionIds: ['0', '1'], sink });
    const emittedEnds = (): number[] =>
      [...new Set(sink.windowRows.map((r) => r.timestampMs))].sort((x, y) => x - y);

    await engine.processBatch('0', toMessages(e0));
    expect(await engine.finalizeNow()).toBe(0);
    expect(sink.windowRows).toEqual([]);

    await engine.processBatch('1', m1.slice(0, 14)); // partition 1 watermark 13.5 s
    await engine.finalizeNow();
    expect(emittedEnds()).toEqual([s(10)]);
    // Window 10 s merges both partitions: u1 has 5 events in each (values 0, 2, 4, 6, 1), u2 too
    // (values 1, 3, 5, 0, 2).
    expect(sink.windowRows.map((r) => r.row)).toEqual([
      { WindowEnd: new Date(s(10)).toISOString(), User: 'u1', Product: 'a', Clicks: 10, Total: 26 },
      { WindowEnd: new Date(s(10)).toISOString(), User: 'u2', Product: 'a', Clicks: 10, Total: 22 },
    ]);

    await engine.processBatch('1', m1.slice(14, 20)); // 19.5 s: window 20 s still open in partition 1
    await engine.finalizeNow();
    expect(emittedEnds()).toEqual([s(10)]);

    await engine.processBatch('1', m1.slice(20, 27)); // 26.5 s
    await engine.finalizeNow();
    expect(emittedEnds()).toEqual([s(10), s(20)]);

    await engine.processBatch('1', m1.slice(27)); // 59.5 s; partition 0 is at 49.5 s
    await engine.finalizeNow();
    expect(emittedEnds()).toEqual([s(10), s(20), s(30), s(40)]);
    expect((await engine.health()).finalizedThroughMs).toBe(s(49.5));

    await engine.flush();
    expect(canonicalRows(sink.windowRows)).toEqual(
      canonicalRows(referenceTumblingCounts([...e0, ...e1], 10_000)),
    );
  });

  it('advances an idle partition only after the idle threshold, to last arrival + elapsed - late tolerance', async () => {
    const job = compileJob(countJob({ lateArrivalToleranceInSeconds: 5 }));
    const quiet = steadyEvents(0, 3, 1000, ['u1'], ['a']); // last event 2.5 s, arrival 2.6 s
    const busy = steadyEvents(0, 41, 1000, ['u1'], ['a']); // up to 40.5 s
    const { store } = await freshStore();
    const sink = collectingSink();
    const c0 = s(1000);
    const clock = new ManualClock(c0);
    const engine = makeEngine({
      job,
      store,
      clock,
      partitionIds: ['q', 'b'],
      sink,
      idleThresholdInMs: 20_000,
    });
    await engine.processBatch('q', toMessages(quiet));
    await engine.processBatch('b', toMessages(busy));
    const ends = (): number[] =>
      [...new Set(sink.windowRows.map((r) => r.timestampMs))].sort((x, y) => x - y);
    const quietWatermark = async (): Promise<number | null | undefined> =>
      (await engine.health()).partitions.find((p) => p.partitionId === 'q')!.progress?.watermarkMs;
    expect(await quietWatermark()).toBe(s(2.5));

    clock.set(c0 + 15_000); // the estimate (12.6 s) would close window 10 s, but 15 s < the 20 s threshold
    expect(await engine.advanceIdlePartitions()).toBe(0);
    expect(await quietWatermark()).toBe(s(2.5));
    expect(ends()).toEqual([]);

    clock.set(c0 + 20_000); // idle: 2.6 s + 20 s - 5 s = 17.6 s
    const rowsAt20 = await engine.advanceIdlePartitions();
    expect(await quietWatermark()).toBe(s(17.6));
    expect(ends()).toEqual([s(10)]);
    expect(rowsAt20).toBe(sink.windowRows.length);

    clock.set(c0 + 32_400); // 30.0 s: window 30 s includes its end, so it is still open
    await engine.advanceIdlePartitions();
    expect(await quietWatermark()).toBe(s(30));
    expect(ends()).toEqual([s(10), s(20)]);

    clock.set(c0 + 32_401);
    await engine.advanceIdlePartitions();
    expect(ends()).toEqual([s(10), s(20), s(30)]);

    await engine.flush();
    expect(canonicalRows(sink.windowRows)).toEqual(
      canonicalRows(referenceTumblingCounts([...quiet, ...busy], 10_000)),
    );
  });

  it('holds windows back while a partition never delivered, until advanceIdlePartitions gives it a watermark', async () => {
    const job = compileJob(countJob({ lateArrivalToleranceInSeconds: 5 }));
    const early = steadyEvents(0, 40, 1000);
    const { store } = await freshStore();
    const sink = collectingSink();
    const clock = new ManualClock(s(26));
    const engine = makeEngine({ job, store, clock, partitionIds: ['0', 'silent'], sink });
    await engine.processBatch('0', toMessages(early));
    clock.advance(2000);
    await engine.processBatch('0', []);
    expect(await engine.finalizeNow()).toBe(0);
    expect(sink.windowRows).toEqual([]);
    expect((await engine.health()).partitions[1]!.progress).toBeUndefined();

    clock.set(s(27)); // partition 0 is not idle (1 s < 5 s); 'silent' gets 27 s - 5 s = 22 s
    await engine.advanceIdlePartitions();
    const silent = (await engine.health()).partitions[1]!.progress!;
    expect(silent.watermarkMs).toBe(s(22));
    expect([...new Set(sink.windowRows.map((r) => r.timestampMs))].sort()).toEqual([s(10), s(20)]);

    // Events the silent partition delivers later still count in windows that are open.
    const late = [{ user: 'u9', product: 'z', timeMs: s(28), value: 3 }];
    await engine.processBatch('silent', toMessages(late, 0, 500));
    await engine.flush();
    expect(canonicalRows(sink.windowRows)).toEqual(
      canonicalRows(referenceTumblingCounts([...early, ...late], 10_000)),
    );
  });

  it('holds windows back forever for a partition that never delivered when late tolerance is -1 (until flush)', async () => {
    const job = compileJob(countJob({ lateArrivalToleranceInSeconds: -1 }));
    const events = steadyEvents(0, 40, 1000);
    const { store } = await freshStore();
    const sink = collectingSink();
    const clock = new ManualClock(s(50));
    const engine = makeEngine({ job, store, clock, partitionIds: ['0', 'silent'], sink });
    await engine.processBatch('0', toMessages(events));
    clock.advance(3_600_000);
    expect(await engine.advanceIdlePartitions()).toBe(0);
    expect(sink.windowRows).toEqual([]);
    await engine.flush();
    expect(canonicalRows(sink.windowRows)).toEqual(canonicalRows(referenceTumblingCounts(events, 10_000)));
  });

  describe('commit units', () => {
    /**
     * Out-of-order events, 400 ms apart on average, over `count` x 0.4 s of one-second windows; no event
     * is re-timestamped (late tolerance -1, out-of-order tolerance 60 s, disorder below 40 s).
     */
    function scatteredEvents(count: number, seed: number): TestEvent[] {
      let x = seed;
      const next = (n: number): number => {
        x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
        return x % n;
      };
      const out: TestEvent[] = [];
      for (let i = 0; i < count; i++) {
        const t = s(40) + i * 400 - next(40_000);
        out.push({ user: `u${next(3)}`, product: `p${next(2)}`, timeMs: t, value: next(9) });
      }
      return out;
    }

    it('commits many small units (3 delta rows each) and produces the same rows', async () => {
      const job = compileJob(
        countJob({
          window: { kind: 'tumbling', sizeInMs: 1000 },
          lateArrivalToleranceInSeconds: -1,
          outOfOrderToleranceInSeconds: 60,
        }),
      );
      const e0 = scatteredEvents(300, 1);
      const e1 = scatteredEvents(200, 2);
      const m0 = toMessages(e0);
      const m1 = toMessages(e1);
      const ids = ['0', '1'];
      const limits: ApplyLimits = { maxDeltaRowsPerUnit: 3, maxDeltaCharsPerUnit: 400_000 };
      const { store: inner, table } = await freshStore();
      const store = new HookedStore(inner);
      const sink = collectingSink();
      const clock = new ManualClock(s(3600));
      const engine = makeEngine({ job, store, clock, partitionIds: ids, sink, applyLimits: limits });
      /** A unit holds at most 3 windows, so a batch needs at least ceil(windows / 3) commits. */
      const minCommits = (batch: readonly InputMessage[]): number =>
        Math.ceil(
          new Set(
            batch.map((m) =>
              Math.ceil(Date.parse((JSON.parse(m.body as string) as { ts: string }).ts) / 1000),
            ),
          ).size / 3,
        );
      for (let i = 0; i < 5; i++) {
        for (const [p, batch] of [
          ['0', m0.slice(i * 60, i * 60 + 60)],
          ['1', m1.slice(i * 40, i * 40 + 40)],
        ] as const) {
          clock.advance(2000);
          const summary = await engine.processBatch(p, batch);
          expect(summary.commits).toBeGreaterThanOrEqual(minCommits(batch));
          expect(minCommits(batch)).toBeGreaterThan(5);
        }
      }
      for (const ops of store.commits) {
        expect(ops.length).toBeLessThanOrEqual(100);
        expect(ops.filter((op) => op.kind === 'createDelta').length).toBeLessThanOrEqual(3);
      }
      expect(store.commits.some((ops) => ops.some((op) => op.kind === 'deleteDelta'))).toBe(true);
      await engine.flush();
      const reference = referenceTumblingCounts([...e0, ...e1], 1000);
      expect(canonicalRows(sink.windowRows)).toEqual(canonicalRows(reference));
      const totals = (await engine.health()).totals;
      expect(totals.outOfOrderAdjusted + totals.lateAdjusted).toBe(0);
      expect(await listDeltaEntities(table)).toEqual([]);
    });

    it('splits units by delta size too, and handles an event that touches more buckets than the limit', async () => {
      const job = compileJob(
        countJob({
          window: { kind: 'tumbling', sizeInMs: 1000 },
          lateArrivalToleranceInSeconds: -1,
          outOfOrderToleranceInSeconds: 60,
          withHopping: { sizeInMs: 3000, hopInMs: 1000 },
        }),
      );
      const events = scatteredEvents(150, 3);
      const m = toMessages(events);
      const feed: Feed = [
        ['0', m.slice(0, 70)],
        ['0', m.slice(70)],
      ];
      const { rows: expected, commits: defaultCommits } = await cleanRunWithCommits(job, feed);
      for (const limits of [
        { maxDeltaRowsPerUnit: 3, maxDeltaCharsPerUnit: 400_000 },
        { maxDeltaRowsPerUnit: 80, maxDeltaCharsPerUnit: 150 },
      ]) {
        const limited = await cleanRunWithCommits(job, feed, ['0'], limits);
        expect(canonicalRows(limited.rows)).toEqual(canonicalRows(expected));
        // One event per unit at most: 150 events need at least 150 commits.
        expect(limited.commits).toBeGreaterThanOrEqual(150);
      }
      expect(defaultCommits).toBeLessThan(20);
      // Check the hopping output against a direct computation: windows (end - 3 s, end] every second.
      const hopping = new Map<string, number>();
      for (const ev of events) {
        for (let end = Math.ceil(ev.timeMs / 1000) * 1000; end < ev.timeMs + 3000; end += 1000) {
          const k = JSON.stringify([end, ev.user, ev.product]);
          hopping.set(k, (hopping.get(k) ?? 0) + 1);
        }
      }
      const got = new Map(
        expected
          .filter((r) => r.output === 'Hopping')
          .map((r) => [
            JSON.stringify([r.timestampMs, r.row['User'], r.row['Product']]),
            r.row['Clicks'] as number,
          ]),
      );
      expect(got).toEqual(hopping);
    });
  });

  it('dead-letters bad messages to blobs (one per partition and sequence), counts them, and does not throw', async () => {
    const job = compileJob(defaultJob);
    const parts = simulatedPartitions(5, 300, 2, 0.25);
    const container = await createContainer('dead');
    const { store } = await freshStore();
    const clock = new ManualClock(s(3600));
    const sink = collectingSink();
    const ids = ['0', 'p/1'];
    const engine = makeEngine({
      job,
      store,
      clock,
      partitionIds: ids,
      sink,
      deadLetters: blobDeadLetterStore({ container }),
    });
    // Extra bad messages: too large, not UTF-8, already-parsed non-object.
    const extra: InputMessage[] = [
      { sequenceNumber: 1000, enqueuedTimeMs: s(60), body: '{"x":"' + 'y'.repeat(1024 * 1024) + '"}' },
      { sequenceNumber: 1001, enqueuedTimeMs: s(60), body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
      { sequenceNumber: 1002, enqueuedTimeMs: s(60), body: [1, 2, 3] },
    ];
    const batches: [string, InputMessage[]][] = [
      ['0', parts[0]!],
      ['p/1', [...parts[1]!, ...extra]],
    ];
    const expectedReason = (m: InputMessage): string | undefined => {
      if (m.sequenceNumber === 1000) return 'tooLarge';
      if (m.sequenceNumber === 1001) return 'notJson';
      if (m.sequenceNumber === 1002) return 'notAnObject';
      const text = m.body as string;
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return 'notJson';
      }
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'notAnObject';
      return validateClickEvent(v).ok ? undefined : 'contractViolation';
    };
    const summaries = [];
    for (const [p, batch] of batches) summaries.push(await engine.processBatch(p, batch));
    // Redelivery writes nothing new and counts nothing twice.
    for (const [p, batch] of batches) await engine.processBatch(p, batch);

    const blobs = new Map<string, Record<string, unknown>>();
    for await (const b of container.listBlobsFlat()) {
      blobs.set(
        b.name,
        JSON.parse((await container.getBlobClient(b.name).downloadToBuffer()).toString('utf8')) as Record<
          string,
          unknown
        >,
      );
    }
    const health = await engine.health();
    const deadCount = Object.values(health.totals.deadLettered).reduce((x, y) => x + y, 0);
    expect(deadCount).toBe(blobs.size);
    expect(summaries.reduce((n, x) => n + x.deadLettered, 0)).toBe(blobs.size);
    expect(blobs.size).toBeGreaterThan(40);
    expect(health.totals.inputEvents).toBe(parts[0]!.length + parts[1]!.length + extra.length);

    const byReason: Record<string, number> = {};
    for (const [p, batch] of batches) {
      for (const m of batch) {
        const name = `${encodeKeyComponent(p)}/${String(m.sequenceNumber).padStart(20, '0')}.json`;
        const doc = blobs.get(name);
        // A blob exactly for each bad message, with the reason it is bad.
        const reason = expectedReason(m);
        expect(doc?.['reason']).toBe(reason);
        if (!doc) continue;
        byReason[doc['reason'] as string] = (byReason[doc['reason'] as string] ?? 0) + 1;
        expect(doc['partitionId']).toBe(p);
        expect(doc['sequenceNumber']).toBe(m.sequenceNumber);
        expect(typeof doc['detail']).toBe('string');
        expect((doc['detail'] as string).length).toBeGreaterThan(0);
        const original =
          m.body instanceof Uint8Array
            ? Buffer.from(m.body)
            : Buffer.from(typeof m.body === 'string' ? m.body : JSON.stringify(m.body));
        expect(Buffer.from(doc['bodyBase64'] as string, 'base64').equals(original)).toBe(true);
      }
    }
    expect(byReason).toEqual(health.totals.deadLettered);
    expect(byReason['contractViolation']).toBeGreaterThan(0);
    // Good messages still produce the job's output.
    await engine.flush();
    expect(sink.windowRows.length).toBeGreaterThan(0);
  });

  describe('retention', () => {
    it('deletes the deltas of emitted windows with later commits, in steady state', async () => {
      const job = compileJob(countJob());
      const events = steadyEvents(0, 200, 500);
      const m = toMessages(events);
      const { store, table } = await freshStore();
      const clock = new ManualClock(s(3600));
      const engine = makeEngine({ job, store, clock });
      let previousFinalized: number | null = null;
      let maxDeltaRows = 0;
      let checked = 0;
      for (let i = 0; i < m.length; i += 20) {
        clock.advance(500);
        await engine.processBatch('0', m.slice(i, i + 20));
        const deltas = await listDeltaEntities(table);
        maxDeltaRows = Math.max(maxDeltaRows, deltas.length);
        if (previousFinalized !== null) {
          for (const d of deltas) expect(Number(d['bucketMs'])).toBeGreaterThanOrEqual(previousFinalized);
          checked++;
        }
        previousFinalized = (await engine.health()).finalizedThroughMs;
      }
      expect(checked).toBeGreaterThan(10);
      expect(previousFinalized).toBeGreaterThan(s(150));
      // Bounded by the open windows, not by the stream's length (20 windows, 20 batches).
      expect(maxDeltaRows).toBeLessThanOrEqual(6);
    });

    it('deletes the deltas of windows that another instance emitted (timer instance finalizes)', async () => {
      // Production shape: the Event Hubs function ingests on one instance while the closeWindows timer
      // runs advanceIdlePartitions (so finalizeNow) on another, and wins the finalization.
      const job = compileJob(countJob());
      const m0 = toMessages(steadyEvents(0, 200, 500));
      const m1 = toMessages(steadyEvents(0, 200, 500));
      const ids = ['0', '1'];
      const { store, table } = await freshStore();
      const clock = new ManualClock(s(3600));
      const ingest = makeEngine({ job, store, clock, partitionIds: ids });
      const timer = makeEngine({ job, store, clock, partitionIds: ids });
      let finalizedBeforeRound: number | null = null;
      let checked = 0;
      let timerRows = 0;
      for (let i = 0; i < m0.length; i += 20) {
        for (const [p, m] of [
          ['0', m0],
          ['1', m1],
        ] as const) {
          clock.advance(1500);
          await ingest.processBatch(p, m.slice(i, i + 20));
          clock.advance(1500);
          timerRows += await timer.finalizeNow();
        }
        if (finalizedBeforeRound !== null) {
          const stale = (await listDeltaEntities(table)).filter(
            (d) => Number(d['bucketMs']) < finalizedBeforeRound!,
          );
          expect(stale.map((d) => [d['partitionId'], Number(d['bucketMs']) - T0])).toEqual([]);
          checked++;
        }
        finalizedBeforeRound = (await ingest.health()).finalizedThroughMs;
      }
      expect(checked).toBeGreaterThan(10);
      expect(timerRows).toBeGreaterThan(0);
      expect(finalizedBeforeRound).toBeGreaterThan(s(150));
    });

    it('leaves no delta row after finalizeNow + compact (emitted windows) and after flush (all windows)', async () => {
      const job = compileJob(countJob());
      const e0 = steadyEvents(0, 60, 700);
      const e1 = steadyEvents(0, 50, 900);
      const { store, table } = await freshStore();
      const clock = new ManualClock(s(3600));
      const engine = makeEngine({ job, store, clock, partitionIds: ['0', '1'] });
      await engine.processBatch('0', toMessages(e0));
      await engine.processBatch('1', toMessages(e1));
      await engine.finalizeNow();
      const finalized = (await engine.health()).finalizedThroughMs!;
      expect(finalized).toBeGreaterThan(s(40));
      await engine.compact();
      const afterCompact = await listDeltaEntities(table);
      expect(afterCompact.length).toBeGreaterThan(0);
      for (const d of afterCompact) expect(Number(d['bucketMs'])).toBeGreaterThanOrEqual(finalized);
      await engine.flush();
      expect(await listDeltaEntities(table)).toEqual([]);
      expect((await engine.health()).finalizedThroughMs).toBe(endOfTimeMs);
      // Progress rows and the finalizer stay.
      expect((await listEntities(table)).map((r) => String(r['rowKey'])).sort()).toEqual(['f', 'p~0', 'p~1']);
    });

    it('leaves no delta row when a restarted instance is redelivered the last batches and flushes', async () => {
      const job = compileJob(countJob());
      const m0 = toMessages(steadyEvents(0, 60, 700));
      const m1 = toMessages(steadyEvents(0, 50, 900));
      const { store, table } = await freshStore();
      const clock = new ManualClock(s(3600));
      const first = makeEngine({ job, store, clock, partitionIds: ['0', '1'] });
      await first.processBatch('0', m0);
      await first.processBatch('1', m1);
      await first.finalizeNow();
      const second = makeEngine({ job, store, clock, partitionIds: ['0', '1'] });
      await second.processBatch('0', m0.slice(-5));
      await second.processBatch('1', m1.slice(-5));
      await second.flush();
      expect(await listDeltaEntities(table)).toEqual([]);
    });
  });

  it('works with partition ids and job names holding reserved, control, long and non-ASCII characters', async () => {
    const partitionIds = [
      'a/b',
      'a\\b',
      'a#b',
      'a?b',
      'a\u0001b',
      'a\u007fb',
      'p'.repeat(1000),
      'p'.repeat(999) + 'q',
      '分区🙂',
      "it's",
      'a!2fb',
    ];
    const jobNames = [
      'job/1',
      'job?1',
      'job#1',
      'job\\1',
      'job\u00001',
      'j'.repeat(128),
      'j'.repeat(127) + 'k',
      '作业🙂',
    ];
    const table = await createStateTable('keys');
    const job = compileJob(countJob());
    const expectedByJob: EmittedRow[][] = [];
    const sinks = jobNames.map(() => collectingSink());
    const engines = jobNames.map(
      (jobName, j) =>
        new StreamEngine({
          job,
          store: new TableStateStore({ client: table, jobName }),
          sink: sinks[j]!,
          deadLetters: memoryDeadLetters(),
          clock: new ManualClock(s(3600)),
          partitionIds,
        }),
    );
    for (let j = 0; j < jobNames.length; j++) {
      const all: TestEvent[] = [];
      for (let p = 0; p < partitionIds.length; p++) {
        // Each job and partition has its own users, plus one user shared by every partition of the job.
        const events = steadyEvents(0, 25, 5000, [`j${j}-p${p}`, `j${j}-shared`], ['x']);
        all.push(...events);
        await engines[j]!.processBatch(partitionIds[p]!, toMessages(events, 10 * (p + 1)));
      }
      expectedByJob.push(referenceTumblingCounts(all, 10_000));
    }
    for (let j = 0; j < jobNames.length; j++) {
      await engines[j]!.flush();
      expect(canonicalRows(sinks[j]!.windowRows)).toEqual(canonicalRows(expectedByJob[j]!));
      const health = await engines[j]!.health();
      expect(health.partitions.map((p) => p.progress?.lastSeq)).toEqual(
        partitionIds.map((_, p) => 10 * (p + 1) + 4),
      );
      expect(health.totals.inputEvents).toBe(5 * partitionIds.length);
    }
    const rows = await listEntities(table);
    expect(rows).toHaveLength(jobNames.length * (partitionIds.length + 1));
    for (const r of rows) {
      for (const key of [String(r['partitionKey']), String(r['rowKey'])]) {
        expect(key).toMatch(/^[A-Za-z0-9_.!~-]+$/);
        expect(Buffer.byteLength(key, 'utf8')).toBeLessThan(1024);
      }
    }
  });

  it('archives window rows in blobs that equal a clean run, after a crash between sink write and commit', async () => {
    const job = compileJob(defaultJob);
    const parts = simulatedPartitions(13, 300, 2);
    const ids = ['0', '1'];
    const half = (p: InputMessage[]): [InputMessage[], InputMessage[]] => [
      p.slice(0, p.length / 2),
      p.slice(p.length / 2),
    ];
    const [a0, b0] = half(parts[0]!);
    const [a1, b1] = half(parts[1]!);
    const expected = await cleanRun(
      job,
      [
        ['0', a0],
        ['1', a1],
        ['0', b0],
        ['1', b1],
      ],
      ids,
    );

    const container = await createContainer('archive');
    const { store: inner } = await freshStore();
    let armed = true;
    const store = new HookedStore(inner, {
      beforeCommit: (ops) => {
        if (armed && ops.some((op) => op.kind === 'putFinalizer')) {
          armed = false;
          throw new SimulatedCrash('died after writing the archive');
        }
      },
    });
    const clock = new ManualClock(s(3600));
    const collected = collectingSink();
    const sink = fanOutSink([blobArchiveSink({ container }), collected]);
    const first = makeEngine({ job, store, clock, partitionIds: ids, sink });
    await first.processBatch('0', a0);
    await first.processBatch('1', a1);
    clock.advance(2000);
    await expect(first.processBatch('0', b0)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(collected.windowRows.length).toBeGreaterThan(0);
    const second = makeEngine({ job, store, clock, partitionIds: ids, sink });
    clock.advance(2000);
    await second.processBatch('0', [...a0.slice(-3), ...b0]);
    await second.processBatch('1', b1);
    await second.flush();

    expect(await archiveContents(container)).toEqual(expectedArchive(expected));
  });

  it('agrees with a simple batch computation on random streams with redeliveries, crashes and restarts', async () => {
    const eventArb = fc.record({
      partition: fc.nat(2),
      user: fc.constantFrom('u0', 'u1', 'u2', 'u/3', 'ü4'),
      product: fc.constantFrom<string | null>('p0', 'p1', 'p2', null),
      value: fc.integer({ min: 0, max: 5 }),
      stepMs: fc.integer({ min: 0, max: 600 }),
      jitterMs: fc.integer({ min: 0, max: 8000 }),
      // Moves the event time up to the next multiple of 250 ms: many events exactly on window ends.
      snap: fc.boolean(),
    });
    const deliveryArb = fc.record({
      partition: fc.nat(2),
      rewind: fc.constantFrom(false, false, false, true),
      rewindFraction: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      length: fc.integer({ min: 0, max: 25 }),
      action: fc.constantFrom('none', 'none', 'none', 'none', 'finalize', 'idle', 'restart'),
      crash: fc.constantFrom<'before' | 'after' | undefined>(
        undefined,
        undefined,
        undefined,
        undefined,
        'before',
        'after',
      ),
      clockStepMs: fc.integer({ min: 0, max: 1500 }),
    });
    const scenarioArb = fc.record({
      partitions: fc.integer({ min: 1, max: 3 }),
      sizeInMs: fc.constantFrom(1000, 2000, 5000),
      events: fc.array(eventArb, { minLength: 10, maxLength: 150, size: 'max' }),
      deliveries: fc.array(deliveryArb, { minLength: 5, maxLength: 40, size: 'max' }),
    });
    let runs = 0;
    let crashes = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        runs++;
        const job = compileJob(
          countJob({
            window: { kind: 'tumbling', sizeInMs: scenario.sizeInMs },
            lateArrivalToleranceInSeconds: -1,
            outOfOrderToleranceInSeconds: 10,
          }),
        );
        const ids = Array.from({ length: scenario.partitions }, (_, i) => `p${i}`);
        const perPartition: TestEvent[][] = ids.map(() => []);
        let t = s(60);
        for (const ev of scenario.events) {
          t += ev.stepMs;
          const time = t - ev.jitterMs;
          perPartition[ev.partition % scenario.partitions]!.push({
            user: ev.user,
            product: ev.product,
            timeMs: ev.snap ? Math.ceil(time / 250) * 250 : time,
            value: ev.value,
          });
        }
        const messages = perPartition.map((events) => toMessages(events, 0, 50));
        const { store: inner } = await freshStore('diff');
        let crashArmed: 'before' | 'after' | undefined;
        let crashed = false;
        const crashIf = (when: 'before' | 'after') => (): void => {
          if (crashArmed !== when) return;
          crashArmed = undefined;
          crashed = true;
          throw new SimulatedCrash(`crash ${when} a commit`);
        };
        const store = new HookedStore(inner, {
          beforeCommit: crashIf('before'),
          afterCommit: crashIf('after'),
        });
        const sink = collectingSink();
        const clock = new ManualClock(s(0));
        const newEngine = (): StreamEngine => makeEngine({ job, store, clock, partitionIds: ids, sink });
        let engine = newEngine();
        /** Runs an engine call; a simulated crash ends the process: a new instance takes over. */
        const attempt = async (call: () => Promise<unknown>): Promise<boolean> => {
          try {
            await call();
            return true;
          } catch (error) {
            if (!(error instanceof SimulatedCrash)) throw error;
            crashes++;
            engine = newEngine();
            return false;
          } finally {
            crashArmed = undefined;
          }
        };
        // Where each partition's checkpoint is: the host redelivers from there.
        const position = ids.map(() => 0);
        for (const d of scenario.deliveries) {
          clock.advance(d.clockStepMs);
          const p = d.partition % scenario.partitions;
          const start = d.rewind ? Math.floor(d.rewindFraction * position[p]!) : position[p]!;
          const end = Math.min(messages[p]!.length, start + d.length);
          crashArmed = d.action === 'none' ? d.crash : undefined;
          if (await attempt(() => engine.processBatch(ids[p]!, messages[p]!.slice(start, end))))
            position[p] = Math.max(position[p]!, end);
          if (d.action === 'finalize' || d.action === 'idle') {
            crashArmed = d.crash;
            await attempt(() =>
              d.action === 'finalize' ? engine.finalizeNow() : engine.advanceIdlePartitions(),
            );
          } else if (d.action === 'restart') engine = newEngine();
        }
        expect(crashArmed).toBeUndefined();
        for (let p = 0; p < ids.length; p++) {
          for (let i = position[p]!; i < messages[p]!.length; i += 25) {
            clock.advance(700);
            await engine.processBatch(ids[p]!, messages[p]!.slice(i, i + 25));
          }
        }
        await engine.flush();
        const all = perPartition.flat();
        const expected = referenceTumblingCounts(all, scenario.sizeInMs);
        if (crashed) expectSameRowsAllowingIdenticalRepeats(sink.windowRows, expected, countKeyColumns);
        else expect(canonicalRows(sink.windowRows)).toEqual(canonicalRows(expected));
        const health = await engine.health();
        expect(health.totals.inputEvents).toBe(all.length);
        expect(health.totals.outOfOrderAdjusted).toBe(0);
        expect(health.totals.rowsEmitted['Counts'] ?? 0).toBe(expected.length);
      }),
      { numRuns: 15, interruptAfterTimeLimit: 120_000, markInterruptAsFailure: true },
    );
    expect(runs).toBeGreaterThanOrEqual(15);
    expect(crashes).toBeGreaterThan(0);
  }, 240_000);
});

/** Blob name to its sorted lines. */
async function archiveContents(container: ContainerClient): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for await (const b of container.listBlobsFlat()) {
    const text = (await container.getBlobClient(b.name).downloadToBuffer()).toString('utf8');
    out[b.name] = text
      .split('\n')
      .filter((l) => l.length > 0)
      .sort();
  }
  return out;
}

/** What the archive must hold for these window rows: one blob per (output, window end). */
function expectedArchive(rows: readonly EmittedRow[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of rows) {
    const name = `${archiveFolder(r.output, r.timestampMs)}/window_${compactUtc(r.timestampMs)}.jsonl`;
    (out[name] ??= []).push(JSON.stringify(r.row));
  }
  for (const lines of Object.values(out)) lines.sort();
  return out;
}
