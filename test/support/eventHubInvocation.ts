import { InvocationContext, type RetryContext } from '@azure/functions';

export interface SimulatedEvent {
  readonly sequenceNumber: number;
  readonly enqueuedTimeMs: number;
  /** The message body as the producer sent it (JSON text, or anything else). */
  readonly body: string;
}

/** The worker JSON-parses string payloads when it can (fromRpcTypedData), so handlers see objects. */
const asWorkerDelivers = (body: string): unknown => {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
};

export interface Invocation {
  readonly bodies: unknown[];
  readonly context: InvocationContext;
  readonly logs: { level: string; args: unknown[] }[];
}

/**
 * An Event Hubs trigger invocation (cardinality many) shaped as the Node.js worker delivers it: bodies
 * plus index-aligned metadata arrays with camel-cased keys.
 */
export function eventHubInvocation(
  partitionId: string,
  events: readonly SimulatedEvent[],
  retryContext?: RetryContext,
): Invocation {
  const logs: { level: string; args: unknown[] }[] = [];
  const context = new InvocationContext({
    invocationId: `inv-${partitionId}-${events[0]?.sequenceNumber ?? 'empty'}`,
    functionName: 'ingestClickEvents',
    ...(retryContext ? { retryContext } : {}),
    logHandler: (level, ...args) => logs.push({ level, args }),
    triggerMetadata: {
      partitionContext: {
        consumerGroup: '$Default',
        eventHubName: 'clickstream',
        fullyQualifiedNamespace: 'localhost',
        partitionId,
      },
      sequenceNumberArray: events.map((e) => e.sequenceNumber),
      offsetArray: events.map((e) => String(e.sequenceNumber * 1000)),
      enqueuedTimeUtcArray: events.map((e) => new Date(e.enqueuedTimeMs).toISOString()),
      partitionKeyArray: events.map(() => null),
      propertiesArray: events.map(() => ({})),
      systemPropertiesArray: events.map((e) => ({
        'x-opt-sequence-number': e.sequenceNumber,
        'x-opt-enqueued-time': new Date(e.enqueuedTimeMs).toISOString(),
      })),
    },
  });
  return { bodies: events.map((e) => asWorkerDelivers(e.body)), context, logs };
}
