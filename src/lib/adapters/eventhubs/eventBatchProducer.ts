/**
 * The slice of `@azure/event-hubs` that sending in batches needs, so that the batching logic can be tested
 * without a network. `EventHubProducerClient` and its `EventDataBatch` fit it (see `createEventHubsProducer`).
 */

/** One event to send: its body bytes and content type. */
export interface OutgoingEvent {
  /** The body, sent as the AMQP data section (raw bytes, not re-encoded as JSON). */
  readonly body: Uint8Array;
  /** MIME type of the body, e.g. `application/json`. */
  readonly contentType?: string;
}

/** A batch of events bound for one partition key, like the SDK's `EventDataBatch`. */
export interface EventBatch {
  /** Number of events in the batch. */
  readonly count: number;
  /** Adds `event` when it fits under the batch's size limit; false (and no change) when it does not. */
  tryAdd(event: OutgoingEvent): boolean;
}

/** Creates and sends batches, like the SDK's `EventHubProducerClient`. */
export interface EventBatchProducer<B extends EventBatch = EventBatch> {
  /** An empty batch whose events all get `partitionKey` (the service hashes it to pick a partition). */
  createBatch(options: { readonly partitionKey: string }): Promise<B>;
  /** Sends a batch this producer created. */
  sendBatch(batch: B): Promise<void>;
  /** Closes the connection. */
  close(): Promise<void>;
}
