import { odata, type TableClient } from '@azure/data-tables';
import type { EmittedRow } from '../../engine/applyBatch';
import type { OutputRow } from '../../engine/compileJob';
import type { OutputSink } from '../../ports/outputSink';
import {
  invertedTimeKey,
  isNotFound,
  jsonProperties,
  parseJsonProperties,
} from '../../dashboard/readModels/jsonEntity';
import { encodeKeyComponent } from './encodeKeyComponent';

/*
 * Layout (in the state table, beside the job's own entity group)
 * --------------------------------------------------------------
 * PartitionKey  latest~<encoded job>~<encoded output>     one group per output
 * RowKey        <inverted window end:13>~w                 a window's rows (newest first in key order)
 *               <inverted max timestamp:13>~e~<unit>       a per-event statement's commit unit
 *
 * Keys are deterministic, so a repeated write (the engine may repeat a window after a crash) replaces
 * the row instead of adding one. Each write keeps the newest `windowsPerOutput` rows of its output.
 */

/** One window (or per-event commit unit) of one output, as the dashboard shows it. */
export interface LatestWindow {
  readonly output: string;
  /** The rows' System.Timestamp: the window end (for a commit unit, its latest row's). */
  readonly timestampMs: number;
  readonly kind: 'window' | 'events';
  /** Rows the window had; `rows` holds at most `rowsPerWindow` of them. */
  readonly rowCount: number;
  /** Column names in the order of the first row, then any others in order of appearance. */
  readonly columns: readonly string[];
  /** The first numeric column, by which `rows` are ordered (largest first); null keeps emit order. */
  readonly orderedBy: string | null;
  readonly rows: readonly OutputRow[];
}

export interface LatestRowsStoreOptions {
  /** The state table (the engine's; read models use their own partition keys in it). */
  readonly client: TableClient;
  readonly jobName: string;
  /** Windows kept per output. Default 10. */
  readonly windowsPerOutput?: number;
  /** Rows kept per window. Default 50. */
  readonly rowsPerWindow?: number;
}

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Latest time a RowKey can hold (year 2286); later (or negative) timestamps are not kept. */
const maxKeyedMs = 9_999_999_999_999;

/** Union of the rows' column names, in order of first appearance. */
function columnsOf(rows: readonly OutputRow[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** The first column holding a number in the first row. */
function firstNumericColumn(rows: readonly OutputRow[]): string | null {
  const first = rows[0];
  if (!first) return null;
  return Object.keys(first).find((k) => typeof first[k] === 'number') ?? null;
}

/** Builds the stored document: the rows with the largest `orderedBy` first, cut to fit an entity. */
export function latestWindowOf(
  output: string,
  kind: LatestWindow['kind'],
  rows: readonly EmittedRow[],
  rowsPerWindow: number,
): LatestWindow {
  const all = rows.map((r) => r.row);
  const orderedBy = firstNumericColumn(all);
  const sorted =
    orderedBy === null
      ? all
      : all
          .map((row, i) => ({ row, i }))
          .sort((a, b) => {
            const x = a.row[orderedBy];
            const y = b.row[orderedBy];
            const d = (typeof y === 'number' ? y : -Infinity) - (typeof x === 'number' ? x : -Infinity);
            return d > 0 ? 1 : d < 0 ? -1 : a.i - b.i;
          })
          .map((x) => x.row);
  return {
    output,
    timestampMs: Math.max(...rows.map((r) => r.timestampMs)),
    kind,
    rowCount: rows.length,
    columns: columnsOf(all),
    orderedBy,
    rows: sorted.slice(0, rowsPerWindow),
  };
}

function groupBy(rows: readonly EmittedRow[], key: (r: EmittedRow) => string): EmittedRow[][] {
  const groups = new Map<string, EmittedRow[]>();
  for (const r of rows) {
    const k = key(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  return [...groups.values()];
}

/**
 * A read model of each output's latest windows, for the dashboard: an {@link OutputSink} beside the
 * Blob archive. It keeps a bounded sample of each window's rows, never the whole output.
 */
export class LatestRowsStore implements OutputSink {
  private readonly client: TableClient;
  private readonly job: string;
  private readonly windowsPerOutput: number;
  private readonly rowsPerWindow: number;

  constructor(options: LatestRowsStoreOptions) {
    if (!options.jobName) throw new RangeError('jobName: expected a non-empty string, received ""');
    this.client = options.client;
    this.job = encodeKeyComponent(options.jobName);
    this.windowsPerOutput = options.windowsPerOutput ?? 10;
    this.rowsPerWindow = options.rowsPerWindow ?? 50;
    for (const [name, n] of [
      ['windowsPerOutput', this.windowsPerOutput],
      ['rowsPerWindow', this.rowsPerWindow],
    ] as const) {
      if (!Number.isSafeInteger(n) || n < 1)
        throw new RangeError(`${name}: expected an integer >= 1, received ${n}`);
    }
  }

  async writeWindowRows(rows: readonly EmittedRow[]): Promise<void> {
    const groups = groupBy(rows, (r) => `${r.output}\u0000${r.timestampMs}`);
    await this.put(groups.map((g) => ({ kind: 'window' as const, rows: g, suffix: 'w' })));
  }

  async writeEventRows(rows: readonly EmittedRow[], unitId: string): Promise<void> {
    const groups = groupBy(rows, (r) => r.output);
    await this.put(
      groups.map((g) => ({ kind: 'events' as const, rows: g, suffix: `e~${encodeKeyComponent(unitId)}` })),
    );
  }

  /** The newest stored window of each output (outputs with none are left out). */
  async latest(outputs: readonly string[]): Promise<LatestWindow[]> {
    const found = await Promise.all(outputs.map((o) => this.recent(o, 1)));
    return found.flat();
  }

  /** The newest `limit` stored windows of one output, newest first. */
  async recent(output: string, limit: number): Promise<LatestWindow[]> {
    const out: LatestWindow[] = [];
    const filter = odata`PartitionKey eq ${this.partitionKey(output)}`;
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } })) {
      out.push(parseJsonProperties<LatestWindow>(e));
      if (out.length >= limit) break;
    }
    return out;
  }

  private partitionKey(output: string): string {
    return `latest~${this.job}~${encodeKeyComponent(output)}`;
  }

  private async put(
    groups: readonly { kind: LatestWindow['kind']; rows: EmittedRow[]; suffix: string }[],
  ): Promise<void> {
    const touched = new Set<string>();
    await Promise.all(
      groups.map(async ({ kind, rows, suffix }) => {
        const doc = latestWindowOf(rows[0]!.output, kind, rows, this.rowsPerWindow);
        // A read model must never block the pipeline: out-of-range times are simply not kept.
        if (!Number.isSafeInteger(doc.timestampMs) || doc.timestampMs < 0 || doc.timestampMs > maxKeyedMs)
          return;
        const entity: Entity = {
          partitionKey: this.partitionKey(doc.output),
          rowKey: `${invertedTimeKey(doc.timestampMs)}~${suffix}`,
          output: doc.output,
          timestampMs: doc.timestampMs,
          rowCount: doc.rowCount,
          ...this.fitted(doc),
        };
        await this.client.upsertEntity(entity, 'Replace');
        touched.add(doc.output);
      }),
    );
    await Promise.all([...touched].map((o) => this.prune(o)));
  }

  /** The document's properties; rows are halved until it fits one entity. */
  private fitted(doc: LatestWindow): Record<string, string> {
    for (let rows = doc.rows; ; rows = rows.slice(0, Math.floor(rows.length / 2))) {
      try {
        return jsonProperties({ ...doc, rows });
      } catch (error) {
        if (!(error instanceof RangeError) || rows.length === 0) throw error;
      }
    }
  }

  /** Deletes all but the newest `windowsPerOutput` rows of an output. */
  private async prune(output: string): Promise<void> {
    const filter = odata`PartitionKey eq ${this.partitionKey(output)}`;
    const keys: string[] = [];
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter, select: ['RowKey'] } }))
      keys.push(e.rowKey);
    await Promise.all(
      keys.slice(this.windowsPerOutput).map((rowKey) =>
        this.client.deleteEntity(this.partitionKey(output), rowKey).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        }),
      ),
    );
  }
}
