import type { AggregateKind } from './aggregates/aggregate';
import type { CompiledJob, CompiledStatement, OutputRow } from './compileJob';
import { bodyBytes, decodeMessage } from './decodeMessage';
import { classifyEventTime } from './eventOrderingPolicy';
import { groupKeyOf } from './groupKey';
import type { DeadLetter, InputMessage } from './inputMessage';
import { createGroupAccumulator, accumulate, type Bucket, type GroupAccumulator } from './state/bucket';
import type { DeadLetterReason } from './state/engineCounters';
import { clonePartitionProgress, type PartitionProgress } from './state/partitionProgress';
import { toEpochMs } from './toEpochMs';
import type { EventRecord } from './values';
import { ceilToGrid, containingWindowEnds } from './windows';

/** A row produced by a statement, with its System.Timestamp. */
export interface EmittedRow {
  readonly output: string;
  readonly timestampMs: number;
  readonly row: OutputRow;
}

/** Deltas of one statement: storage bucket start to bucket. */
export type StatementDeltas = Map<number, Bucket>;

/**
 * A contiguous run of one partition's messages whose effect is committed atomically: its deltas and
 * the progress row after it go into one entity-group transaction.
 */
export interface CommitUnit {
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Progress after the unit (lastSeq, watermark, counters). */
  readonly progress: PartitionProgress;
  /** Statement index to its deltas. */
  readonly deltas: Map<number, StatementDeltas>;
  /** Rows of statements without GROUP BY, written before the unit commits. */
  readonly eventRows: EmittedRow[];
  readonly deadLetters: DeadLetter[];
}

/** Bounds that keep one unit inside one entity-group transaction (100 entities, 4 MiB). */
export interface ApplyLimits {
  /** Delta rows (statement x storage bucket) per unit. */
  readonly maxDeltaRowsPerUnit: number;
  /** Estimated characters of delta JSON per unit. */
  readonly maxDeltaCharsPerUnit: number;
}

export const defaultApplyLimits: ApplyLimits = { maxDeltaRowsPerUnit: 80, maxDeltaCharsPerUnit: 400_000 };

/** Where a grouped statement files an event: fine times (window ends or the event time) and buckets. */
export interface StatementLayout {
  readonly kinds: readonly AggregateKind[];
  readonly fineTimes: (t: number) => readonly number[];
  readonly storageBucketOf: (fine: number) => number;
  /** The most storage buckets one event can touch. */
  readonly maxBucketsPerEvent: number;
  /** For windows where an event has exactly one fine time: that time, without allocating a list. */
  readonly singleFineTime?: (t: number) => number;
  readonly hasDistinct: boolean;
}

/** Storage bucket span of windows whose fine time is the event time: few rows per commit, range-readable. */
export const snapshotBucketSpanInMs = 1000;

export function statementLayout(s: CompiledStatement): StatementLayout {
  const kinds = s.aggregates.map((a) => a.kind);
  const w = s.window;
  if (!w) throw new TypeError(`statement ${s.index}: a layout exists only for GROUP BY statements`);
  const hasDistinct = kinds.includes('countDistinct');
  // Windows whose fine time is the event time itself, stored in buckets of `span`.
  const atEventTime = (span: number): StatementLayout => ({
    kinds,
    hasDistinct,
    fineTimes: (t) => [t],
    singleFineTime: (t) => t,
    storageBucketOf: (f) => ceilToGrid(f, span, 0),
    maxBucketsPerEvent: 1,
  });
  switch (w.kind) {
    case 'tumbling': {
      const offset = w.offsetInMs ?? 0;
      const end = (t: number): number => ceilToGrid(t, w.sizeInMs, offset);
      return {
        kinds,
        hasDistinct,
        fineTimes: (t) => [end(t)],
        singleFineTime: end,
        storageBucketOf: (f) => f,
        maxBucketsPerEvent: 1,
      };
    }
    case 'hopping': {
      const offset = w.offsetInMs ?? 0;
      return {
        kinds,
        hasDistinct,
        fineTimes: (t) => containingWindowEnds(t, w.sizeInMs, w.hopInMs, offset),
        storageBucketOf: (f) => f,
        maxBucketsPerEvent: Math.ceil(w.sizeInMs / w.hopInMs),
      };
    }
    case 'sliding':
      return atEventTime(w.sizeInMs);
    case 'session':
      return atEventTime(w.timeoutInMs);
    case 'snapshot':
      return atEventTime(snapshotBucketSpanInMs);
  }
}

interface UnitBuilder {
  firstSeq: number;
  lastSeq: number;
  deltas: Map<number, StatementDeltas>;
  rows: number;
  chars: number;
  eventRows: EmittedRow[];
  deadLetters: DeadLetter[];
}

const newUnit = (): UnitBuilder => ({
  firstSeq: -1,
  lastSeq: -1,
  deltas: new Map(),
  rows: 0,
  chars: 0,
  eventRows: [],
  deadLetters: [],
});

/**
 * Applies one partition's batch to its progress, purely: no I/O, no clock but `clockMs`. Messages at
 * or below `progress.lastSeq` were applied before (a redelivery) and are skipped one by one, so a
 * redelivered batch with different boundaries is handled exactly. `progress` is not modified.
 *
 * @param clockMs - the engine clock now (epoch ms); the idle watermark extrapolates from it
 */
export function applyBatch(
  job: CompiledJob,
  progressBefore: PartitionProgress,
  messages: readonly InputMessage[],
  clockMs: number,
  limits: ApplyLimits = defaultApplyLimits,
): CommitUnit[] {
  const policy = job.definition.eventOrdering;
  const oooMs = policy.outOfOrderToleranceInSeconds * 1000;
  const lateMs = policy.lateArrivalToleranceInSeconds * 1000;
  const input = job.input;
  const statements = job.statements;
  const layouts = statements.map((s) => (s.window ? statementLayout(s) : undefined));
  const maxRowsPerEvent = layouts.reduce((n, l) => n + (l?.maxBucketsPerEvent ?? 0), 0);
  const progress = clonePartitionProgress(progressBefore);
  const counters = progress.counters;
  const units: CommitUnit[] = [];
  let unit = newUnit();

  const closeUnit = (): void => {
    if (unit.firstSeq < 0) return;
    units.push({
      firstSeq: unit.firstSeq,
      lastSeq: unit.lastSeq,
      progress: clonePartitionProgress(progress),
      deltas: unit.deltas,
      eventRows: unit.eventRows,
      deadLetters: unit.deadLetters,
    });
    unit = newUnit();
  };

  const deadLetter = (m: InputMessage, reason: DeadLetterReason, detail: string): void => {
    counters.deadLettered[reason] = (counters.deadLettered[reason] ?? 0) + 1;
    unit.deadLetters.push({
      partitionId: progress.partitionId,
      sequenceNumber: m.sequenceNumber,
      enqueuedTimeMs: m.enqueuedTimeMs,
      reason,
      detail,
      body: bodyBytes(m.body),
      ...(m.lineNumber === undefined ? {} : { lineNumber: m.lineNumber }),
    });
  };

  for (const m of messages) {
    const seq = m.sequenceNumber;
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new RangeError(`sequenceNumber: expected a non-negative safe integer, received ${seq}`);
    }
    if (seq <= progress.lastSeq) {
      counters.duplicatesSkipped++;
      continue;
    }
    if (
      unit.rows + maxRowsPerEvent > limits.maxDeltaRowsPerUnit ||
      unit.chars > limits.maxDeltaCharsPerUnit
    ) {
      closeUnit();
    }
    if (unit.firstSeq < 0) unit.firstSeq = seq;
    unit.lastSeq = seq;
    progress.lastSeq = seq;
    counters.inputEvents++;
    const arrival = m.enqueuedTimeMs;
    if (progress.lastArrivalMs === null || arrival >= progress.lastArrivalMs) {
      progress.lastArrivalMs = arrival;
      progress.clockAtLastArrivalMs = clockMs;
    }

    const decoded = decodeMessage(input, m.body);
    if (!decoded.ok) {
      deadLetter(m, decoded.reason, decoded.detail);
      continue;
    }
    const record = decoded.record;
    const watermark = progress.watermarkMs ?? Number.NEGATIVE_INFINITY;
    let t: number;
    if (input.timestampBy) {
      const raw = input.timestampIsContractEventTime
        ? undefined
        : input.timestampBy({ record, timestampMs: arrival });
      const eventTime = input.timestampIsContractEventTime ? decoded.contractEventTimeMs : toEpochMs(raw);
      if (eventTime === undefined) {
        deadLetter(
          m,
          'invalidTimestamp',
          `TIMESTAMP BY: expected a datetime, received ${JSON.stringify(raw)}`,
        );
        continue;
      }
      const verdict = classifyEventTime(policy, eventTime, arrival, watermark);
      switch (verdict.kind) {
        case 'early':
          counters.early++;
          deadLetter(
            m,
            'early',
            `event time: expected at most 5 minutes after arrival ${new Date(arrival).toISOString()}, ` +
              `received ${new Date(eventTime).toISOString()}`,
          );
          continue;
        case 'late':
        case 'outOfOrder':
          if (verdict.action === 'dropped') {
            if (verdict.kind === 'late') counters.lateDropped++;
            else counters.outOfOrderDropped++;
            continue;
          }
          if (verdict.kind === 'late') counters.lateAdjusted++;
          else counters.outOfOrderAdjusted++;
          t = verdict.timestampMs;
          break;
        case 'onTime':
          t = verdict.timestampMs;
          break;
      }
    } else {
      // Arrival time is the event time; ordering policies do not apply (ASA). Enqueued times are
      // monotonic per partition; a replay file that is not is clamped to keep the watermark sound.
      t = Math.max(arrival, watermark);
    }

    progress.maxEventTimeMs = progress.maxEventTimeMs === null ? t : Math.max(progress.maxEventTimeMs, t);
    let w = Math.max(watermark, progress.maxEventTimeMs - (input.timestampBy ? oooMs : 0));
    // Every event that passes the late check is at or after arrival - tolerance, so the arrival term
    // never reclassifies an accepted event; it keeps the watermark moving through late data.
    if (input.timestampBy && policy.lateArrivalToleranceInSeconds >= 0)
      w = Math.max(w, progress.lastArrivalMs - lateMs);
    progress.watermarkMs = w;

    applyToStatements(record, t);
  }
  closeUnit();
  return units;

  function addTo(
    deltas: StatementDeltas,
    layout: StatementLayout,
    fine: number,
    key: string,
    keyValues: readonly unknown[],
    values: readonly unknown[],
  ): void {
    const b = layout.storageBucketOf(fine);
    let bucket = deltas.get(b);
    if (!bucket) {
      deltas.set(b, (bucket = new Map<number, Map<string, GroupAccumulator>>()));
      unit.rows++;
    }
    let groups = bucket.get(fine);
    if (!groups) bucket.set(fine, (groups = new Map<string, GroupAccumulator>()));
    let acc = groups.get(key);
    if (!acc) {
      groups.set(key, (acc = createGroupAccumulator(keyValues, layout.kinds)));
      unit.chars += 32 + key.length + 16 * layout.kinds.length;
    }
    accumulate(acc, layout.kinds, values);
    if (layout.hasDistinct) {
      for (let a = 0; a < layout.kinds.length; a++) {
        if (layout.kinds[a] === 'countDistinct') unit.chars += 8 + String(values[a]).length;
      }
    }
  }

  function applyToStatements(record: EventRecord, t: number): void {
    const ctx = { record, timestampMs: t };
    for (let i = 0; i < statements.length; i++) {
      const s = statements[i]!;
      if (s.where && s.where(ctx) !== true) continue;
      const layout = layouts[i];
      if (!layout) {
        const row = s.projectEvent(record, t);
        unit.eventRows.push({ output: s.output, timestampMs: t, row });
        counters.rowsEmitted[s.output] = (counters.rowsEmitted[s.output] ?? 0) + 1;
        continue;
      }
      const keyValues = s.keys.map((k) => k(ctx));
      const key = groupKeyOf(keyValues);
      const values = s.aggregates.map((a) => (a.arg ? a.arg(ctx) : null));
      let deltas = unit.deltas.get(i);
      if (!deltas) unit.deltas.set(i, (deltas = new Map<number, Bucket>()));
      const single = layout.singleFineTime;
      if (single) {
        addTo(deltas, layout, single(t), key, keyValues, values);
      } else {
        for (const fine of layout.fineTimes(t)) addTo(deltas, layout, fine, key, keyValues, values);
      }
    }
  }
}
