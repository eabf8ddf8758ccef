import type { EmittedRow } from '../engine/applyBatch';
import type { OutputSink } from '../ports/outputSink';
import {
  inferColumns,
  powerBiLimits,
  schemaChanged,
  toPowerBiRow,
  type PowerBiColumn,
} from './powerBiSchema';
import { PushRateLimiter, type PushRateLimiterOptions } from './pushRateLimiter';
import { realSleep, type Sleep } from './retryWithBackoff';

/** A push table's definition. */
export interface PowerBiTable {
  readonly name: string;
  readonly columns: readonly PowerBiColumn[];
}

/**
 * What the sink needs from Power BI (the REST adapter implements it). Kept narrow so that another
 * service (e.g. Fabric Real-Time Intelligence) can stand behind the same OutputSink.
 */
export interface PowerBiApi {
  /** The id of the workspace's dataset with this name, if any. */
  findDataset(name: string): Promise<string | undefined>;
  /** Creates a push dataset (retention basicFIFO) holding `table`; returns its id. */
  createDataset(name: string, table: PowerBiTable): Promise<string>;
  /** Replaces a table's schema (columns added or widened). */
  putTable(datasetId: string, table: PowerBiTable): Promise<void>;
  /** Adds rows (at most 10,000). */
  postRows(datasetId: string, tableName: string, rows: readonly Record<string, unknown>[]): Promise<void>;
}

/** Which output goes to which dataset and table; one table per dataset, as ASA does. */
export interface PowerBiTarget {
  readonly output: string;
  readonly dataset: string;
  readonly table: string;
}

/** What the sink reports: pushes, drops (limiter), failures (after the client's retries). */
export type PowerBiSinkEvent =
  | { readonly kind: 'pushed'; readonly output: string; readonly rows: number; readonly posts: number }
  | { readonly kind: 'dropped'; readonly output: string; readonly rows: number; readonly waitInMs: number }
  | { readonly kind: 'failed'; readonly output: string; readonly rows: number; readonly error: string };

export interface PowerBiSinkOptions {
  readonly api: PowerBiApi;
  readonly targets: readonly PowerBiTarget[];
  /** Per dataset. Default Power BI's limits (120 POSTs a minute, 1,000,000 rows an hour). */
  readonly limits?: PushRateLimiterOptions;
  /** The longest the limiter may hold a write, in ms; rows that would wait longer are dropped. Default 60000. */
  readonly maxWaitInMs?: number;
  /**
   * Whether a failure fails the write (and so the batch). Default false: Power BI is a view, the Blob
   * archive is the record, and a Power BI outage must not stall or dead-letter the pipeline.
   */
  readonly failOnError?: boolean;
  readonly onEvent?: (event: PowerBiSinkEvent) => void;
  readonly now?: () => number;
  readonly sleep?: Sleep;
}

interface TargetState {
  readonly target: PowerBiTarget;
  readonly limiter: PushRateLimiter;
  datasetId: string | undefined;
  columns: PowerBiColumn[];
  /** Serialises this target's pushes (limiter and schema stay consistent). */
  queue: Promise<void>;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Power BI push datasets as an OutputSink: the dataset and table are created from the rows' schema when
 * absent (ASA's type mapping, widened as new columns or types appear), one window's rows are one POST
 * (chunked at 10,000 rows), and a client-side limiter keeps each dataset within 120 POSTs a minute and
 * 1,000,000 rows an hour. PostRows is not idempotent: a retried POST after a timeout may add rows twice
 * (visuals should take MAX or LAST per window).
 */
export function powerBiSink(options: PowerBiSinkOptions): OutputSink {
  const datasets = new Set<string>();
  const states = new Map<string, TargetState>();
  for (const target of options.targets) {
    if (states.has(target.output)) throw new TypeError(`targets: output ${target.output} appears twice`);
    if (datasets.has(target.dataset)) {
      throw new TypeError(`targets: dataset ${target.dataset} appears twice (one table per dataset)`);
    }
    datasets.add(target.dataset);
    states.set(target.output, {
      target,
      limiter: new PushRateLimiter(options.limits),
      datasetId: undefined,
      columns: [],
      queue: Promise.resolve(),
    });
  }
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const maxWaitInMs = options.maxWaitInMs ?? 60_000;
  const report = options.onEvent ?? (() => undefined);

  async function ensureTable(state: TargetState, rows: readonly EmittedRow['row'][]): Promise<void> {
    const { target, api } = { target: state.target, api: options.api };
    const next = inferColumns(rows, state.columns);
    if (state.datasetId === undefined) {
      const existing = await api.findDataset(target.dataset);
      state.datasetId =
        existing ?? (await api.createDataset(target.dataset, { name: target.table, columns: next }));
      state.columns = next;
      return;
    }
    if (schemaChanged(state.columns, next)) {
      await api.putTable(state.datasetId, { name: target.table, columns: next });
      state.columns = next;
    }
  }

  async function push(state: TargetState, rows: readonly EmittedRow[]): Promise<void> {
    const output = state.target.output;
    try {
      await ensureTable(
        state,
        rows.map((r) => r.row),
      );
      const converted = rows.map((r) => toPowerBiRow(r.row, state.columns));
      let posts = 0;
      for (const part of chunk(converted, powerBiLimits.rowsPerPost)) {
        const wait = state.limiter.delayFor(part.length, now());
        if (wait > maxWaitInMs) {
          report({ kind: 'dropped', output, rows: part.length, waitInMs: wait });
          continue;
        }
        if (wait > 0) await sleep(wait);
        state.limiter.record(part.length, now());
        await options.api.postRows(state.datasetId!, state.target.table, part);
        posts++;
      }
      if (posts > 0) report({ kind: 'pushed', output, rows: converted.length, posts });
    } catch (error) {
      report({
        kind: 'failed',
        output,
        rows: rows.length,
        error: error instanceof Error ? error.message : String(error),
      });
      if (options.failOnError) throw error;
    }
  }

  function enqueue(state: TargetState, rows: readonly EmittedRow[]): Promise<void> {
    const run = state.queue.then(() => push(state, rows));
    state.queue = run.catch(() => undefined);
    return run;
  }

  /** Rows of one target and one group key (window end, or the whole call), in order. */
  function groups(rows: readonly EmittedRow[], byWindow: boolean): [TargetState, EmittedRow[]][] {
    const out = new Map<string, [TargetState, EmittedRow[]]>();
    for (const r of rows) {
      const state = states.get(r.output);
      if (!state) continue;
      const k = byWindow ? `${r.output}\u0000${r.timestampMs}` : r.output;
      let g = out.get(k);
      if (!g) out.set(k, (g = [state, []]));
      g[1].push(r);
    }
    return [...out.values()].sort((a, b) => a[1][0]!.timestampMs - b[1][0]!.timestampMs);
  }

  return {
    async writeWindowRows(rows) {
      for (const [state, g] of groups(rows, true)) await enqueue(state, g);
    },
    async writeEventRows(rows) {
      for (const [state, g] of groups(rows, false)) await enqueue(state, g);
    },
  };
}
