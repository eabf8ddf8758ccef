import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { getClickPulseApp } from '../lib/app/clickPulseApp';
import { eventHubConnectionSetting } from '../lib/config/appSettings';

/** Durable-ish names kept in one place: tests and the local runtime use the same. */
export const ingestClickEventsName = 'ingestClickEvents';

/**
 * Finite retries: the host checkpoints past a failed batch once retries end, so a transient storage
 * outage gets about two minutes; after that the batch is parked in the dead-letter store (see ingest).
 */
export const ingestRetry = {
  strategy: 'exponentialBackoff',
  maxRetryCount: 6,
  minimumInterval: { seconds: 2 },
  maximumInterval: { minutes: 1 },
} as const;

export const ingestClickEventsHandler = async (
  messages: unknown[],
  context: InvocationContext,
): Promise<void> => {
  const clickPulse = await getClickPulseApp();
  await clickPulse.ingest(messages, context);
};

app.eventHub(ingestClickEventsName, {
  connection: eventHubConnectionSetting,
  eventHubName: '%EVENTHUB_NAME%',
  consumerGroup: '%EVENTHUB_CONSUMER_GROUP%',
  cardinality: 'many',
  // dataType string: one non-JSON body must not fail binding for the whole batch.
  trigger: {
    type: 'eventHubTrigger',
    name: 'messages',
    connection: eventHubConnectionSetting,
    eventHubName: '%EVENTHUB_NAME%',
    consumerGroup: '%EVENTHUB_CONSUMER_GROUP%',
    cardinality: 'many',
    dataType: 'string',
  },
  retry: ingestRetry,
  // The Durable client: one userActivity signal per user per batch (see ActivityObserver).
  extraInputs: [df.input.durableClient()],
  handler: ingestClickEventsHandler,
});
