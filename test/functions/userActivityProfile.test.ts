import { TableClient } from '@azure/data-tables';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestClickEventsHandler } from '../../src/functions/ingestClickEvents';
import { userProfileHandler } from '../../src/functions/userProfile';
import type { AnomalyEvent } from '../../src/lib/anomaly/anomalyEvent';
import { ClickPulseApp, setClickPulseApp } from '../../src/lib/app/clickPulseApp';
import { parseAppSettings } from '../../src/lib/config/appSettings';
import { compileJob } from '../../src/lib/engine/compileJob';
import { defaultJob } from '../../src/lib/engine/job';
import type { UserProfile } from '../../src/lib/entities/userActivity/profile';
import { azuriteConnectionString, uniqueName } from '../support/azurite';
import { eventHubInvocation, type SimulatedEvent } from '../support/eventHubInvocation';
import { ManualClock } from './appFixture';

const t0 = Date.UTC(2026, 5, 1, 10, 0, 0);

/** A ClickPulseApp whose userActivity entities run in the local executor on Azurite. */
async function installApp(delivered: AnomalyEvent[]) {
  const entityTable = uniqueName('entities');
  const settings = parseAppSettings({
    AzureWebJobsStorage: azuriteConnectionString(),
    EventHubConnection:
      'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;',
    EVENTHUB_NAME: 'clickstream',
    EVENTHUB_CONSUMER_GROUP: '$Default',
    EVENTHUB_PARTITION_COUNT: '1',
    CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
    CLICKPULSE_STATE_TABLE: uniqueName('state'),
    CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
    CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
    CLICKPULSE_ANOMALY_TABLE: uniqueName('anomalies'),
    CLICKPULSE_ENTITY_TABLE: entityTable,
  });
  const app = await ClickPulseApp.create({
    settings,
    job: compileJob(defaultJob),
    clock: new ManualClock(t0 + 5_000),
    storageRetryOptions: { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 100 },
    userActivity: {
      mode: 'local',
      alerts: {
        deliver(events) {
          delivered.push(...events);
          return Promise.resolve();
        },
      },
    },
  });
  setClickPulseApp(Promise.resolve(app));
  const table = TableClient.fromConnectionString(azuriteConnectionString(), entityTable, {
    allowInsecureConnection: true,
  });
  return { app, table };
}

async function rows(table: TableClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of table.listEntities<{ text: string }>()) out.set(e.partitionKey ?? '', e.text);
  return out;
}

const event = (seq: number, body: Record<string, unknown>): SimulatedEvent => ({
  sequenceNumber: seq,
  enqueuedTimeMs: t0 + seq * 100 + 20,
  body: JSON.stringify({ eventId: `e${seq}`, eventTime: new Date(t0 + seq * 100).toISOString(), ...body }),
});

const batch: SimulatedEvent[] = [
  event(0, {
    eventType: 'product_view',
    userId: 'user-1',
    sessionId: 's1',
    productId: 'p-9',
    category: 'shoes',
    price: 20,
    currency: 'EUR',
  }),
  event(1, {
    eventType: 'add_to_cart',
    userId: 'user-1',
    sessionId: 's1',
    productId: 'p-9',
    category: 'shoes',
    price: 20,
    quantity: 2,
    currency: 'EUR',
  }),
  event(2, { eventType: 'click', userId: 'user-2', productId: 'p-1' }),
  event(3, {
    eventType: 'checkout_start',
    userId: 'user-1',
    sessionId: 's1',
    orderId: 'o1',
    amount: 40,
    currency: 'EUR',
  }),
  event(4, {
    eventType: 'purchase',
    userId: 'user-1',
    sessionId: 's1',
    orderId: 'o1',
    amount: 40,
    currency: 'EUR',
    paymentMethodId: 'pm-1',
  }),
  ...[5, 6, 7, 8, 9].map((seq) =>
    event(seq, {
      eventType: 'payment_failed',
      userId: 'user-3',
      orderId: 'o2',
      amount: 900,
      currency: 'EUR',
      paymentMethodId: 'pm-3',
    }),
  ),
];

const get = (userId: string, query: Record<string, string> = {}) =>
  userProfileHandler(
    new HttpRequest({
      method: 'GET',
      url: `http://localhost/api/users/${encodeURIComponent(userId)}/profile`,
      params: { userId },
      query,
    }),
    new InvocationContext({ functionName: 'userProfile', logHandler: () => undefined }),
  );

describe('ingestClickEvents -> userActivity entities -> GET /api/users/{userId}/profile', () => {
  afterAll(() => setClickPulseApp(undefined));

  it('signals one operation per user per batch; the profile has counters, baselines and interests', async () => {
    const delivered: AnomalyEvent[] = [];
    const { table } = await installApp(delivered);
    const first = eventHubInvocation('0', batch);
    await ingestClickEventsHandler(first.bodies, first.context);
    const activity = first.logs.find((l) => l.args[0] === 'clickpulse.activity')!.args[1];
    expect(activity).toMatchObject({ partitionId: '0', events: 10, skipped: 0, userSignals: 3 });
    expect(delivered.map((e) => `${e.rule} ${e.key}`)).toEqual(['paymentVelocity user-3']);

    const response = await get('user-1', { top: '3' });
    expect(response.status).toBe(200);
    const profile = response.jsonBody as UserProfile;
    expect(profile).toMatchObject({
      userId: 'user-1',
      asOf: new Date(t0 + 400).toISOString(),
      spend: { EUR: 40 },
      purchases: 1,
      sessions: 1,
      topProducts: [{ id: 'p-9', score: 4 }],
      topCategories: [{ id: 'shoes', score: 4 }],
      appliedThrough: { '0': 4 },
    });
    expect(profile.counts.lastMinute).toMatchObject({
      product_view: 1,
      add_to_cart: 1,
      checkout_start: 1,
      purchase: 1,
      click: 0,
    });
    expect(Object.keys(profile.counts)).toEqual(['lastMinute', 'last15Minutes', 'last24Hours', 'lifetime']);
    expect(profile.baselines.purchaseAmount).toMatchObject({
      currency: 'EUR',
      mean: 40,
      samples: 1,
      warm: false,
    });
    expect(profile.baselines.eventsPerActiveMinute).toMatchObject({ samples: 0, warm: false });

    // A redelivered batch (the host crashed before its checkpoint) changes no entity.
    const before = await rows(table);
    const again = eventHubInvocation('0', batch);
    await ingestClickEventsHandler(again.bodies, again.context);
    expect(await rows(table)).toEqual(before);
    expect(delivered).toHaveLength(1);
    expect((await get('user-1', { top: '3' })).jsonBody).toEqual(profile);
  });

  it('answers 404 for an unknown user and 400 for a bad request', async () => {
    await installApp([]);
    expect((await get('nobody')).status).toBe(404);
    expect((await get(' padded')).status).toBe(400);
    expect((await get('x'.repeat(129))).status).toBe(400);
    expect((await get('user-1', { top: '0' })).status).toBe(400);
  });
});
