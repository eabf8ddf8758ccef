import { ClickPulseApp, setClickPulseApp } from '../../src/lib/app/clickPulseApp';
import { parseAppSettings } from '../../src/lib/config/appSettings';
import { compileJob } from '../../src/lib/engine/compileJob';
import { defaultJob } from '../../src/lib/engine/job';
import type { Clock } from '../../src/lib/ports/clock';
import { uniqueName } from '../support/azurite';

export class ManualClock implements Clock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
}

/** A ClickPulseApp on its own table and containers, installed as the process-wide app. */
export async function installTestApp(
  connectionString: string,
  clock: Clock,
  partitions = 2,
): Promise<ClickPulseApp> {
  const settings = parseAppSettings({
    AzureWebJobsStorage: connectionString,
    EventHubConnection:
      'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;',
    EVENTHUB_NAME: 'clickstream',
    EVENTHUB_CONSUMER_GROUP: '$Default',
    EVENTHUB_PARTITION_COUNT: String(partitions),
    CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
    CLICKPULSE_STATE_TABLE: uniqueName('state'),
    CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
    CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
  });
  const app = ClickPulseApp.create({
    settings,
    job: compileJob(defaultJob),
    clock,
    storageRetryOptions: { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 100 },
  });
  setClickPulseApp(app);
  return app;
}

/** A valid clickstream click as JSON text. */
export function click(id: string, userId: string, productId: string, eventTimeMs: number): string {
  return JSON.stringify({
    eventId: id,
    eventType: 'click',
    eventTime: new Date(eventTimeMs).toISOString(),
    userId,
    productId,
    sessionId: `s-${userId}`,
  });
}
