import { TableClient } from '@azure/data-tables';
import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { TableAnomalyStore } from '../../../src/lib/adapters/tables/tableAnomalyStore';
import { TableEntityStore } from '../../../src/lib/adapters/tables/tableEntityStore';
import { ActivityObserver } from '../../../src/lib/anomaly/activityObserver';
import { anomalySink } from '../../../src/lib/anomaly/anomalySink';
import type { AnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { KeyedRulesEvaluator } from '../../../src/lib/anomaly/keyed/keyedRulesEvaluator';
import { DEFAULT_RULE_CONFIG } from '../../../src/lib/anomaly/ruleConfig';
import type { EventHubBatch } from '../../../src/lib/app/eventHubBatch';
import { createClickstreamSimulator } from '../../../src/lib/clickstream/simulator';
import type { EntitySignaller } from '../../../src/lib/entities/entityPorts';
import { LocalEntityExecutor } from '../../../src/lib/entities/localEntityExecutor';
import { createUserActivityEntity } from '../../../src/lib/entities/userActivity/entityHandler';
import { USER_ACTIVITY_ENTITY } from '../../../src/lib/entities/userActivity/operations';
import type { UserActivityState } from '../../../src/lib/entities/userActivity/state';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

const t0 = Date.UTC(2026, 5, 1, 12, 0, 0);

async function table(prefix: string): Promise<TableClient> {
  const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName(prefix), {
    allowInsecureConnection: true,
  });
  await client.createTable();
  return client;
}

/** Every row of a table as `PartitionKey/RowKey -> text`, etags and timestamps left out. */
async function snapshot(client: TableClient): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  for await (const e of client.listEntities<{ text?: string; event?: string }>()) {
    rows.set(`${e.partitionKey}/${e.rowKey}`, e.text ?? e.event ?? '');
  }
  return rows;
}

/** The pipeline on Azurite, with a signaller that counts operations per user and batch. */
async function pipeline() {
  const entities = await table('entities');
  const anomalies = await table('anomalies');
  const delivered: AnomalyEvent[] = [];
  const sink = anomalySink({
    store: new TableAnomalyStore({ client: anomalies }),
    alerts: {
      deliver(events) {
        delivered.push(...events);
        return Promise.resolve();
      },
    },
  });
  const store = new TableEntityStore({ client: entities });
  const executor = new LocalEntityExecutor({
    store,
    entities: {
      [USER_ACTIVITY_ENTITY]: createUserActivityEntity({
        dependencies: () => Promise.resolve({ rules: DEFAULT_RULE_CONFIG.user, sink }),
      }),
    },
  });
  const signals: { entity: string; key: string; operation: string }[] = [];
  const counting: EntitySignaller = {
    signal(entity, key, operation, input) {
      signals.push({ entity, key, operation });
      return executor.signal(entity, key, operation, input);
    },
  };
  const observer = new ActivityObserver({
    signaller: () => counting,
    keyed: new KeyedRulesEvaluator({ store, rules: DEFAULT_RULE_CONFIG.keyed, sink }),
  });
  return { entities, anomalies, delivered, executor, signals, observer };
}

const context = () =>
  new InvocationContext({ functionName: 'ingestClickEvents', logHandler: () => undefined });

/** Simulated traffic with a fraud burst by one user, cut into batches of one partition. */
function simulatedBatches(count: number, size: number): EventHubBatch[] {
  const simulator = createClickstreamSimulator({
    seed: 11,
    users: 40,
    products: 20,
    startTimeInMs: t0,
    eventsPerSecond: 20,
    incidents: [{ kind: 'fraudBurst', startMs: t0, durationMs: 600_000, key: 'user-0007', intensity: 2 }],
  });
  let seq = 0;
  return Array.from({ length: count }, () => ({
    partitionId: '0',
    messages: simulator
      .take(size)
      .map((m) => ({ sequenceNumber: seq++, enqueuedTimeMs: m.enqueuedTimeInMs, body: m.body })),
  }));
}

describe('ActivityObserver on Azurite with the local executor', () => {
  it('sends exactly one applyActivity per user per batch, and the entities count every event', async () => {
    const p = await pipeline();
    const batches = simulatedBatches(3, 120);
    for (const b of batches) await p.observer.observe(b, {}, context());
    const perBatch = new Map<string, number>();
    let from = 0;
    for (const b of batches) {
      const users = new Set(
        b.messages.map((m) => (JSON.parse(m.body as string) as { userId: string }).userId),
      );
      const sent = p.signals.slice(from, from + users.size);
      from += users.size;
      expect(new Set(sent.map((s) => s.key))).toEqual(users);
      for (const s of sent)
        perBatch.set(
          `${b.messages[0]!.sequenceNumber}/${s.key}`,
          (perBatch.get(`${b.messages[0]!.sequenceNumber}/${s.key}`) ?? 0) + 1,
        );
    }
    expect(from).toBe(p.signals.length);
    expect([...perBatch.values()].every((n) => n === 1)).toBe(true);
    expect(p.signals.every((s) => s.entity === USER_ACTIVITY_ENTITY && s.operation === 'applyActivity')).toBe(
      true,
    );
    // Every event landed in exactly one entity.
    let counted = 0;
    for (const key of new Set(p.signals.map((s) => s.key))) {
      const state = await p.executor.readState<UserActivityState>(USER_ACTIVITY_ENTITY, key);
      counted += state!.lifetime.reduce((a, b) => a + b, 0);
    }
    expect(counted).toBe(360);
    // The fraud burst was found and recorded once.
    expect(p.delivered.some((e) => e.key === 'user-0007' && e.rule === 'paymentVelocity')).toBe(true);
    expect(new Set(p.delivered.map((e) => e.id)).size).toBe(p.delivered.length);
  });

  it('a replayed batch, or a redelivery with moved boundaries, changes no entity and records nothing new', async () => {
    const p = await pipeline();
    const batches = simulatedBatches(4, 100);
    for (const b of batches) await p.observer.observe(b, {}, context());
    const entitiesBefore = await snapshot(p.entities);
    const anomaliesBefore = await snapshot(p.anomalies);
    const deliveredBefore = p.delivered.length;
    expect(anomaliesBefore.size).toBeGreaterThan(0);

    await p.observer.observe(batches[2]!, {}, context());
    const all = batches.flatMap((b) => b.messages);
    await p.observer.observe({ partitionId: '0', messages: all.slice(150, 330) }, {}, context());

    expect(await snapshot(p.entities)).toEqual(entitiesBefore);
    expect(await snapshot(p.anomalies)).toEqual(anomaliesBefore);
    expect(p.delivered.length).toBe(deliveredBefore);
  });
});
