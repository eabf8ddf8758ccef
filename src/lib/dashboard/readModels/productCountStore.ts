import { odata, type TableClient } from '@azure/data-tables';
import { encodeKeyComponent } from '../../adapters/tables/encodeKeyComponent';
import type { InputMessage } from '../../engine/inputMessage';
import { invertedTimeKey, isConflict, isNotFound, jsonProperties, parseJsonProperties } from './jsonEntity';
import {
  addProductEvent,
  capProductCounts,
  mergeProductCounts,
  productEventOf,
  type ProductCounts,
} from './productCounts';

/*
 * Layout (in the state table)
 * ---------------------------
 * PartitionKey  products~<encoded job>
 * RowKey        <inverted bucket start:13>~<encoded partition>   newest bucket first
 *
 * One row per (arrival-time bucket, input partition): that partition's events per product and event
 * type in the bucket, and `lastSeq`, the highest sequence number counted. Only the partition's owner
 * writes its rows (conditionally, by ETag), and it skips sequence numbers at or below the newest row's
 * lastSeq, so redelivered batches are counted once and several instances stay correct.
 */

export interface ProductCountStoreOptions {
  readonly client: TableClient;
  readonly jobName: string;
  /** Bucket length by arrival (enqueued) time. Default 10 s. */
  readonly bucketInMs?: number;
  /** A partition's rows older than this are deleted when it starts a new bucket. Default 10 minutes. */
  readonly retentionInMs?: number;
  /** Products kept per event type and row. Default 1000. */
  readonly maxProductsPerRow?: number;
}

interface RowDoc {
  readonly partitionId: string;
  readonly bucketStartMs: number;
  readonly lastSeq: number;
  readonly counts: ProductCounts;
}

interface CachedRow {
  doc: RowDoc;
  /** Undefined for a row not yet stored. */
  etag: string | undefined;
}

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** Counted product events of the buckets in a time range, summed over partitions. */
export interface ProductTotals {
  readonly fromMs: number;
  readonly toMs: number;
  readonly counts: ProductCounts;
}

/** Product counters by event type over recent arrival-time buckets: a read model for the dashboard. */
export class ProductCountStore {
  private readonly client: TableClient;
  private readonly pk: string;
  private readonly bucketInMs: number;
  private readonly retentionInMs: number;
  private readonly maxProducts: number;
  /** Per partition: its newest row as this process last wrote or read it. */
  private readonly cache = new Map<string, CachedRow>();

  constructor(options: ProductCountStoreOptions) {
    if (!options.jobName) throw new RangeError('jobName: expected a non-empty string, received ""');
    this.client = options.client;
    this.pk = `products~${encodeKeyComponent(options.jobName)}`;
    this.bucketInMs = options.bucketInMs ?? 10_000;
    this.retentionInMs = options.retentionInMs ?? 600_000;
    this.maxProducts = options.maxProductsPerRow ?? 1000;
  }

  /** Counts one partition's batch (messages in sequence order). Safe to repeat; retries lost races. */
  async observe(partitionId: string, messages: readonly InputMessage[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.apply(partitionId, messages);
        return;
      } catch (error) {
        this.cache.delete(partitionId);
        if (!isConflict(error) || attempt >= 4) throw error;
      }
    }
  }

  /** Sums the buckets that start in [fromMs, toMs], over all partitions. */
  async totals(fromMs: number, toMs: number): Promise<ProductTotals> {
    const first = this.bucketOf(Math.max(0, fromMs));
    const last = this.bucketOf(Math.max(0, toMs));
    const filter = odata`PartitionKey eq ${this.pk} and RowKey ge ${invertedTimeKey(last)} and RowKey lt ${invertedTimeKey(first) + '~~'}`;
    const counts: ProductCounts = {};
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } }))
      mergeProductCounts(counts, parseJsonProperties<RowDoc>(e).counts);
    return { fromMs: first, toMs: last + this.bucketInMs, counts };
  }

  private bucketOf(ms: number): number {
    return Math.floor(ms / this.bucketInMs) * this.bucketInMs;
  }

  private rowKey(bucketStartMs: number, partitionId: string): string {
    return `${invertedTimeKey(bucketStartMs)}~${encodeKeyComponent(partitionId)}`;
  }

  private async apply(partitionId: string, messages: readonly InputMessage[]): Promise<void> {
    let current = this.cache.get(partitionId) ?? (await this.loadNewest(partitionId));
    const lastSeq = current?.doc.lastSeq ?? -1;
    // Increments per bucket, in sequence (and so arrival) order.
    const buckets = new Map<number, { counts: ProductCounts; lastSeq: number }>();
    for (const m of messages) {
      if (m.sequenceNumber <= lastSeq || !Number.isFinite(m.enqueuedTimeMs) || m.enqueuedTimeMs < 0) continue;
      const bucket = this.bucketOf(m.enqueuedTimeMs);
      let b = buckets.get(bucket);
      if (!b) buckets.set(bucket, (b = { counts: {}, lastSeq: m.sequenceNumber }));
      b.lastSeq = Math.max(b.lastSeq, m.sequenceNumber);
      const event = productEventOf(m.body);
      if (event) addProductEvent(b.counts, event.eventType, event.productId);
    }
    for (const [bucketStartMs, b] of buckets) {
      const base: CachedRow =
        current && current.doc.bucketStartMs === bucketStartMs
          ? current
          : await this.loadRow(partitionId, bucketStartMs);
      const doc: RowDoc = {
        partitionId,
        bucketStartMs,
        lastSeq: Math.max(base.doc.lastSeq, b.lastSeq),
        counts: capProductCounts(
          mergeProductCounts(structuredClone(base.doc.counts), b.counts),
          this.maxProducts,
        ),
      };
      const entity: Entity = {
        partitionKey: this.pk,
        rowKey: this.rowKey(bucketStartMs, partitionId),
        partitionId,
        bucketStartMs,
        lastSeq: String(doc.lastSeq),
        ...jsonProperties(doc),
      };
      const response =
        base.etag === undefined
          ? await this.client.createEntity(entity)
          : await this.client.updateEntity(entity, 'Replace', { etag: base.etag });
      const started = !current || current.doc.bucketStartMs !== bucketStartMs;
      current = { doc, etag: response.etag };
      this.cache.set(partitionId, current);
      if (started) await this.prune(partitionId, bucketStartMs);
    }
  }

  /** The partition's newest row, or undefined when it has none. */
  private async loadNewest(partitionId: string): Promise<CachedRow | undefined> {
    const filter = odata`PartitionKey eq ${this.pk} and partitionId eq ${partitionId}`;
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } }))
      return { doc: parseJsonProperties<RowDoc>(e), etag: e.etag };
    return undefined;
  }

  private async loadRow(partitionId: string, bucketStartMs: number): Promise<CachedRow> {
    try {
      const e = await this.client.getEntity<Entity>(this.pk, this.rowKey(bucketStartMs, partitionId));
      return { doc: parseJsonProperties<RowDoc>(e), etag: e.etag };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { doc: { partitionId, bucketStartMs, lastSeq: -1, counts: {} }, etag: undefined };
    }
  }

  /** Deletes the partition's rows older than the retention. */
  private async prune(partitionId: string, newestBucketMs: number): Promise<void> {
    const oldest = newestBucketMs - this.retentionInMs;
    if (oldest < 0) return;
    const filter = odata`PartitionKey eq ${this.pk} and RowKey gt ${invertedTimeKey(oldest) + '~~'} and partitionId eq ${partitionId}`;
    const keys: string[] = [];
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter, select: ['RowKey'] } }))
      keys.push(e.rowKey);
    await Promise.all(
      keys.map((rowKey) =>
        this.client.deleteEntity(this.pk, rowKey).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        }),
      ),
    );
  }
}
