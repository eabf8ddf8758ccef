import { statusOf } from '../isRetriable';
import { odata, type TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { FinalizerState } from '../../engine/state/finalizerState';
import type { PartitionProgress } from '../../engine/state/partitionProgress';
import {
  StateConflictError,
  type CommitResult,
  type DeltaKey,
  type MetaSnapshot,
  type PartitionSnapshot,
  type StateOp,
  type StateStore,
  type StoredDelta,
  type Versioned,
} from '../../ports/stateStore';
import { chunkText, unchunkText } from './chunkedText';
import { encodeKeyComponent, padNumber } from './encodeKeyComponent';

/*
 * Layout of one job's state in Azure Table Storage
 * ------------------------------------------------
 * PartitionKey  job~<encoded job name>            one entity group per job, so that a partition's
 *                                                 deltas, its progress and the finalizer commit in
 *                                                 ONE entity-group transaction (atomic, 1 request).
 * RowKey        f                                 the finalizer (what has been emitted)
 *               p~<partition>                     a partition's progress (last applied sequence no.)
 *               b~<stmt:3>~<bucket:16>~<partition>~<lastSeq:20>
 *                                                 a delta: partial aggregates one commit added to one
 *                                                 statement's storage bucket; range-readable by time.
 *
 * Scale: Table Storage targets 2,000 entities/s per PartitionKey. A commit writes the progress row and
 * 1-2 delta rows per statement (plus deletes of emitted deltas riding along), i.e. about 4 entity
 * operations per batch: about 500 batches/s per job, or 50,000 events/s at 100-event batches and
 * 128,000 at 256. Beyond that, shard the job (one job name per group of Event Hubs partitions).
 * Entity-group transactions are limited to 100 operations and 4 MiB; the engine cuts commits to fit.
 */

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

export interface TableStateStoreOptions {
  /** A client for the state table (created with createTable beforehand). */
  readonly client: TableClient;
  readonly jobName: string;
}

const progressRowKey = (partitionId: string): string => `p~${encodeKeyComponent(partitionId)}`;
const deltaPrefix = (statementIndex: number, bucketMs: number): string =>
  `b~${padNumber(statementIndex, 3)}~${padNumber(bucketMs, 16)}~`;
const deltaRowKey = (k: DeltaKey): string =>
  `${deltaPrefix(k.statementIndex, k.bucketMs)}${encodeKeyComponent(k.partitionId)}~${padNumber(k.lastSeq, 20)}`;

const chunk = (text: string): Record<string, string> => chunkText(text, 'entity value');
const unchunk = (entity: Record<string, unknown>): string =>
  unchunkText(entity, `entity ${String(entity.rowKey)}`);

/** 409 (exists), 412 (ETag changed) and 404 (already deleted) all mean another writer got there first. */
function isConflict(error: unknown): boolean {
  // A missing table is a configuration problem, not a race: let it surface as it is.
  if ((error as { code?: unknown } | null)?.code === 'TableNotFound') return false;
  const status = statusOf(error);
  return status === 409 || status === 412 || status === 404;
}

/** The engine's {@link StateStore} on Azure Table Storage (or Azurite). */
export class TableStateStore implements StateStore {
  private readonly client: TableClient;
  private readonly pk: string;

  constructor(options: TableStateStoreOptions) {
    if (!options.jobName) throw new RangeError('jobName: expected a non-empty string, received ""');
    this.client = options.client;
    this.pk = `job~${encodeKeyComponent(options.jobName)}`;
  }

  async loadPartition(partitionId: string): Promise<PartitionSnapshot> {
    const filter = odata`PartitionKey eq ${this.pk} and (RowKey eq 'f' or RowKey eq ${progressRowKey(partitionId)} or (RowKey ge 'b~' and RowKey lt 'b~~' and partitionId eq ${partitionId}))`;
    let progress: Versioned<PartitionProgress> | undefined;
    let finalizer: Versioned<FinalizerState> | undefined;
    const deltas: StoredDelta[] = [];
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } })) {
      if (e.rowKey === 'f') finalizer = { value: JSON.parse(unchunk(e)) as FinalizerState, etag: e.etag };
      else if (e.rowKey.startsWith('p~'))
        progress = { value: JSON.parse(unchunk(e)) as PartitionProgress, etag: e.etag };
      else deltas.push(this.toDelta(e));
    }
    return { progress, deltas, finalizer };
  }

  async readFinalizer(): Promise<Versioned<FinalizerState> | undefined> {
    try {
      const e = await this.client.getEntity<Entity>(this.pk, 'f');
      return { value: JSON.parse(unchunk(e)) as FinalizerState, etag: e.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async readMeta(): Promise<MetaSnapshot> {
    const filter = odata`PartitionKey eq ${this.pk} and (RowKey eq 'f' or (RowKey ge 'p~' and RowKey lt 'p~~'))`;
    let finalizer: Versioned<FinalizerState> | undefined;
    const progress = new Map<string, Versioned<PartitionProgress>>();
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } })) {
      if (e.rowKey === 'f') {
        finalizer = { value: JSON.parse(unchunk(e)) as FinalizerState, etag: e.etag };
      } else {
        const value = JSON.parse(unchunk(e)) as PartitionProgress;
        progress.set(value.partitionId, { value, etag: e.etag });
      }
    }
    return { finalizer, progress };
  }

  async readDeltas(statementIndex: number, fromBucketMs: number, toBucketMs: number): Promise<StoredDelta[]> {
    const lo = deltaPrefix(statementIndex, fromBucketMs);
    // Partition ids encode to characters below '~', so '~~' bounds every id, the empty one included.
    const hi = deltaPrefix(statementIndex, toBucketMs) + '~~';
    const filter = odata`PartitionKey eq ${this.pk} and RowKey ge ${lo} and RowKey lt ${hi}`;
    const out: StoredDelta[] = [];
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } }))
      out.push(this.toDelta(e));
    return out;
  }

  async commit(ops: readonly StateOp[]): Promise<CommitResult> {
    if (ops.length === 0) return { progressEtags: new Map(), finalizerEtag: undefined };
    if (ops.length > 100)
      throw new RangeError(`commit: expected at most 100 operations, received ${ops.length}`);
    const actions: TransactionAction[] = [];
    /** Per action: the partition id of a progress write, 'f' for the finalizer, else undefined. */
    const written: (string | undefined)[] = [];
    const finalizerMark = '\u0000finalizer';
    let chars = 0;
    for (const op of ops) {
      switch (op.kind) {
        case 'putProgress': {
          const rowKey = progressRowKey(op.progress.partitionId);
          written.push(op.progress.partitionId);
          const text = JSON.stringify(op.progress);
          chars += text.length;
          const entity: Entity = {
            partitionKey: this.pk,
            rowKey,
            partitionId: op.progress.partitionId,
            ...chunk(text),
          };
          actions.push(
            op.etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag: op.etag }],
          );
          break;
        }
        case 'putFinalizer': {
          const text = JSON.stringify(op.finalizer);
          chars += text.length;
          const entity: Entity = { partitionKey: this.pk, rowKey: 'f', ...chunk(text) };
          written.push(finalizerMark);
          actions.push(
            op.etag === undefined ? ['create', entity] : ['update', entity, 'Replace', { etag: op.etag }],
          );
          break;
        }
        case 'createDelta': {
          const d = op.delta;
          chars += d.json.length;
          written.push(undefined);
          actions.push([
            'create',
            {
              partitionKey: this.pk,
              rowKey: deltaRowKey(d),
              partitionId: d.partitionId,
              statementIndex: d.statementIndex,
              bucketMs: String(d.bucketMs),
              firstSeq: String(d.firstSeq),
              lastSeq: String(d.lastSeq),
              ...chunk(d.json),
            },
          ]);
          break;
        }
        case 'deleteDelta':
          written.push(undefined);
          actions.push(['delete', { partitionKey: this.pk, rowKey: deltaRowKey(op.key) }]);
          break;
      }
    }
    // Entity-group transactions carry at most 4 MiB; Azurite does not enforce it, Azure does.
    if (chars > 3_500_000)
      throw new RangeError(`commit: expected at most 3,500,000 characters, received ${chars}`);
    let response;
    try {
      response = await this.client.submitTransaction(actions);
    } catch (error) {
      if (isConflict(error))
        throw new StateConflictError(`state commit lost a race: ${(error as Error).message}`, {
          cause: error,
        });
      throw error;
    }
    const progressEtags = new Map<string, string>();
    let finalizerEtag: string | undefined;
    // Sub-responses come in action order; update responses carry no row key, so match by position.
    response.subResponses.forEach((r, i) => {
      if (r.status >= 300)
        throw new StateConflictError(`state commit: operation ${i} failed with ${r.status}`);
      const what = written[i];
      if (what === finalizerMark) finalizerEtag = r.etag;
      else if (what !== undefined && r.etag) progressEtags.set(what, r.etag);
    });
    return { progressEtags, finalizerEtag };
  }

  private toDelta(e: TableEntityResult<Entity>): StoredDelta {
    return {
      statementIndex: Number(e.statementIndex),
      bucketMs: Number(e.bucketMs),
      partitionId: String(e.partitionId),
      firstSeq: Number(e.firstSeq),
      lastSeq: Number(e.lastSeq),
      json: unchunk(e),
    };
  }
}
