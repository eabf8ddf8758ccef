import type {
  EventBatch,
  EventBatchProducer,
  OutgoingEvent,
} from '../../../../src/lib/adapters/eventhubs/eventBatchProducer';

/** A batch that holds at most `capacity` events, like an EventDataBatch at its size limit. */
export class FakeBatch implements EventBatch {
  readonly events: OutgoingEvent[] = [];
  constructor(
    readonly partitionKey: string,
    private readonly capacity: number,
  ) {}
  get count(): number {
    return this.events.length;
  }
  tryAdd(event: OutgoingEvent): boolean {
    if (this.events.length >= this.capacity || event.body.byteLength > 10_000) return false;
    this.events.push(event);
    return true;
  }
}

/** Records every batch sent, in send order, with the (injected) time of sending. */
export class FakeProducer implements EventBatchProducer<FakeBatch> {
  readonly sent: { batch: FakeBatch; atMs: number }[] = [];
  created = 0;
  closed = false;
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly capacity = 50,
    private readonly now: () => number = () => 0,
    private readonly sendDelay: () => Promise<void> = () => Promise.resolve(),
  ) {}
  createBatch(options: { partitionKey: string }): Promise<FakeBatch> {
    this.created++;
    return Promise.resolve(new FakeBatch(options.partitionKey, this.capacity));
  }
  async sendBatch(batch: FakeBatch): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await this.sendDelay();
    this.inFlight--;
    this.sent.push({ batch, atMs: this.now() });
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  /** Bodies as text, in the order the service would have received them. */
  bodies(): string[] {
    return this.sent.flatMap(({ batch }) =>
      batch.events.map((event) => Buffer.from(event.body).toString('utf8')),
    );
  }
}
