import { performance } from 'node:perf_hooks';
import { openStorage } from '../src/lib/adapters/storage/openStorage';
import { TableStateStore } from '../src/lib/adapters/tables/tableStateStore';
import type { EmittedRow } from '../src/lib/engine/applyBatch';
import type { CompiledJob } from '../src/lib/engine/compileJob';
import type { InputMessage } from '../src/lib/engine/inputMessage';
import { StreamEngine } from '../src/lib/engine/streamEngine';
import type { EngineCounters } from '../src/lib/engine/state/engineCounters';
import type { DeadLetterStore } from '../src/lib/ports/deadLetterStore';
import type { OutputSink } from '../src/lib/ports/outputSink';
import { childCpuSeconds, processCpuSeconds } from './cpu';
import type { RoutedMessage, WorkloadMessage } from './workload';

/**
 * What a Table request is: an entity-group transaction, an entity write, a table operation, or a query,
 * the latter named after the TableStateStore read its filter belongs to (for the report only).
 */
function requestKind(url: string): string {
  const u = new URL(url);
  if (u.pathname.endsWith('$batch')) return '$batch';
  const filter = u.searchParams.get('$filter');
  if (filter !== null) {
    if (filter.includes('partitionId eq')) return 'loadPartition';
    if (filter.includes("RowKey eq 'f'")) return 'readMeta';
    if (filter.includes("RowKey ge 'b~")) return 'readDeltas';
    return 'query';
  }
  return u.pathname.includes('(') ? 'entity' : 'table';
}

/** Counts the HTTP requests of a Table client, by kind, while enabled. */
export class RequestCounter {
  enabled = false;
  total = 0;
  readonly byKind: Record<string, number> = {};

  readonly observe = (method: string, url: string): void => {
    if (!this.enabled) return;
    this.total++;
    const kind = `${method} ${requestKind(url)}`;
    this.byKind[kind] = (this.byKind[kind] ?? 0) + 1;
  };
}

/** CPU and wall time of a stretch of work, this process and Azurite's processes apart. */
export interface CostMeter {
  stop(): { wallSeconds: number; processCpuSeconds: number; azuriteCpuSeconds: number | undefined };
}

export function startCostMeter(azuritePids: readonly number[]): CostMeter {
  const wall0 = performance.now();
  const cpu0 = processCpuSeconds();
  const az0 = azuritePids.length > 0 ? childCpuSeconds(azuritePids) : undefined;
  return {
    stop() {
      const processCpu = processCpuSeconds() - cpu0;
      const az1 = azuritePids.length > 0 ? childCpuSeconds(azuritePids) : undefined;
      return {
        wallSeconds: (performance.now() - wall0) / 1000,
        processCpuSeconds: processCpu,
        azuriteCpuSeconds: az0 === undefined || az1 === undefined ? undefined : az1 - az0,
      };
    },
  };
}

export interface EngineRunOptions {
  readonly job: CompiledJob;
  readonly routed: readonly RoutedMessage[];
  readonly partitions: number;
  readonly batchSize: number;
  readonly connectionString: string;
  readonly tableName: string;
  readonly azuritePids: readonly number[];
  /** Keep the emitted window rows (for verification); otherwise the sink discards them. */
  readonly collectRows: boolean;
}

export interface EngineRunResult {
  readonly events: number;
  readonly partitions: number;
  readonly batches: number;
  readonly commits: number;
  readonly requests: number;
  readonly requestsByKind: Record<string, number>;
  readonly requestsPerEvent: number;
  readonly windowRowsEmitted: number;
  readonly deadLettered: number;
  readonly wallSeconds: number;
  readonly processCpuSeconds: number;
  readonly azuriteCpuSeconds: number | undefined;
  readonly totals: EngineCounters;
  readonly rows: EmittedRow[];
}

/**
 * Feeds the routed messages through a StreamEngine on Table Storage (Azurite), as the Event Hubs trigger
 * would: per-partition batches of `batchSize` in arrival order, then flush() at end of input. Counts
 * only the Table requests of processing and flush (not the table's creation).
 */
export async function runEngine(o: EngineRunOptions): Promise<EngineRunResult> {
  const counter = new RequestCounter();
  const storage = await openStorage({
    connection: { kind: 'connectionString', connectionString: o.connectionString },
    stateTableName: o.tableName,
    containers: [],
    observeRequest: counter.observe,
  });
  const rows: EmittedRow[] = [];
  let windowRowsWritten = 0;
  const sink: OutputSink = {
    writeWindowRows: (r) => {
      windowRowsWritten += r.length;
      if (o.collectRows) rows.push(...r);
      return Promise.resolve();
    },
    writeEventRows: () => Promise.resolve(),
  };
  let deadLettered = 0;
  const deadLetters: DeadLetterStore = {
    write: (d) => {
      deadLettered += d.length;
      return Promise.resolve();
    },
  };
  let nowMs = 0;
  const partitionIds = Array.from({ length: o.partitions }, (_, i) => String(i));
  const engine = new StreamEngine({
    job: o.job,
    store: new TableStateStore({ client: storage.stateTable, jobName: `bench-${o.tableName}` }),
    sink,
    deadLetters,
    clock: { now: () => nowMs },
    partitionIds,
  });
  const buffers: InputMessage[][] = partitionIds.map(() => []);
  let batches = 0;
  let commits = 0;
  const feed = async (p: number): Promise<void> => {
    const batch = buffers[p]!;
    if (batch.length === 0) return;
    buffers[p] = [];
    for (const m of batch) nowMs = Math.max(nowMs, m.enqueuedTimeMs);
    const summary = await engine.processBatch(String(p), batch);
    batches++;
    commits += summary.commits;
  };

  counter.enabled = true;
  const meter = startCostMeter(o.azuritePids);
  for (const { partition, message } of o.routed) {
    const buffer = buffers[partition]!;
    buffer.push(message);
    if (buffer.length >= o.batchSize) await feed(partition);
  }
  for (let p = 0; p < o.partitions; p++) await feed(p);
  await engine.flush();
  const cost = meter.stop();
  counter.enabled = false;

  const health = await engine.health();
  return {
    events: o.routed.length,
    partitions: o.partitions,
    batches,
    commits,
    requests: counter.total,
    requestsByKind: { ...counter.byKind },
    requestsPerEvent: counter.total / o.routed.length,
    windowRowsEmitted: windowRowsWritten,
    deadLettered,
    ...cost,
    totals: health.totals,
    rows,
  };
}

export interface NaiveRunOptions {
  readonly messages: readonly WorkloadMessage[];
  readonly connectionString: string;
  readonly tableName: string;
  /** Upserts in flight at once. */
  readonly concurrency: number;
  readonly azuritePids: readonly number[];
}

export interface NaiveRunResult {
  readonly events: number;
  readonly concurrency: number;
  readonly requests: number;
  readonly requestsByKind: Record<string, number>;
  readonly requestsPerEvent: number;
  readonly wallSeconds: number;
  readonly processCpuSeconds: number;
  readonly azuriteCpuSeconds: number | undefined;
}

/**
 * The naive path: one upsertEntity per event, on a counter row per user | product | window (the row is
 * simply replaced; a real counter would also need a read, which would only make it worse).
 */
export async function runNaive(o: NaiveRunOptions): Promise<NaiveRunResult> {
  const counter = new RequestCounter();
  const storage = await openStorage({
    connection: { kind: 'connectionString', connectionString: o.connectionString },
    stateTableName: o.tableName,
    containers: [],
    observeRequest: counter.observe,
  });
  const table = storage.stateTable;
  counter.enabled = true;
  const meter = startCostMeter(o.azuritePids);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < o.messages.length) {
      const m = o.messages[next++]!;
      const e = JSON.parse(m.body) as { eventTime: string; userId: string; productId?: string };
      const windowEndMs = Math.ceil(Date.parse(e.eventTime) / 10_000) * 10_000;
      await table.upsertEntity(
        { partitionKey: e.userId, rowKey: `${e.productId ?? 'null'}~${windowEndMs}`, clicks: 1 },
        'Replace',
      );
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const cost = meter.stop();
  counter.enabled = false;
  return {
    events: o.messages.length,
    concurrency: o.concurrency,
    requests: counter.total,
    requestsByKind: { ...counter.byKind },
    requestsPerEvent: counter.total / o.messages.length,
    ...cost,
  };
}
