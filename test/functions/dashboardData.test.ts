import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { closeWindowsHandler } from '../../src/functions/closeWindows';
import { dashboardHandler } from '../../src/functions/dashboard';
import { dashboardDataHandler } from '../../src/functions/dashboardData';
import { ingestClickEventsHandler } from '../../src/functions/ingestClickEvents';
import { ClickPulseApp, setClickPulseApp } from '../../src/lib/app/clickPulseApp';
import { parseAppSettings } from '../../src/lib/config/appSettings';
import type { DashboardData } from '../../src/lib/dashboard/dashboardData';
import type { DashboardAlert, DashboardFeeds } from '../../src/lib/dashboard/feeds';
import { compileJob } from '../../src/lib/engine/compileJob';
import { defaultJob } from '../../src/lib/engine/job';
import { azuriteConnectionString, uniqueName } from '../support/azurite';
import { eventHubInvocation, type SimulatedEvent } from '../support/eventHubInvocation';
import { InMemoryAlertFeed } from '../lib/dashboard/inMemoryAlertFeed';
import { ManualClock } from './appFixture';

const t0 = Date.UTC(2026, 5, 1, 10, 0, 0);
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const context = (name: string): InvocationContext =>
  new InvocationContext({ functionName: name, logHandler: () => undefined });
const get = (path: string): HttpRequest => new HttpRequest({ url: `http://localhost${path}`, method: 'GET' });

/** An app on its own table and containers with the given dashboard feeds, installed process-wide. */
async function installApp(clock: ManualClock, feeds?: Partial<DashboardFeeds>): Promise<ClickPulseApp> {
  const app = ClickPulseApp.create({
    settings: parseAppSettings({
      AzureWebJobsStorage: azuriteConnectionString(),
      EventHubConnection:
        'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;',
      EVENTHUB_NAME: 'clickstream',
      EVENTHUB_CONSUMER_GROUP: '$Default',
      EVENTHUB_PARTITION_COUNT: '2',
      CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
      CLICKPULSE_STATE_TABLE: uniqueName('dashdata'),
      CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
      CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
      CLICKPULSE_ALERT_TABLE: uniqueName('alerts'),
      CLICKPULSE_OUTBOX_CONTAINER: uniqueName('outbox'),
    }),
    job: compileJob(defaultJob),
    clock,
    storageRetryOptions: { maxRetries: 1, retryDelayInMs: 50, maxRetryDelayInMs: 100 },
    ...(feeds ? { dashboardFeeds: feeds } : {}),
  });
  setClickPulseApp(app);
  return app;
}

/** Events of one partition: clicks and cart adds on three products, 100 ms apart. */
function events(partition: number, from: number, count: number, startMs: number): SimulatedEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const type = seq % 4 === 3 ? 'add_to_cart' : 'click';
    const body = {
      eventId: `p${partition}-${seq}`,
      eventType: type,
      eventTime: new Date(startMs + i * 100).toISOString(),
      userId: `user-${seq % 5}`,
      sessionId: `s-${seq % 5}`,
      productId: `product-${seq % 3}`,
      ...(type === 'add_to_cart' ? { quantity: 1, price: 9.5, currency: 'EUR' } : {}),
    };
    return { sequenceNumber: seq, enqueuedTimeMs: startMs + i * 100 + 20, body: JSON.stringify(body) };
  });
}

async function ingest(partition: string, batch: SimulatedEvent[]): Promise<void> {
  const inv = eventHubInvocation(partition, batch);
  await ingestClickEventsHandler(inv.bodies, inv.context);
}

async function data(): Promise<DashboardData> {
  const response = await dashboardDataHandler(get('/api/dashboard/data'), context('dashboardData'));
  expect(response.status).toBe(200);
  expect(new Headers(response.headers).get('cache-control')).toBe('no-store');
  // What goes over the wire: plain JSON.
  return JSON.parse(JSON.stringify(response.jsonBody)) as DashboardData;
}

describe('GET /api/dashboard/data', () => {
  it('answers the documented shape from stored state: traffic, partitions, latest rows, top products, dead letters', async () => {
    const clock = new ManualClock(t0 + 1_000);
    await installApp(clock);
    await ingest('0', events(0, 0, 40, t0));
    await ingest('1', events(1, 0, 40, t0));
    // A poison message: dead-lettered, by reason.
    await ingest('1', [{ sequenceNumber: 40, enqueuedTimeMs: t0 + 4_100, body: '{"eventType":' }]);
    clock.ms = t0 + 5_000;
    await closeWindowsHandler(timer, context('closeWindows'));
    // Redelivery of a batch: the read models count it once, as the engine does.
    await ingest('0', events(0, 0, 40, t0));
    await ingest('0', events(0, 40, 40, t0 + 4_000));
    clock.ms = t0 + 30_000;
    await closeWindowsHandler(timer, context('closeWindows'));
    clock.ms = t0 + 31_000;

    const d = await data();
    expect(Object.keys(d).sort()).toEqual(
      [
        'alerts',
        'anomalies',
        'deadLetters',
        'job',
        'now',
        'outputs',
        'partitions',
        'problems',
        'refreshIntervalInMs',
        'schemaVersion',
        'topProducts',
        'totals',
        'traffic',
      ].sort(),
    );
    expect(d).toMatchObject({
      schemaVersion: 1,
      job: 'clicks-per-user-product',
      now: new Date(t0 + 31_000).toISOString(),
      refreshIntervalInMs: 2000,
      anomalies: [],
      alerts: [],
      problems: [],
    });
    // Two stored samples (one per timer tick) and the live one.
    expect(d.traffic.map((p) => p.time)).toEqual(
      [t0 + 5_000, t0 + 30_000, t0 + 31_000].map((ms) => new Date(ms).toISOString()),
    );
    expect(d.traffic[0]!.eventsPerSecond).toBeNull();
    expect(d.traffic[1]!.eventsPerSecond).toBeCloseTo(40 / 25, 6);
    expect(d.traffic[2]!.eventsPerSecond).toBe(0);
    for (const p of d.traffic)
      expect(p.watermarkDelayInMs === null || typeof p.watermarkDelayInMs === 'number').toBe(true);
    expect(d.totals).toEqual({
      inputEvents: 121,
      eventsPerSecond: 0,
      maxWatermarkDelayInMs: expect.any(Number) as number,
      duplicatesSkipped: 40,
      lateDropped: 0,
      outOfOrderDropped: 0,
      deadLettered: 1,
      rowsEmitted: expect.any(Number) as number,
      finalizedThrough: expect.any(String) as string,
    });
    expect(d.partitions).toEqual([
      {
        partitionId: '0',
        watermark: expect.any(String) as string,
        watermarkDelayInMs: expect.any(Number) as number,
        lastBatch: new Date(t0 + 5_000).toISOString(),
        lastBatchAgeInMs: 26_000,
        lagInMs: t0 + 31_000 - (t0 + 4_000 + 39 * 100 + 20),
        lastSequenceNumber: 79,
        inputEvents: 80,
        deadLettered: 0,
      },
      {
        partitionId: '1',
        watermark: expect.any(String) as string,
        watermarkDelayInMs: expect.any(Number) as number,
        lastBatch: new Date(t0 + 1_000).toISOString(),
        lastBatchAgeInMs: 30_000,
        lagInMs: 31_000 - 4_100,
        lastSequenceNumber: 40,
        inputEvents: 41,
        deadLettered: 1,
      },
    ]);
    expect(d.deadLetters).toEqual({ total: 1, byReason: [{ reason: 'notJson', count: 1 }] });

    // Latest rows: the newest closed window of the seed job's output, largest ClickCount first.
    expect(d.outputs).toHaveLength(1);
    const out = d.outputs[0]!;
    expect(out).toMatchObject({
      output: 'PowerBIOutput',
      kind: 'window',
      columns: ['WindowEnd', 'UserId', 'ProductId', 'ClickCount'],
      orderedBy: 'ClickCount',
    });
    expect(new Date(out.timestampMs).toISOString()).toBe(out.rows[0]!.WindowEnd);
    const counts = out.rows.map((r) => r.ClickCount as number);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(out.rows.length).toBe(out.rowCount);

    // Top products over the last minute of arrivals: 120 events, a quarter of them cart adds, counted once.
    const sum = (xs: readonly { count: number }[]): number => xs.reduce((n, x) => n + x.count, 0);
    expect(sum(d.topProducts.byClicks) + sum(d.topProducts.byCartAdds)).toBe(120);
    expect(sum(d.topProducts.byCartAdds)).toBe(30);
    expect(d.topProducts.byClicks.map((p) => p.productId).sort()).toEqual([
      'product-0',
      'product-1',
      'product-2',
    ]);
    expect(Date.parse(d.topProducts.to)).toBeGreaterThan(Date.parse(d.topProducts.from));
  });

  it('shows the wired anomaly and alert feeds as they stand on each read', async () => {
    const raisedAt = new Date(t0).toISOString();
    const alert: DashboardAlert = {
      id: 'a-1',
      anomalyId: 'spike|x|t',
      title: 'spike: x',
      severity: 'critical',
      state: 'sent',
      raisedAt,
      updatedAt: raisedAt,
      channels: ['email', 'sms'],
      acknowledgedAt: null,
    };
    const clock = new ManualClock(t0);
    const anomaly = {
      id: 'spike|x|t',
      rule: 'spike',
      key: 'x',
      severity: 'critical' as const,
      score: 0.9,
      windowEnd: raisedAt,
      evidence: { observed: 9 },
    };
    const alerts = new InMemoryAlertFeed([alert], () => t0 + 5_000);
    await installApp(clock, { alerts, anomalies: { recent: () => Promise.resolve([anomaly]) } });
    const before = await data();
    expect(before.anomalies).toEqual([anomaly]);
    expect(before.alerts).toEqual([alert]);
    expect(before.outputs).toEqual([]);
    expect(before.traffic).toEqual([{ time: raisedAt, eventsPerSecond: null, watermarkDelayInMs: null }]);
    await alerts.acknowledge('a-1');
    const at = new Date(t0 + 5_000).toISOString();
    expect((await data()).alerts).toEqual([
      { ...alert, state: 'acknowledged', acknowledgedAt: at, updatedAt: at },
    ]);
  });

  it('names a section that cannot be read in problems and still answers the rest', async () => {
    await installApp(new ManualClock(t0), {
      anomalies: { recent: () => Promise.reject(new Error('anomaly table unavailable')) },
    });
    const d = await data();
    expect(d.problems).toEqual(['anomalies: anomaly table unavailable']);
    expect(d.anomalies).toEqual([]);
    expect(d.partitions).toHaveLength(2);
  });
});

describe('GET /api/dashboard', () => {
  it('serves one self-contained page: inline script and styles allowed by hash, nothing remote', async () => {
    const response = await dashboardHandler(get('/api/dashboard'), context('dashboard'));
    expect(response.status).toBe(200);
    const headers = new Headers(response.headers);
    expect(headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = headers.get('content-security-policy')!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(csp).toMatch(/connect-src 'self'/);
    const html = response.body as string;
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).not.toMatch(/\bsrc=|<link rel="stylesheet"|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('<main id="main">');
  });
});
