import { mapWithConcurrency } from '../blobs/mapWithConcurrency';
import type { EventBatch, EventBatchProducer, OutgoingEvent } from './eventBatchProducer';

/** Options of {@link PartitionKeyBatcher}. */
export interface PartitionKeyBatcherOptions {
  /**
   * Events held in open batches (over all partition keys) that trigger a flush of every open batch, an
   * integer from 1. Default 1,000.
   */
  readonly maxBufferedEvents?: number;
  /** Batches sent at once by a flush, an integer from 1. Default 16. */
  readonly maxConcurrentSends?: number;
}

/**
 * Groups events into one batch per partition key: a batch carries a single partition key, so events with
 * different keys cannot share one. An event goes into its key's open batch; when that batch is full it is sent
 * and a new one started. When `maxBufferedEvents` events are waiting, or on {@link flush}, every open batch is
 * sent, `maxConcurrentSends` at a time.
 *
 * Order: events of one partition key are sent in the order they were added, since a key never has more than
 * one batch in flight (a full batch is sent before the next is started, and a flush sends each key's single
 * open batch and waits for all of them).
 *
 * Not reentrant: await each call before the next.
 */
export class PartitionKeyBatcher<B extends EventBatch = EventBatch> {
  private readonly producer: EventBatchProducer<B>;
  private readonly maxBufferedEvents: number;
  private readonly maxConcurrentSends: number;
  private readonly open = new Map<string, B>();
  private buffered = 0;
  private sentEvents = 0;
  private sentBatches = 0;

  /** @throws RangeError when an option is not a positive integer. */
  constructor(producer: EventBatchProducer<B>, options: PartitionKeyBatcherOptions = {}) {
    this.producer = producer;
    this.maxBufferedEvents = positiveInteger('maxBufferedEvents', options.maxBufferedEvents ?? 1_000);
    this.maxConcurrentSends = positiveInteger('maxConcurrentSends', options.maxConcurrentSends ?? 16);
  }

  /** Events added but not sent yet. */
  get bufferedCount(): number {
    return this.buffered;
  }

  /** Events sent so far. */
  get sentCount(): number {
    return this.sentEvents;
  }

  /** Batches sent so far. */
  get sentBatchCount(): number {
    return this.sentBatches;
  }

  /**
   * Adds an event; may send its key's full batch, or flush everything when the buffer is full.
   * @throws RangeError when the event does not fit even in an empty batch (too large for the hub).
   */
  async add(partitionKey: string, event: OutgoingEvent): Promise<void> {
    let batch = this.open.get(partitionKey);
    if (batch === undefined) {
      batch = await this.startBatch(partitionKey);
    }
    if (!batch.tryAdd(event)) {
      if (batch.count === 0) {
        throw tooLarge(partitionKey, event);
      }
      this.open.delete(partitionKey);
      this.buffered -= batch.count;
      await this.send(batch);
      batch = await this.startBatch(partitionKey);
      if (!batch.tryAdd(event)) {
        throw tooLarge(partitionKey, event);
      }
    }
    this.buffered++;
    if (this.buffered >= this.maxBufferedEvents) {
      await this.flush();
    }
  }

  /** Sends every open batch and waits for them. */
  async flush(): Promise<void> {
    const batches = [...this.open.values()];
    this.open.clear();
    this.buffered = 0;
    await mapWithConcurrency(batches, this.maxConcurrentSends, (batch) => this.send(batch));
  }

  private async startBatch(partitionKey: string): Promise<B> {
    const batch = await this.producer.createBatch({ partitionKey });
    this.open.set(partitionKey, batch);
    return batch;
  }

  private async send(batch: B): Promise<void> {
    await this.producer.sendBatch(batch);
    this.sentEvents += batch.count;
    this.sentBatches++;
  }
}

function tooLarge(partitionKey: string, event: OutgoingEvent): RangeError {
  return new RangeError(
    `PartitionKeyBatcher: an event of ${event.body.byteLength} bytes for partition key ` +
      `${JSON.stringify(partitionKey)} does not fit in an empty batch`,
  );
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`PartitionKeyBatcher: ${name} must be a positive integer, received ${value}`);
  }
  return value;
}
