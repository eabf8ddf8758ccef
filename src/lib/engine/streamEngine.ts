import type { Clock } from '../ports/clock';
import type { DeadLetterStore } from '../ports/deadLetterStore';
import type { OutputSink } from '../ports/outputSink';
import {
  StateConflictError,
  type DeltaKey,
  type StateOp,
  type StateStore,
  type StoredDelta,
  type Versioned,
} from '../ports/stateStore';
import {
  applyBatch,
  defaultApplyLimits,
  statementLayout,
  type ApplyLimits,
  type CommitUnit,
  type EmittedRow,
} from './applyBatch';
import type { CompiledJob, CompiledStatement } from './compileJob';
import { fineRangeToRead, finalizeWindows, firstFineStillNeeded } from './finalizeWindows';
import { ceilToGrid } from './windows';
import { groupKeyOf } from './groupKey';
import type { InputMessage } from './inputMessage';
import { bucketFromJson, bucketToJson, mergeBucketInto, type Bucket } from './state/bucket';
import {
  addEngineCounters,
  cloneEngineCounters,
  createEngineCounters,
  subtractEngineCounters,
  type EngineCounters,
} from './state/engineCounters';
import { createFinalizerState, type FinalizerState } from './state/finalizerState';
import { openSessionsFromJson, openSessionsToJson } from './state/openSessionsCodec';
import {
  clonePartitionProgress,
  createPartitionProgress,
  idleWatermarkMs,
  type PartitionProgress,
} from './state/partitionProgress';

export interface StreamEngineOptions {
  readonly job: CompiledJob;
  readonly store: StateStore;
  readonly sink: OutputSink;
  readonly deadLetters: DeadLetterStore;
  readonly clock: Clock;
  /** Every partition of the input: a window closes only when all of them have passed its end. */
  readonly partitionIds: readonly string[];
  /** A partition with no arrivals for this long gets ASA's idle watermark. Default 5000. */
  readonly idleThresholdInMs?: number;
  /** How often other partitions' watermarks are re-read while a window waits for them. Default 1000. */
  readonly watermarkPollIntervalInMs?: number;
  /** Attempts when another writer wins a conditional write. Default 8. */
  readonly maxConflictRetries?: number;
  readonly applyLimits?: ApplyLimits;
}

/** What one call did, for logs and metrics. */
export interface BatchSummary {
  readonly partitionId: string;
  readonly messages: number;
  readonly duplicatesSkipped: number;
  readonly deadLettered: number;
  readonly eventRowsEmitted: number;
  readonly windowRowsEmitted: number;
  readonly watermarkMs: number | null;
  readonly commits: number;
  /** What this batch added to the partition's counters (early, late, out of order, dead letters...). */
  readonly counters: EngineCounters;
}

interface CachedDelta {
  readonly key: DeltaKey;
  readonly bucket: Bucket;
}

interface PartitionCache {
  progress: PartitionProgress;
  /** Undefined until the progress row exists. */
  etag: string | undefined;
  /** This partition's deltas that exist in the store, by row identity. */
  deltas: Map<string, CachedDelta>;
  /** Deltas known to be obsolete, deleted by this partition's next commits. */
  pendingDeletes: DeltaKey[];
}

interface PreparedFinalization {
  readonly state: FinalizerState;
  readonly etag: string | undefined;
  readonly rows: number;
}

/** Entity-group transactions hold at most 100 operations. */
const maxOpsPerTransaction = 100;
/** Largest instant a JavaScript Date can hold: the watermark at end of input. */
export const endOfTimeMs = 8_640_000_000_000_000;

/** A mutual-exclusion lock for async code in one process. */
class AsyncLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  tryAcquire(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    // Hand the lock straight to the next waiter, so nobody can slip in between.
    if (next) next();
    else this.held = false;
  }
}

const deltaId = (k: DeltaKey): string => `${k.statementIndex}|${k.bucketMs}|${k.partitionId}|${k.lastSeq}`;

/**
 * The streaming engine: applies partition batches exactly once to state in a {@link StateStore},
 * and emits each closed window once the watermark of every partition has passed its end.
 *
 * Exactly once, under at-least-once delivery: a batch's deltas and the partition's progress (its last
 * applied sequence number) are committed in one atomic transaction, guarded by the progress row's
 * ETag; redelivered messages at or below that sequence number are skipped one by one. Window rows are
 * written to the sink before the finalizer records them as emitted, so a crash can repeat a row
 * (identically) but never lose one.
 */
export class StreamEngine {
  private readonly job: CompiledJob;
  private readonly store: StateStore;
  private readonly sink: OutputSink;
  private readonly deadLetters: DeadLetterStore;
  private readonly clock: Clock;
  private readonly partitionIds: readonly string[];
  private readonly idleThresholdInMs: number;
  private readonly pollIntervalInMs: number;
  private readonly maxConflictRetries: number;
  private readonly limits: ApplyLimits;
  private readonly grouped: readonly CompiledStatement[];
  private readonly caches = new Map<string, PartitionCache>();
  private readonly finalizerLock = new AsyncLock();
  private finalizer: Versioned<FinalizerState> | { value: FinalizerState; etag: undefined } | undefined;
  private others: { readAtMs: number; watermarks: Map<string, number | null> } | undefined;

  constructor(options: StreamEngineOptions) {
    if (options.partitionIds.length === 0) {
      throw new RangeError('partitionIds: expected at least one partition id, received none');
    }
    if (options.partitionIds.some((id) => id.length === 0)) {
      throw new RangeError('partitionIds: expected non-empty ids, received an empty one');
    }
    if (new Set(options.partitionIds).size !== options.partitionIds.length) {
      throw new RangeError(`partitionIds: expected unique ids, received ${options.partitionIds.join(',')}`);
    }
    this.job = options.job;
    this.store = options.store;
    this.sink = options.sink;
    this.deadLetters = options.deadLetters;
    this.clock = options.clock;
    this.partitionIds = options.partitionIds;
    this.idleThresholdInMs = options.idleThresholdInMs ?? 5000;
    this.pollIntervalInMs = options.watermarkPollIntervalInMs ?? 1000;
    this.maxConflictRetries = options.maxConflictRetries ?? 8;
    this.limits = options.applyLimits ?? defaultApplyLimits;
    this.grouped = this.job.statements.filter((s) => s.window !== undefined);
  }

  /**
   * Applies one batch of one partition (as the Event Hubs trigger delivers it, in sequence order).
   * Safe to call again with the same or overlapping messages. Throws on infrastructure failure, so that
   * the caller's retry policy redelivers the batch; bad messages never throw, they are dead-lettered.
   */
  async processBatch(partitionId: string, messages: readonly InputMessage[]): Promise<BatchSummary> {
    this.assertPartition(partitionId);
    return this.withConflictRetry(partitionId, async () => {
      const cache = await this.partition(partitionId);
      const lastSeqBefore = cache.progress.lastSeq;
      // One finalization at a time per process: concurrent partitions would compute and write the
      // same rows, and all but one would lose the finalizer's ETag race.
      const owns = this.finalizerLock.tryAcquire();
      try {
        return await this.applyAndCommit(
          partitionId,
          cache,
          messages,
          lastSeqBefore,
          owns ? await this.prepareFinalization(partitionId) : undefined,
        );
      } finally {
        if (owns) this.finalizerLock.release();
      }
    });
  }

  private async applyAndCommit(
    partitionId: string,
    cache: PartitionCache,
    messages: readonly InputMessage[],
    lastSeqBefore: number,
    finalization: PreparedFinalization | undefined,
  ): Promise<BatchSummary> {
    const countersBefore = cloneEngineCounters(cache.progress.counters);
    const units: CommitUnit[] = applyBatch(this.job, cache.progress, messages, this.clock.now(), this.limits);
    const duplicates = messages.filter((m) => m.sequenceNumber <= lastSeqBefore).length;
    if (units.length === 0 && (duplicates > 0 || finalization)) {
      // A wholly redelivered batch: nothing to apply, but its count belongs in the metrics, and a
      // prepared finalization rides along.
      const progress = clonePartitionProgress(cache.progress);
      progress.counters.duplicatesSkipped += duplicates;
      units.push({ firstSeq: -1, lastSeq: -1, progress, deltas: new Map(), eventRows: [], deadLetters: [] });
    }
    let commits = 0;
    let eventRows = 0;
    let deadLettered = 0;
    let pendingFinalization = finalization;
    for (const unit of units) {
      await this.deadLetters.write(unit.deadLetters);
      if (unit.eventRows.length > 0) {
        await this.sink.writeEventRows(unit.eventRows, `p${partitionId}-${unit.firstSeq}-${unit.lastSeq}`);
      }
      const created: CachedDelta[] = [];
      const ops: StateOp[] = [{ kind: 'putProgress', progress: unit.progress, etag: cache.etag }];
      for (const [statementIndex, deltas] of unit.deltas) {
        const kinds = this.job.statements[statementIndex]!.aggregates.map((a) => a.kind);
        for (const [bucketMs, bucket] of deltas) {
          const key: DeltaKey = { statementIndex, bucketMs, partitionId, lastSeq: unit.lastSeq };
          ops.push({
            kind: 'createDelta',
            delta: { ...key, firstSeq: unit.firstSeq, json: bucketToJson(bucket, kinds) },
          });
          created.push({ key, bucket });
        }
      }
      if (pendingFinalization) ops.push(this.finalizerOp(pendingFinalization));
      const deletes = cache.pendingDeletes.slice(0, Math.max(0, maxOpsPerTransaction - ops.length));
      for (const key of deletes) ops.push({ kind: 'deleteDelta', key });
      const result = await this.store.commit(ops);
      commits++;
      cache.progress = unit.progress;
      cache.etag = result.progressEtags.get(partitionId);
      for (const d of created) cache.deltas.set(deltaId(d.key), d);
      this.forgetDeletes(cache, deletes);
      if (pendingFinalization) this.finalizationCommitted(pendingFinalization, result.finalizerEtag);
      pendingFinalization = undefined;
      eventRows += unit.eventRows.length;
      deadLettered += unit.deadLetters.length;
    }
    return {
      partitionId,
      messages: messages.length,
      duplicatesSkipped: duplicates,
      deadLettered,
      eventRowsEmitted: eventRows,
      windowRowsEmitted: finalization?.rows ?? 0,
      watermarkMs: cache.progress.watermarkMs,
      commits,
      counters: subtractEngineCounters(cache.progress.counters, countersBefore),
    };
  }

  /**
   * Advances the watermark of partitions that have been idle for the idle threshold to ASA's idle
   * watermark (last arrival + time since - late tolerance), then emits the windows that closed. Called
   * by a timer so that results appear when traffic stops.
   * @returns the number of window rows emitted
   */
  async advanceIdlePartitions(): Promise<number> {
    const late = this.job.definition.eventOrdering.lateArrivalToleranceInSeconds;
    if (late < 0) return this.finalizeNow();
    await this.withConflictRetry(undefined, async () => {
      const meta = await this.readMeta();
      const now = this.clock.now();
      const ops: StateOp[] = [];
      for (const id of this.partitionIds) {
        const row = meta.progress.get(id);
        if (!row) {
          // A partition that never delivered is idle since we first looked: hold windows back by the
          // late tolerance only, as ASA does for partitions without input.
          const fresh = createPartitionProgress(id);
          fresh.watermarkMs = now - late * 1000;
          fresh.clockAtLastArrivalMs = now;
          fresh.lastArrivalMs = now;
          ops.push({ kind: 'putProgress', progress: fresh, etag: undefined });
          continue;
        }
        const p = row.value;
        if (p.clockAtLastArrivalMs !== null && now - p.clockAtLastArrivalMs < this.idleThresholdInMs)
          continue;
        const idle = idleWatermarkMs(p, now, late);
        if (idle === undefined || idle <= (p.watermarkMs ?? Number.NEGATIVE_INFINITY)) continue;
        const advanced = clonePartitionProgress(p);
        advanced.watermarkMs = idle;
        ops.push({ kind: 'putProgress', progress: advanced, etag: row.etag });
      }
      await this.commitProgressUpdates(ops);
    });
    return this.finalizeNow();
  }

  /**
   * End of input (replay): moves every partition's watermark past every window, so that every window
   * closes, and emits them.
   * @returns the number of window rows emitted
   */
  async flush(): Promise<number> {
    await this.withConflictRetry(undefined, async () => {
      const meta = await this.readMeta();
      const ops: StateOp[] = [];
      for (const id of this.partitionIds) {
        const row = meta.progress.get(id);
        if (row && row.value.watermarkMs === endOfTimeMs) continue;
        const p = row ? clonePartitionProgress(row.value) : createPartitionProgress(id);
        p.watermarkMs = endOfTimeMs;
        ops.push({ kind: 'putProgress', progress: p, etag: row?.etag });
      }
      await this.commitProgressUpdates(ops);
    });
    const rows = await this.finalizeNow();
    await this.compact();
    return rows;
  }

  /**
   * Deletes the obsolete deltas this process knows of now, instead of with the partitions' next
   * commits (used when no more batches will come).
   */
  async compact(): Promise<void> {
    for (const partitionId of this.partitionIds) {
      const cache = await this.partition(partitionId);
      while (cache.pendingDeletes.length > 0) {
        await this.withConflictRetry(partitionId, async () => {
          const c = await this.partition(partitionId);
          const deletes = c.pendingDeletes.slice(0, maxOpsPerTransaction - 1);
          const ops: StateOp[] = [{ kind: 'putProgress', progress: c.progress, etag: c.etag }];
          for (const key of deletes) ops.push({ kind: 'deleteDelta', key });
          const result = await this.store.commit(ops);
          c.etag = result.progressEtags.get(partitionId);
          this.forgetDeletes(c, deletes);
        });
        if (this.caches.get(partitionId) !== cache) break;
      }
    }
  }

  /** Counters and watermarks of every partition, summed counters, and the finalizer's position. */
  async health(): Promise<{
    partitions: { partitionId: string; progress: PartitionProgress | undefined }[];
    totals: EngineCounters;
    finalizedThroughMs: number | null;
  }> {
    const meta = await this.store.readMeta();
    const totals = createEngineCounters();
    for (const p of meta.progress.values()) addEngineCounters(totals, p.value.counters);
    for (const [output, n] of Object.entries(meta.finalizer?.value.rowsEmitted ?? {})) {
      totals.rowsEmitted[output] = (totals.rowsEmitted[output] ?? 0) + n;
    }
    return {
      partitions: this.partitionIds.map((id) => ({
        partitionId: id,
        progress: meta.progress.get(id)?.value,
      })),
      totals,
      finalizedThroughMs: meta.finalizer?.value.finalizedThroughMs ?? null,
    };
  }

  /** Emits every window that all partitions' committed watermarks have passed. */
  async finalizeNow(): Promise<number> {
    await this.finalizerLock.acquire();
    try {
      return await this.withConflictRetry(undefined, async () => {
        this.others = undefined;
        const prepared = await this.prepareFinalization(undefined);
        if (!prepared) return 0;
        await this.commitFinalizationAlone(prepared);
        return prepared.rows;
      });
    } finally {
      this.finalizerLock.release();
    }
  }

  private assertPartition(partitionId: string): void {
    if (!this.partitionIds.includes(partitionId)) {
      throw new RangeError(
        `partitionId: expected one of ${this.partitionIds.join(', ')}, received ${partitionId}`,
      );
    }
  }

  private async withConflictRetry<T>(partitionId: string | undefined, work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof StateConflictError) || attempt >= this.maxConflictRetries) throw error;
        // Someone else wrote: forget what may be stale and start again from the store.
        if (partitionId === undefined) this.caches.clear();
        else this.caches.delete(partitionId);
        this.finalizer = undefined;
        this.others = undefined;
      }
    }
  }

  private async readMeta(): Promise<Awaited<ReturnType<StateStore['readMeta']>>> {
    const meta = await this.store.readMeta();
    this.adoptFinalizer(meta.finalizer);
    this.others = {
      readAtMs: this.clock.now(),
      watermarks: new Map(
        this.partitionIds.map((id) => [id, meta.progress.get(id)?.value.watermarkMs ?? null]),
      ),
    };
    return meta;
  }

  private async commitProgressUpdates(ops: StateOp[]): Promise<void> {
    for (let i = 0; i < ops.length; i += maxOpsPerTransaction) {
      const chunk = ops.slice(i, i + maxOpsPerTransaction);
      const result = await this.store.commit(chunk);
      for (const op of chunk) {
        if (op.kind !== 'putProgress') continue;
        const cache = this.caches.get(op.progress.partitionId);
        if (cache) {
          cache.progress = op.progress;
          cache.etag = result.progressEtags.get(op.progress.partitionId);
        }
        this.others?.watermarks.set(op.progress.partitionId, op.progress.watermarkMs);
      }
    }
  }

  private async partition(partitionId: string): Promise<PartitionCache> {
    const cached = this.caches.get(partitionId);
    if (cached) return cached;
    const loaded = await this.store.loadPartition(partitionId);
    if (!this.finalizer)
      this.finalizer = loaded.finalizer ?? { value: createFinalizerState(), etag: undefined };
    const deltas = new Map<string, CachedDelta>();
    for (const d of loaded.deltas) deltas.set(deltaId(d), { key: d, bucket: this.decodeDelta(d) });
    const cache: PartitionCache = {
      progress: loaded.progress?.value ?? createPartitionProgress(partitionId),
      etag: loaded.progress?.etag,
      deltas,
      pendingDeletes: [],
    };
    this.caches.set(partitionId, cache);
    if (this.finalizer) this.markObsolete(cache, this.finalizer.value.finalizedThroughMs);
    return cache;
  }

  private decodeDelta(d: StoredDelta): Bucket {
    const s = this.job.statements[d.statementIndex];
    if (!s?.window) {
      throw new RangeError(
        `stored delta: expected a GROUP BY statement at index ${d.statementIndex}, received none; ` +
          'was the job changed without a new job name?',
      );
    }
    return bucketFromJson(d.json, statementLayout(s).kinds, groupKeyOf);
  }

  /** The minimum committed watermark over all partitions, reading others only when it could matter. */
  /**
   * The earliest System.Timestamp any statement can output at or after `fromMs`: the next window end for
   * tumbling and hopping windows; `fromMs` itself for windows whose output times depend on the data.
   */
  private earliestOutputAtOrAfter(fromMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const s of this.grouped) {
      const w = s.window!;
      const next =
        w.kind === 'tumbling'
          ? ceilToGrid(fromMs, w.sizeInMs, w.offsetInMs ?? 0)
          : w.kind === 'hopping'
            ? ceilToGrid(fromMs, w.hopInMs, w.offsetInMs ?? 0)
            : fromMs;
      earliest = Math.min(earliest, next);
    }
    return earliest;
  }

  private async minWatermark(ownPartitionId: string | undefined): Promise<number | null> {
    const finalized = this.finalizer?.value.finalizedThroughMs ?? null;
    const own =
      ownPartitionId === undefined ? undefined : this.caches.get(ownPartitionId)?.progress.watermarkMs;
    if (own === null) return null;
    const single = this.partitionIds.length === 1 && ownPartitionId !== undefined;
    if (single && this.finalizer) return own ?? null;
    // Nothing can close before this partition passes the next possible output time: don't poll others.
    if (own !== undefined && finalized !== null && own <= this.earliestOutputAtOrAfter(finalized)) return own;
    const stale = !this.others || this.clock.now() - this.others.readAtMs >= this.pollIntervalInMs;
    if (stale || !this.finalizer) await this.readMeta();
    let min = Number.POSITIVE_INFINITY;
    for (const id of this.partitionIds) {
      const w = id === ownPartitionId && own !== undefined ? own : this.others!.watermarks.get(id);
      if (w === null || w === undefined) return null;
      min = Math.min(min, w);
    }
    return min;
  }

  /**
   * Computes and writes to the sink every window row that the committed state lets us emit, and
   * returns the finalizer state to commit (or undefined when nothing closed).
   */
  private async prepareFinalization(
    ownPartitionId: string | undefined,
  ): Promise<PreparedFinalization | undefined> {
    const through = await this.minWatermark(ownPartitionId);
    const current = this.finalizer;
    if (through === null || !current) return undefined;
    const from = current.value.finalizedThroughMs ?? Number.NEGATIVE_INFINITY;
    if (through <= from) return undefined;
    const next: FinalizerState = {
      finalizedThroughMs: through,
      rowsEmitted: { ...current.value.rowsEmitted },
      openSessions: { ...current.value.openSessions },
    };
    const rows: EmittedRow[] = [];
    let readStore = false;
    for (const s of this.grouped) {
      if (!this.mayOutputIn(s, from, through)) continue;
      const layout = statementLayout(s);
      const { lo, hi } = fineRangeToRead(s, from, through);
      const { merged, fromStore } = await this.mergedDeltas(
        s,
        Math.max(0, layout.storageBucketOf(Math.max(lo, 0))),
        layout.storageBucketOf(hi),
        ownPartitionId,
      );
      readStore ||= fromStore;
      const sessions =
        s.window!.kind === 'session'
          ? openSessionsFromJson(current.value.openSessions[s.index], layout.kinds)
          : undefined;
      rows.push(...finalizeWindows(s, merged, from, through, sessions));
      if (sessions) next.openSessions[s.index] = openSessionsToJson(sessions, layout.kinds);
    }
    if (rows.length > 0 && readStore) {
      // Deltas are deleted once a finalization past them commits. If one committed since our cached
      // finalizer, the deltas just read may be incomplete: never write rows computed from them.
      const fresh = await this.store.readFinalizer();
      if (fresh?.etag !== current.etag) {
        throw new StateConflictError('finalizer: expected the cached version, received a newer one');
      }
    }
    if (rows.length > 0) await this.sink.writeWindowRows(rows);
    for (const r of rows) next.rowsEmitted[r.output] = (next.rowsEmitted[r.output] ?? 0) + 1;
    return { state: next, etag: current.etag, rows: rows.length };
  }

  /** False when a statement certainly has no output time in [fromMs, toMs): no window end falls there. */
  private mayOutputIn(s: CompiledStatement, fromMs: number, toMs: number): boolean {
    const w = s.window!;
    if (w.kind !== 'tumbling' && w.kind !== 'hopping') return true;
    if (fromMs === Number.NEGATIVE_INFINITY) return true;
    const step = w.kind === 'tumbling' ? w.sizeInMs : w.hopInMs;
    return ceilToGrid(fromMs, step, w.offsetInMs ?? 0) < toMs;
  }

  private async mergedDeltas(
    s: CompiledStatement,
    fromBucketMs: number,
    toBucketMs: number,
    ownPartitionId: string | undefined,
  ): Promise<{ merged: Bucket; fromStore: boolean }> {
    const kinds = s.aggregates.map((a) => a.kind);
    const merged: Bucket = new Map();
    const own = ownPartitionId === undefined ? undefined : this.caches.get(ownPartitionId);
    if (this.partitionIds.length === 1 && own) {
      // One partition: its deltas are all this process's cache holds. A stale owner computes the same
      // rows, since events applied after its watermark belong to later windows.
      for (const d of own.deltas.values()) {
        if (
          d.key.statementIndex === s.index &&
          d.key.bucketMs >= fromBucketMs &&
          d.key.bucketMs <= toBucketMs
        ) {
          mergeBucketInto(merged, d.bucket, kinds);
        }
      }
      return { merged, fromStore: false };
    }
    if (toBucketMs < fromBucketMs) return { merged, fromStore: false };
    for (const d of await this.store.readDeltas(s.index, fromBucketMs, toBucketMs)) {
      mergeBucketInto(merged, this.decodeDelta(d), kinds);
    }
    return { merged, fromStore: true };
  }

  private finalizerOp(f: PreparedFinalization): StateOp {
    return { kind: 'putFinalizer', finalizer: f.state, etag: f.etag };
  }

  private async commitFinalizationAlone(f: PreparedFinalization): Promise<void> {
    const result = await this.store.commit([this.finalizerOp(f)]);
    this.finalizationCommitted(f, result.finalizerEtag);
  }

  private finalizationCommitted(f: PreparedFinalization, etag: string | undefined): void {
    if (etag === undefined) throw new TypeError('commit: expected the finalizer ETag, received none');
    this.finalizer = { value: f.state, etag };
    for (const cache of this.caches.values()) this.markObsolete(cache, f.state.finalizedThroughMs);
  }

  /**
   * Takes a finalizer read from the store as the current one. If another instance finalized further,
   * this process's partitions queue their now-obsolete deltas for deletion.
   */
  private adoptFinalizer(stored: Versioned<FinalizerState> | undefined): void {
    this.finalizer = stored ?? { value: createFinalizerState(), etag: undefined };
    for (const cache of this.caches.values())
      this.markObsolete(cache, this.finalizer.value.finalizedThroughMs);
  }

  /** Queues for deletion this partition's deltas that no future finalization will read. */
  private markObsolete(cache: PartitionCache, finalizedThroughMs: number | null): void {
    if (finalizedThroughMs === null) return;
    const queued = new Set(cache.pendingDeletes.map(deltaId));
    for (const [id, d] of cache.deltas) {
      const s = this.job.statements[d.key.statementIndex]!;
      if (d.key.bucketMs < firstFineStillNeeded(s, finalizedThroughMs) && !queued.has(id)) {
        cache.pendingDeletes.push(d.key);
      }
    }
  }

  private forgetDeletes(cache: PartitionCache, deleted: readonly DeltaKey[]): void {
    if (deleted.length === 0) return;
    const gone = new Set(deleted.map(deltaId));
    for (const id of gone) cache.deltas.delete(id);
    cache.pendingDeletes = cache.pendingDeletes.filter((k) => !gone.has(deltaId(k)));
  }
}
