import { describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../../src/lib/local/localRuntime';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

describe('npm start with an injected fraud burst', () => {
  it('sends exactly one alert to the outbox, and none for a repeat inside the cooldown', async () => {
    const lines: string[] = [];
    const runtime = new LocalRuntime({
      partitions: 2,
      eventsPerSecond: 200,
      seed: 5,
      users: 300,
      products: 40,
      durationInMs: 34_000,
      summaryIntervalInMs: 5000,
      dashboardPort: 0,
      incidents: [
        { kind: 'fraudBurst', key: 'user-0007', startAfterInMs: 2000, durationInMs: 10_000 },
        { kind: 'fraudBurst', key: 'user-0007', startAfterInMs: 18_000, durationInMs: 10_000 },
      ],
      env: {
        AzureWebJobsStorage: azuriteConnectionString(),
        CLICKPULSE_STATE_TABLE: uniqueName('state'),
        CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
        CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
        CLICKPULSE_ANOMALY_TABLE: uniqueName('anomaly'),
        CLICKPULSE_ENTITY_TABLE: uniqueName('entity'),
        CLICKPULSE_ALERT_TABLE: uniqueName('alert'),
        CLICKPULSE_OUTBOX_CONTAINER: uniqueName('outbox'),
      },
      write: (line) => lines.push(line),
    });
    await runtime.run();
    const anomalies = lines.filter((l) => l.startsWith('ANOMALY') && l.includes(' user-0007 '));
    const alerts = lines.filter((l) => l.startsWith('[alert outbox] email') && l.includes('user-0007'));
    expect(anomalies.length).toBeGreaterThan(0);
    expect(alerts).toHaveLength(1);
  }, 90_000);
});
