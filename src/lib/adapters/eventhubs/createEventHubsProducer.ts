import { EventHubProducerClient, type EventDataBatch } from '@azure/event-hubs';
import { DefaultAzureCredential } from '@azure/identity';
import type { EventBatchProducer } from './eventBatchProducer';

/** How to reach an event hub. */
export type EventHubsConnection =
  | {
      /** Microsoft Entra ID through `DefaultAzureCredential` (az login, managed identity, environment...). */
      readonly kind: 'namespace';
      /** e.g. `my-namespace.servicebus.windows.net`. */
      readonly fullyQualifiedNamespace: string;
      readonly eventHubName: string;
    }
  | {
      readonly kind: 'connectionString';
      readonly connectionString: string;
      /** Required unless the connection string has an `EntityPath`. */
      readonly eventHubName?: string;
    };

/**
 * An Event Hubs producer on `@azure/event-hubs` (AMQP; the SDK retries transient failures and throttling).
 * Batches are the SDK's `EventDataBatch`, created with a partition key.
 */
export function createEventHubsProducer(connection: EventHubsConnection): EventBatchProducer<EventDataBatch> {
  const client =
    connection.kind === 'namespace'
      ? new EventHubProducerClient(
          connection.fullyQualifiedNamespace,
          connection.eventHubName,
          new DefaultAzureCredential(),
        )
      : connection.eventHubName === undefined
        ? new EventHubProducerClient(connection.connectionString)
        : new EventHubProducerClient(connection.connectionString, connection.eventHubName);
  return {
    createBatch: (options) => client.createBatch({ partitionKey: options.partitionKey }),
    sendBatch: (batch) => client.sendBatch(batch),
    close: () => client.close(),
  };
}
