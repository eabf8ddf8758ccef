import { odata, type TableClient } from '@azure/data-tables';
import { encodeKeyComponent } from '../../adapters/tables/encodeKeyComponent';
import { invertedTimeKey, isNotFound, jsonProperties, parseJsonProperties } from './jsonEntity';

/*
 * Layout (in the state table)
 * ---------------------------
 * PartitionKey  traffic~<encoded job>
 * RowKey        <inverted sample time:13>     newest first
 *
 * The closeWindows timer (one instance at a time in Azure) writes a sample of the stored progress rows
 * on every tick: cumulative counters summed over partitions and the largest watermark delay. Rates
 * are differences of successive samples, so a repeated or missed tick costs nothing but resolution.
 */

/** The pipeline's cumulative counters and watermark delay at one instant, from the stored state. */
export interface TrafficSample {
  readonly atMs: number;
  /** Input events applied so far, all partitions. */
  readonly inputEvents: number;
  readonly deadLettered: number;
  /** Rows emitted so far, all outputs. */
  readonly rowsEmitted: number;
  /** The largest watermark delay over partitions; null before the first event. */
  readonly maxWatermarkDelayInMs: number | null;
}

export interface TrafficSampleStoreOptions {
  readonly client: TableClient;
  readonly jobName: string;
  /** Samples older than this are deleted. Default 1 hour. */
  readonly retentionInMs?: number;
}

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/** The traffic time series read model. */
export class TrafficSampleStore {
  private readonly client: TableClient;
  private readonly pk: string;
  private readonly retentionInMs: number;

  constructor(options: TrafficSampleStoreOptions) {
    if (!options.jobName) throw new RangeError('jobName: expected a non-empty string, received ""');
    this.client = options.client;
    this.pk = `traffic~${encodeKeyComponent(options.jobName)}`;
    this.retentionInMs = options.retentionInMs ?? 3_600_000;
  }

  /** Stores a sample (one per second at most: a second sample in the same second replaces it). */
  async record(sample: TrafficSample): Promise<void> {
    const atMs = Math.floor(sample.atMs / 1000) * 1000;
    await this.client.upsertEntity(
      { partitionKey: this.pk, rowKey: invertedTimeKey(atMs), ...jsonProperties({ ...sample, atMs }) },
      'Replace',
    );
    await this.prune(atMs - this.retentionInMs);
  }

  /** Samples taken at or after `sinceMs`, oldest first. */
  async since(sinceMs: number): Promise<TrafficSample[]> {
    const filter = odata`PartitionKey eq ${this.pk} and RowKey le ${invertedTimeKey(Math.max(0, sinceMs))}`;
    const out: TrafficSample[] = [];
    for await (const e of this.client.listEntities<Entity>({ queryOptions: { filter } }))
      out.push(parseJsonProperties<TrafficSample>(e));
    return out.reverse();
  }

  private async prune(beforeMs: number): Promise<void> {
    if (beforeMs <= 0) return;
    const filter = odata`PartitionKey eq ${this.pk} and RowKey gt ${invertedTimeKey(beforeMs)}`;
    const keys: string[] = [];
    for await (const e of this.client.listEntities<Entity>({
      queryOptions: { filter, select: ['RowKey'] },
    })) {
      keys.push(e.rowKey);
      if (keys.length >= 100) break;
    }
    await Promise.all(
      keys.map((rowKey) =>
        this.client.deleteEntity(this.pk, rowKey).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        }),
      ),
    );
  }
}
