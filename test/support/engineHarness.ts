/**
 * Helpers for StreamEngine tests on the run-wide embedded Azurite: a manual clock, an in-memory output
 * sink and dead-letter store, a StateStore wrapper that injects failures, job and message builders, and
 * a deliberately simple reference computation of tumbling-window counts.
 */
import { TableClient, odata } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

import { TableStateStore } from '../../src/lib/adapters/tables/tableStateStore';
import type { EmittedRow } from '../../src/lib/engine/applyBatch';
import { e } from '../../src/lib/engine/expr';
import type { DeadLetter, InputMessage } from '../../src/lib/engine/inputMessage';
import type { JobDefinition } from '../../src/lib/engine/job';
import type { WindowSpec } from '../../src/lib/engine/windows';
import type { Clock } from '../../src/lib/ports/clock';
import type { DeadLetterStore } from '../../src/lib/ports/deadLetterStore';
import type { OutputSink } from '../../src/lib/ports/outputSink';
import {
  StateConflictError,
  type CommitResult,
  type StateOp,
  type StateStore,
} from '../../src/lib/ports/stateStore';
import { azuriteConnectionString, uniqueName } from './azurite';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  set(ms: number): void {
    this.nowMs = ms;
  }
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** An OutputSink that keeps every call, in order. */
export interface CollectingSink extends OutputSink {
  /** Every window row written, in write order (repeats included). */
  readonly windowRows: EmittedRow[];
  /** Each writeWindowRows call's rows. */
  readonly windowCalls: EmittedRow[][];
  readonly eventCalls: { rows: EmittedRow[]; unitId: string }[];
}

export function collectingSink(): CollectingSink {
  const windowRows: EmittedRow[] = [];
  const windowCalls: EmittedRow[][] = [];
  const eventCalls: { rows: EmittedRow[]; unitId: string }[] = [];
  return {
    windowRows,
    windowCalls,
    eventCalls,
    writeWindowRows(rows) {
      windowRows.push(...rows);
      windowCalls.push([...rows]);
      return Promise.resolve();
    },
    writeEventRows(rows, unitId) {
      eventCalls.push({ rows: [...rows], unitId });
      return Promise.resolve();
    },
  };
}

/** A DeadLetterStore in memory. */
export function memoryDeadLetters(): DeadLetterStore & { readonly letters: DeadLetter[] } {
  const letters: DeadLetter[] = [];
  return {
    letters,
    write(deadLetters) {
      letters.push(...deadLetters);
      return Promise.resolve();
    },
  };
}

/** A fresh state table (unique name) on the embedded Azurite. */
export async function createStateTable(prefix = 'state'): Promise<TableClient> {
  const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName(prefix), {
    allowInsecureConnection: true,
  });
  await client.createTable();
  return client;
}

/** A fresh blob container (unique name) on the embedded Azurite. */
export async function createContainer(prefix = 'blobs'): Promise<ContainerClient> {
  const container = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(
    uniqueName(prefix),
  );
  await container.create();
  return container;
}

/** A TableStateStore for `jobName` in a fresh table, and that table's client. */
export async function freshStore(
  jobName = 'job',
  prefix = 'state',
): Promise<{ table: TableClient; store: TableStateStore }> {
  const table = await createStateTable(prefix);
  return { table, store: new TableStateStore({ client: table, jobName }) };
}

/** Every entity of the table, raw. */
export async function listEntities(table: TableClient): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const entity of table.listEntities<Record<string, unknown>>()) out.push(entity);
  return out;
}

/** Delta rows (RowKey b~...) of the table, raw. */
export async function listDeltaEntities(table: TableClient): Promise<Record<string, unknown>[]> {
  const filter = odata`RowKey ge ${'b~'} and RowKey lt ${'b~~'}`;
  const out: Record<string, unknown>[] = [];
  for await (const entity of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } }))
    out.push(entity);
  return out;
}

/** Hooks of a {@link HookedStore}; a hook that throws makes the commit throw. */
export interface StoreHooks {
  /** Runs before the commit reaches the store. */
  beforeCommit?: (ops: readonly StateOp[]) => void | Promise<void>;
  /** Runs after the store committed. */
  afterCommit?: (ops: readonly StateOp[], result: CommitResult) => void | Promise<void>;
}

/** A StateStore that delegates to another and records every commit's operations. */
export class HookedStore implements StateStore {
  /** Operations of the commits that reached the store and succeeded. */
  readonly commits: StateOp[][] = [];
  /** Operations of the commits the store rejected with a StateConflictError. */
  readonly conflicts: StateOp[][] = [];
  constructor(
    private readonly inner: StateStore,
    public hooks: StoreHooks = {},
  ) {}
  loadPartition(partitionId: string): ReturnType<StateStore['loadPartition']> {
    return this.inner.loadPartition(partitionId);
  }
  readFinalizer(): ReturnType<StateStore['readFinalizer']> {
    return this.inner.readFinalizer();
  }
  readMeta(): ReturnType<StateStore['readMeta']> {
    return this.inner.readMeta();
  }
  readDeltas(
    statementIndex: number,
    fromBucketMs: number,
    toBucketMs: number,
  ): ReturnType<StateStore['readDeltas']> {
    return this.inner.readDeltas(statementIndex, fromBucketMs, toBucketMs);
  }
  async commit(ops: readonly StateOp[]): Promise<CommitResult> {
    await this.hooks.beforeCommit?.(ops);
    let result: CommitResult;
    try {
      result = await this.inner.commit(ops);
    } catch (error) {
      if (error instanceof StateConflictError) this.conflicts.push([...ops]);
      throw error;
    }
    this.commits.push([...ops]);
    await this.hooks.afterCommit?.(ops, result);
    return result;
  }
}

/** Thrown by test hooks to simulate a process crash. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

/** One event of the 'none'-contract test input. */
export interface TestEvent {
  readonly user: string;
  /** Absent or null: the event has no product (groups under NULL). */
  readonly product?: string | null;
  readonly timeMs: number;
  /** Summed by the test job; an integer keeps sums exact in the reference computation. */
  readonly value?: number;
}

/** The body of a test event: {user, product, ts (ISO-8601), value}. */
export function testEventBody(event: TestEvent): string {
  return JSON.stringify({
    user: event.user,
    ...(event.product === undefined ? {} : { product: event.product }),
    ts: new Date(event.timeMs).toISOString(),
    value: event.value ?? 1,
  });
}

/**
 * Messages of one partition: sequence numbers firstSeq, firstSeq + 1, ...; arrival (enqueued) time is
 * the event time plus `delayMs`, kept non-decreasing as Event Hubs does.
 */
export function toMessages(events: readonly TestEvent[], firstSeq = 0, delayMs = 100): InputMessage[] {
  let arrival = Number.NEGATIVE_INFINITY;
  return events.map((event, i) => {
    arrival = Math.max(arrival, event.timeMs + delayMs);
    return { sequenceNumber: firstSeq + i, enqueuedTimeMs: arrival, body: testEventBody(event) };
  });
}

export interface CountJobOptions {
  readonly name?: string;
  readonly window?: WindowSpec;
  readonly lateArrivalToleranceInSeconds?: number;
  readonly outOfOrderToleranceInSeconds?: number;
  readonly action?: 'adjust' | 'drop';
  /** Adds a second statement: a hopping window over the same input, into output 'Hopping'. */
  readonly withHopping?: { readonly sizeInMs: number; readonly hopInMs: number };
}

/**
 * The test job (contract 'none'):
 *   SELECT System.Timestamp() AS WindowEnd, user AS User, product AS Product, COUNT(*) AS Clicks,
 *          SUM(value) AS Total
 *   INTO Counts FROM Input TIMESTAMP BY ts GROUP BY user, product, <window>
 */
export function countJob(options: CountJobOptions = {}): JobDefinition {
  const select = [
    { alias: 'WindowEnd', expr: e.timestamp() },
    { alias: 'User', expr: e.field('user') },
    { alias: 'Product', expr: e.field('product') },
    { alias: 'Clicks', expr: e.countStar() },
    { alias: 'Total', expr: e.agg('sum', e.field('value')) },
  ];
  const keys = [e.field('user'), e.field('product')];
  return {
    name: options.name ?? 'count-job',
    inputs: [{ name: 'Input', timestampBy: e.field('ts'), contract: 'none' }],
    eventOrdering: {
      lateArrivalToleranceInSeconds: options.lateArrivalToleranceInSeconds ?? 5,
      outOfOrderToleranceInSeconds: options.outOfOrderToleranceInSeconds ?? 0,
      action: options.action ?? 'adjust',
    },
    statements: [
      {
        output: 'Counts',
        input: 'Input',
        groupBy: { keys, window: options.window ?? { kind: 'tumbling', sizeInMs: 10_000 } },
        select,
      },
      ...(options.withHopping
        ? [
            {
              output: 'Hopping',
              input: 'Input',
              groupBy: {
                keys,
                window: {
                  kind: 'hopping' as const,
                  sizeInMs: options.withHopping.sizeInMs,
                  hopInMs: options.withHopping.hopInMs,
                },
              },
              select,
            },
          ]
        : []),
    ],
  };
}

/** A row of the test job, as the engine writes it. */
export interface CountRow {
  readonly WindowEnd: string;
  readonly User: string;
  readonly Product: string | null;
  readonly Clicks: number;
  readonly Total: number;
}

/**
 * The reference computation: with no event re-timestamped, the output of the test job is COUNT(*) and
 * SUM(value) per (user, product) per tumbling window end ceil(t / size) * size.
 */
export function referenceTumblingCounts(events: readonly TestEvent[], sizeInMs: number): EmittedRow[] {
  const groups = new Map<
    string,
    { end: number; user: string; product: string | null; n: number; sum: number }
  >();
  for (const ev of events) {
    const end = Math.ceil(ev.timeMs / sizeInMs) * sizeInMs;
    const product = ev.product ?? null;
    const k = JSON.stringify([end, ev.user, product]);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { end, user: ev.user, product, n: 0, sum: 0 }));
    g.n += 1;
    g.sum += ev.value ?? 1;
  }
  return [...groups.values()].map((g) => ({
    output: 'Counts',
    timestampMs: g.end,
    row: {
      WindowEnd: new Date(g.end).toISOString(),
      User: g.user,
      Product: g.product,
      Clicks: g.n,
      Total: g.sum,
    },
  }));
}

/** Identity of a window row: output, System.Timestamp and the given key columns. */
export function rowIdentity(row: EmittedRow, keyColumns: readonly string[]): string {
  return JSON.stringify([row.output, row.timestampMs, ...keyColumns.map((c) => row.row[c] ?? null)]);
}

/** Rows in a canonical order, for order-insensitive comparison of multisets. */
export function canonicalRows(rows: readonly EmittedRow[]): string[] {
  return rows.map((r) => JSON.stringify([r.output, r.timestampMs, r.row])).sort();
}

/**
 * Groups rows by identity. Returns the distinct rows (first version of each) and, for every identity
 * written more than once with different content, the differing versions.
 */
export function distinctRows(
  rows: readonly EmittedRow[],
  keyColumns: readonly string[],
): { distinct: EmittedRow[]; differing: { identity: string; versions: string[] }[] } {
  const byId = new Map<string, EmittedRow[]>();
  for (const r of rows) {
    const id = rowIdentity(r, keyColumns);
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push(r);
  }
  const distinct: EmittedRow[] = [];
  const differing: { identity: string; versions: string[] }[] = [];
  for (const [identity, list] of byId) {
    distinct.push(list[0]!);
    const versions = [...new Set(list.map((r) => JSON.stringify(r.row)))];
    if (versions.length > 1) differing.push({ identity, versions });
  }
  return { distinct, differing };
}

/** Key columns of {@link countJob} rows. */
export const countKeyColumns = ['User', 'Product'] as const;
