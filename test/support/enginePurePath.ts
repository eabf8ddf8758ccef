/**
 * Helpers for tests of the engine's pure path: build small jobs and input messages, apply batches with
 * `applyBatch`, merge the commit units' deltas and finalize the windows, without any storage.
 */
import { partialResult, partialToJson, type AggregateKind } from '../../src/lib/engine/aggregates/aggregate';
import {
  applyBatch,
  type ApplyLimits,
  type CommitUnit,
  type EmittedRow,
} from '../../src/lib/engine/applyBatch';
import { compileJob, type CompiledJob, type CompiledStatement } from '../../src/lib/engine/compileJob';
import type { EventOrderingPolicy } from '../../src/lib/engine/eventOrderingPolicy';
import { e, type Expr } from '../../src/lib/engine/expr';
import { finalizeWindows, type OpenSession } from '../../src/lib/engine/finalizeWindows';
import type { InputMessage } from '../../src/lib/engine/inputMessage';
import type { JobDefinition, SelectItem, StatementDefinition } from '../../src/lib/engine/job';
import { mergeBucketInto, type Bucket } from '../../src/lib/engine/state/bucket';
import {
  createPartitionProgress,
  type PartitionProgress,
} from '../../src/lib/engine/state/partitionProgress';
import type { WindowSpec } from '../../src/lib/engine/windows';

/** The instant the engine's flush moves every watermark to (year 275760): every window closes. */
export const endOfTimeMs = 8.64e15;

/** A policy that never adjusts or drops in-order data: wait indefinitely for late events. */
export const waitForeverPolicy: EventOrderingPolicy = {
  lateArrivalToleranceInSeconds: -1,
  outOfOrderToleranceInSeconds: 0,
  action: 'adjust',
};

/** One input event of a test: its key, event time, optional arrival time and extra payload fields. */
export interface TestEvent {
  readonly key?: unknown;
  readonly timeMs: number;
  /** Event Hubs enqueued time; the event time when absent. */
  readonly arrivalMs?: number;
  readonly value?: unknown;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The JSON payload of a test event: EventTime as ISO-8601 UTC, then K (key), V (value) and extras. */
export function payloadOf(event: TestEvent): Record<string, unknown> {
  return {
    EventTime: new Date(event.timeMs).toISOString(),
    ...(event.key === undefined ? {} : { K: event.key }),
    ...(event.value === undefined ? {} : { V: event.value }),
    ...event.extra,
  };
}

/** Messages for `events`, in the given (arrival) order, with consecutive sequence numbers. */
export function messagesOf(events: readonly TestEvent[], firstSeq = 0): InputMessage[] {
  return events.map((event, i) => ({
    sequenceNumber: firstSeq + i,
    enqueuedTimeMs: event.arrivalMs ?? event.timeMs,
    body: JSON.stringify(payloadOf(event)),
  }));
}

/** The aggregates every grouped test statement computes, in slot order. */
export const standardAggregates: readonly SelectItem[] = [
  { alias: 'Cnt', expr: e.countStar() },
  { alias: 'CntV', expr: e.agg('count', e.field('V')) },
  { alias: 'Distinct', expr: e.agg('count', e.field('V'), true) },
  { alias: 'Total', expr: e.agg('sum', e.field('V')) },
  { alias: 'Mean', expr: e.agg('avg', e.field('V')) },
  { alias: 'Lo', expr: e.agg('min', e.field('V')) },
  { alias: 'Hi', expr: e.agg('max', e.field('V')) },
];

export interface GroupedJobOptions {
  readonly window: WindowSpec;
  /** Group-key field names; default ['K']. */
  readonly keys?: readonly string[];
  readonly aggregates?: readonly SelectItem[];
  readonly policy?: EventOrderingPolicy;
  readonly having?: Expr;
  readonly where?: Expr;
  /** Extra statements after the grouped one. */
  readonly moreStatements?: readonly StatementDefinition[];
  readonly maxEventSizeInBytes?: number;
}

/** A one-input job (TIMESTAMP BY EventTime, contract 'none') whose first statement is grouped. */
export function groupedJob(options: GroupedJobOptions): JobDefinition {
  const keys = options.keys ?? ['K'];
  return {
    name: 'test-job',
    inputs: [
      {
        name: 'Input',
        timestampBy: e.field('EventTime'),
        contract: 'none',
        ...(options.maxEventSizeInBytes === undefined
          ? {}
          : { maxEventSizeInBytes: options.maxEventSizeInBytes }),
      },
    ],
    eventOrdering: options.policy ?? waitForeverPolicy,
    statements: [
      {
        output: 'Out',
        input: 'Input',
        ...(options.where ? { where: options.where } : {}),
        groupBy: { keys: keys.map((k) => e.field(k)), window: options.window },
        select: [
          { alias: 'WindowEnd', expr: e.timestamp() },
          ...keys.map((k) => ({ alias: k, expr: e.field(k) })),
          ...(options.aggregates ?? standardAggregates),
        ],
        ...(options.having ? { having: options.having } : {}),
      },
      ...(options.moreStatements ?? []),
    ],
  };
}

export const kindsOf = (s: CompiledStatement): AggregateKind[] => s.aggregates.map((a) => a.kind);

/** Merges the deltas of statement `index` over `units` into `into` (a new bucket by default). */
export function mergeUnitDeltas(
  job: CompiledJob,
  units: readonly CommitUnit[],
  index = 0,
  into: Bucket = new Map(),
): Bucket {
  const kinds = kindsOf(job.statements[index]!);
  for (const u of units) {
    const d = u.deltas.get(index);
    if (d) for (const bucket of d.values()) mergeBucketInto(into, bucket, kinds);
  }
  return into;
}

/** The progress after the last unit, or `before` when the batch produced no unit. */
export function progressAfter(before: PartitionProgress, units: readonly CommitUnit[]): PartitionProgress {
  return units.length === 0 ? before : units[units.length - 1]!.progress;
}

/** Applies `batches` one after the other to one partition; returns every unit. */
export function applyBatches(
  job: CompiledJob,
  batches: readonly (readonly InputMessage[])[],
  partitionId = '0',
  limits?: ApplyLimits,
): { units: CommitUnit[]; progress: PartitionProgress } {
  let progress = createPartitionProgress(partitionId);
  const units: CommitUnit[] = [];
  for (const batch of batches) {
    const clockMs = batch.reduce((m, msg) => Math.max(m, msg.enqueuedTimeMs), 0);
    const produced = applyBatch(job, progress, batch, clockMs, limits);
    units.push(...produced);
    progress = progressAfter(progress, produced);
  }
  return { units, progress };
}

/** Finalizes every window of a grouped statement: [-Infinity, end of time). */
export function finalizeAll(s: CompiledStatement, merged: Bucket): EmittedRow[] {
  return finalizeWindows(s, merged, Number.NEGATIVE_INFINITY, endOfTimeMs, new Map<string, OpenSession>());
}

/** Applies one batch of `events` to a fresh partition and finalizes statement 0 completely. */
export function runOnePass(definition: JobDefinition, events: readonly TestEvent[]): EmittedRow[] {
  const job = compileJob(definition);
  const { units } = applyBatches(job, [messagesOf(events)]);
  return finalizeAll(job.statements[0]!, mergeUnitDeltas(job, units));
}

/**
 * A canonical, comparable form of a bucket: one entry per fine time and group, sorted, with each
 * partial reduced to what it means (COUNT(DISTINCT) as its sorted set, SUM/AVG as count and rounded
 * exact value), so equal contents compare equal whatever order they were built in.
 */
export function bucketSummary(bucket: Bucket, kinds: readonly AggregateKind[]): unknown[] {
  const out: [number, string, unknown][] = [];
  for (const [fine, groups] of bucket) {
    for (const [key, acc] of groups) {
      const partials = acc.partials.map((p, i) => {
        const kind = kinds[i]!;
        if (kind === 'countDistinct') return [...(partialToJson(kind, p) as string[])].sort();
        if (kind === 'sum' || kind === 'avg')
          return [(partialToJson(kind, p) as unknown[])[0], partialResult(kind, p)];
        return partialResult(kind, p);
      });
      out.push([fine, key, { keyValues: acc.keyValues, partials }]);
    }
  }
  return out.sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}
