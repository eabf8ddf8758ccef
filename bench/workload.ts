import { createClickstreamSimulator } from '../src/lib/clickstream/simulator';
import type { InputMessage } from '../src/lib/engine/inputMessage';
import { partitionOf } from '../src/lib/replay/partitionOf';

export interface WorkloadOptions {
  readonly seed: number;
  readonly events: number;
  readonly users: number;
  readonly products: number;
  readonly zipfExponent: number;
  readonly eventsPerSecond: number;
  readonly startTimeInMs: number;
}

/** One simulated Event Hubs message, in global arrival order. */
export interface WorkloadMessage {
  readonly body: string;
  readonly enqueuedTimeMs: number;
  /** The userId: Event Hubs partition key. */
  readonly partitionKey: string;
}

export const defaultWorkload: WorkloadOptions = {
  seed: 20240501,
  events: 100_000,
  users: 5_000,
  products: 500,
  zipfExponent: 1.1,
  eventsPerSecond: 1_000,
  startTimeInMs: Date.UTC(2024, 4, 1, 12, 0, 0),
};

export function generateWorkload(o: WorkloadOptions): WorkloadMessage[] {
  const sim = createClickstreamSimulator({
    seed: o.seed,
    users: o.users,
    products: o.products,
    zipfExponent: o.zipfExponent,
    eventsPerSecond: o.eventsPerSecond,
    startTimeInMs: o.startTimeInMs,
  });
  return sim.take(o.events).map((m) => ({
    body: m.body,
    enqueuedTimeMs: m.enqueuedTimeInMs,
    partitionKey: m.partitionKey,
  }));
}

/** One message routed to a simulated partition, with that partition's sequence number. */
export interface RoutedMessage {
  readonly partition: number;
  readonly message: InputMessage;
}

/**
 * Routes messages to `partitions` simulated Event Hubs partitions by hashing the partition key (the
 * userId), keeping global arrival order; sequence numbers count per partition from 0.
 */
export function routeToPartitions(messages: readonly WorkloadMessage[], partitions: number): RoutedMessage[] {
  const nextSeq = new Array<number>(partitions).fill(0);
  return messages.map((m) => {
    const partition = partitions === 1 ? 0 : partitionOf(m.partitionKey, partitions);
    const sequenceNumber = nextSeq[partition]!;
    nextSeq[partition] = sequenceNumber + 1;
    return { partition, message: { sequenceNumber, enqueuedTimeMs: m.enqueuedTimeMs, body: m.body } };
  });
}
