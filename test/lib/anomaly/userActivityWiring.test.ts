import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { InMemoryAnomalyStore } from '../../../src/lib/anomaly/anomalySink';
import type { AnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { createUserActivityWiring, type UserActivityMode } from '../../../src/lib/anomaly/userActivityWiring';
import { parseAppSettings } from '../../../src/lib/config/appSettings';
import { InMemoryDocumentStore } from '../../../src/lib/entities/documentStore';
import { USER_ACTIVITY_ENTITY } from '../../../src/lib/entities/userActivity/operations';
import type { UserActivityState } from '../../../src/lib/entities/userActivity/state';

const t0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const context = () =>
  new InvocationContext({ functionName: 'ingestClickEvents', logHandler: () => undefined });

async function wiring(mode: UserActivityMode, lines: string[], delivered: AnomalyEvent[]) {
  return createUserActivityWiring({
    mode,
    settings: parseAppSettings({
      AzureWebJobsStorage: 'UseDevelopmentStorage=true',
      EventHubConnection: 'test',
      EVENTHUB_NAME: 'clickstream',
      EVENTHUB_CONSUMER_GROUP: '$Default',
      EVENTHUB_PARTITION_COUNT: '1',
      CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
      CLICKPULSE_ANOMALY_RULES: '{"user":{"velocity":{"failures":2}}}',
    }),
    connection: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
    echo: (line) => lines.push(line),
    alerts: {
      deliver(events) {
        delivered.push(...events);
        return Promise.resolve();
      },
    },
    stores: { anomalies: new InMemoryAnomalyStore(), documents: new InMemoryDocumentStore() },
  });
}

const failures = [0, 1].map((i) => ({
  sequenceNumber: i,
  enqueuedTimeMs: t0 + i * 1000,
  body: JSON.stringify({
    eventId: `e${i}`,
    eventType: 'payment_failed',
    eventTime: new Date(t0 + i * 1000).toISOString(),
    userId: 'user-9',
    orderId: 'o1',
    amount: 10,
    currency: 'EUR',
    paymentMethodId: 'pm-9',
  }),
}));

describe('createUserActivityWiring', () => {
  it('local: runs the entities in process with the configured rules; new anomalies are echoed, then alerted', async () => {
    const lines: string[] = [];
    const delivered: AnomalyEvent[] = [];
    const w = await wiring('local', lines, delivered);
    expect(w.rules.user.velocity.failures).toBe(2);
    await w.observer.observe({ partitionId: '0', messages: failures }, {}, context());
    expect(delivered.map((e) => e.id)).toEqual([
      `paymentVelocity|user-9|${new Date(t0 + 60_000).toISOString()}`,
    ]);
    expect(lines).toEqual([expect.stringMatching(/^ANOMALY critical paymentVelocity user-9 window end /)]);
    expect(await w.anomalies.recent(5)).toEqual(delivered);
    const state = await w.stateReader(context()).readState<UserActivityState>(USER_ACTIVITY_ENTITY, 'user-9');
    expect(state!.applied).toEqual({ '0': 1 });
    expect(w.observer.lastReport).toMatchObject({ events: 2, userSignals: 1 });
  });

  it('durable: signals through the Durable client, which an invocation without the input lacks', async () => {
    const w = await wiring('durable', [], []);
    expect(w.executor).toBeUndefined();
    await expect(w.observer.observe({ partitionId: '0', messages: failures }, {}, context())).rejects.toThrow(
      /durable client/i,
    );
  });
});
