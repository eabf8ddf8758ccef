import type { FinalizerState } from '../engine/state/finalizerState';
import type { PartitionProgress } from '../engine/state/partitionProgress';

/** A stored value and the ETag that a conditional write must match. */
export interface Versioned<T> {
  readonly value: T;
  readonly etag: string;
}

/** Identifies one delta row. */
export interface DeltaKey {
  readonly statementIndex: number;
  /** Storage bucket (epoch ms, >= 0). */
  readonly bucketMs: number;
  readonly partitionId: string;
  /** Last sequence number of the commit unit that wrote it. */
  readonly lastSeq: number;
}

/** Partial aggregates one commit unit of one partition added to one statement's storage bucket. */
export interface StoredDelta extends DeltaKey {
  readonly firstSeq: number;
  /** The bucket as JSON text (see bucketToJson). */
  readonly json: string;
}

export type StateOp =
  /** Writes a partition's progress; `etag` undefined means create (fails if it exists). */
  | { readonly kind: 'putProgress'; readonly progress: PartitionProgress; readonly etag: string | undefined }
  | { readonly kind: 'createDelta'; readonly delta: StoredDelta }
  | { readonly kind: 'deleteDelta'; readonly key: DeltaKey }
  /** Writes the job's finalizer; `etag` undefined means create (fails if it exists). */
  | { readonly kind: 'putFinalizer'; readonly finalizer: FinalizerState; readonly etag: string | undefined };

export interface CommitResult {
  /** New ETags of the progress rows written, by partition id. */
  readonly progressEtags: ReadonlyMap<string, string>;
  readonly finalizerEtag: string | undefined;
}

export interface PartitionSnapshot {
  readonly progress: Versioned<PartitionProgress> | undefined;
  readonly deltas: StoredDelta[];
  readonly finalizer: Versioned<FinalizerState> | undefined;
}

export interface MetaSnapshot {
  readonly finalizer: Versioned<FinalizerState> | undefined;
  readonly progress: ReadonlyMap<string, Versioned<PartitionProgress>>;
}

/**
 * Durable engine state of one job. Implementations must make {@link StateStore.commit} atomic (all
 * operations or none) and enforce ETag conditions, throwing {@link StateConflictError} when a
 * condition fails, a row to create exists, or a row to delete is gone.
 */
export interface StateStore {
  /** A partition's progress, every delta it wrote that still exists, and the finalizer, in one read. */
  loadPartition(partitionId: string): Promise<PartitionSnapshot>;
  /** The finalizer alone (a point read). */
  readFinalizer(): Promise<Versioned<FinalizerState> | undefined>;
  /** The finalizer and all partitions' progress, in one read. */
  readMeta(): Promise<MetaSnapshot>;
  /** Deltas of one statement with storage bucket in [fromBucketMs, toBucketMs], from every partition. */
  readDeltas(statementIndex: number, fromBucketMs: number, toBucketMs: number): Promise<StoredDelta[]>;
  commit(ops: readonly StateOp[]): Promise<CommitResult>;
}

/** Another writer got there first (ETag mismatch, row exists, row gone): reload and retry. */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
}
