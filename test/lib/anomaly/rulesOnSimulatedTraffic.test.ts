import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { InMemoryAnomalyStore } from '../../../src/lib/anomaly/anomalySink';
import type { AnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { createUserActivityWiring } from '../../../src/lib/anomaly/userActivityWiring';
import type { EventHubBatch } from '../../../src/lib/app/eventHubBatch';
import type { IncidentSchedule } from '../../../src/lib/clickstream/incidentSchedule';
import { createClickstreamSimulator } from '../../../src/lib/clickstream/simulator';
import { parseAppSettings } from '../../../src/lib/config/appSettings';
import { InMemoryDocumentStore } from '../../../src/lib/entities/documentStore';
import { partitionOf } from '../../../src/lib/replay/partitionOf';

const t0 = Date.UTC(2026, 0, 5, 8, 0, 0);
const partitions = 2;

/** Simulated traffic through the app's wiring (local executor, keyed rules), state in memory. */
async function run(hours: number, incidents: IncidentSchedule, bots = 0): Promise<AnomalyEvent[]> {
  const settings = parseAppSettings({
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    EventHubConnection: 'test',
    EVENTHUB_NAME: 'clickstream',
    EVENTHUB_CONSUMER_GROUP: '$Default',
    EVENTHUB_PARTITION_COUNT: String(partitions),
    CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
  });
  const anomalies: AnomalyEvent[] = [];
  const wiring = await createUserActivityWiring({
    mode: 'local',
    settings,
    connection: { kind: 'connectionString', connectionString: 'UseDevelopmentStorage=true' },
    alerts: {
      deliver(events) {
        anomalies.push(...events);
        return Promise.resolve();
      },
    },
    stores: { anomalies: new InMemoryAnomalyStore(), documents: new InMemoryDocumentStore() },
  });
  const simulator = createClickstreamSimulator({
    seed: 5,
    users: 1000,
    products: 100,
    startTimeInMs: t0,
    eventsPerSecond: 8,
    bots,
    incidents,
  });
  const context = new InvocationContext({ functionName: 'ingestClickEvents', logHandler: () => undefined });
  const seq = Array.from({ length: partitions }, () => 0);
  let pending: EventHubBatch['messages'][] = Array.from({ length: partitions }, () => []);
  let sliceEnd = t0 + 1000;
  const flush = async () => {
    for (let p = 0; p < partitions; p++) {
      if (pending[p]!.length > 0)
        await wiring.observer.observe({ partitionId: String(p), messages: pending[p]! }, {}, context);
    }
    pending = pending.map(() => []);
  };
  for (;;) {
    const m = simulator.next();
    if (m.enqueuedTimeInMs >= t0 + hours * 3_600_000) break;
    while (m.enqueuedTimeInMs >= sliceEnd) {
      await flush();
      sliceEnd += 1000;
    }
    const p = partitionOf(m.partitionKey, partitions);
    pending[p]!.push({ sequenceNumber: seq[p]!++, enqueuedTimeMs: m.enqueuedTimeInMs, body: m.body });
  }
  await flush();
  return anomalies;
}

describe('the rules on simulated traffic', () => {
  it('stay quiet on normal traffic (three hours, no bots, no incidents)', async () => {
    const anomalies = await run(3, []);
    expect(anomalies.map((a) => `${a.id} ${JSON.stringify(a.evidence)}`)).toEqual([]);
  }, 120_000);

  it('find a fraud burst, a bot storm, a price glitch and a stock-out on their keys', async () => {
    const h = 3_600_000;
    const anomalies = await run(2.5, [
      { kind: 'fraudBurst', startMs: t0 + 1.2 * h, durationMs: 600_000, key: 'user-0042' },
      { kind: 'botStorm', startMs: t0 + 1.4 * h, durationMs: 600_000, key: 'product-0050' },
      { kind: 'priceGlitch', startMs: t0 + 1.6 * h, durationMs: 600_000, key: 'product-0003' },
      { kind: 'stockOut', startMs: t0 + 1.8 * h, durationMs: 1_800_000, key: 'product-0000' },
    ]);
    const found = new Set(anomalies.map((a) => `${a.rule} ${a.key}`));
    expect(found).toContain('paymentVelocity user-0042');
    expect(found).toContain('manyPaymentMethods user-0042');
    expect(found).toContain('priceAnomaly product-0003');
    expect(found).toContain('purchasesStopped product-0000');
    expect(
      anomalies.some((a) => a.rule === 'botClickRate' && a.evidence.topProductId === 'product-0050'),
    ).toBe(true);
  }, 120_000);
});
