import { BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { ingestClickEventsHandler } from '../../src/functions/ingestClickEvents';
import { closeWindowsHandler } from '../../src/functions/closeWindows';
import { healthHandler } from '../../src/functions/health';
import { startEmbeddedAzurite } from '../../src/lib/adapters/azurite/embeddedAzurite';
import type { HealthReport } from '../../src/lib/app/clickPulseApp';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { azuriteConnectionString } from '../support/azurite';
import { eventHubInvocation, type SimulatedEvent } from '../support/eventHubInvocation';
import { click, installTestApp, ManualClock } from './appFixture';

const t0 = Date.UTC(2026, 5, 1, 10, 0, 0);

async function blobTexts(connectionString: string, container: string): Promise<Map<string, string>> {
  const c = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container);
  const out = new Map<string, string>();
  for await (const b of c.listBlobsFlat())
    out.set(b.name, (await c.getBlobClient(b.name).downloadToBuffer()).toString('utf8'));
  return out;
}

/** Window rows of the seed job's output (the archive also holds raw events under raw/). */
async function archivedRows(connectionString: string, container: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const [name, text] of await blobTexts(connectionString, container)) {
    if (!name.startsWith('PowerBIOutput/')) continue;
    for (const line of text.split('\n').filter(Boolean))
      rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};
const timerContext = (): InvocationContext =>
  new InvocationContext({ functionName: 'closeWindows', logHandler: () => undefined });

function clicks(partition: number, from: number, count: number, startMs: number): SimulatedEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    sequenceNumber: from + i,
    enqueuedTimeMs: startMs + i * 100 + 20,
    body: click(`p${partition}-${from + i}`, `user-${i % 3}`, `product-${i % 2}`, startMs + i * 100),
  }));
}

describe('ingestClickEvents', () => {
  it('applies a redelivered batch once: the archive equals a single delivery', async () => {
    const cs = azuriteConnectionString();
    const clock = new ManualClock(t0);
    const once = await installTestApp(cs, clock, 1);
    const batch = clicks(0, 0, 50, t0);
    const first = eventHubInvocation('0', batch);
    clock.ms = t0 + 6_000;
    await ingestClickEventsHandler(first.bodies, first.context);
    // Redelivery after a crash before the checkpoint: the same batch, then an overlapping one.
    const again = eventHubInvocation('0', batch);
    await ingestClickEventsHandler(again.bodies, again.context);
    const overlap = eventHubInvocation('0', [...batch.slice(25), ...clicks(0, 50, 10, t0 + 5_000)]);
    await ingestClickEventsHandler(overlap.bodies, overlap.context);
    clock.ms = t0 + 60_000;
    await closeWindowsHandler(timer, timerContext());
    const rows = await archivedRows(cs, once.settings.archiveContainer);
    const total = rows.reduce((n, r) => n + (r.ClickCount as number), 0);
    expect(total).toBe(60);
    // Raw events: every valid event once per delivered batch boundary, in folders of its event time.
    const raw = [...(await blobTexts(cs, once.settings.archiveContainer))].filter(([n]) =>
      n.startsWith('raw/'),
    );
    expect(raw.map(([n]) => n).sort()).toEqual([
      'raw/2026/06/01/10/p0-0-49.jsonl',
      'raw/2026/06/01/10/p0-25-59.jsonl',
    ]);
    const rawIds = new Set(
      raw.flatMap(([, text]) =>
        text
          .split('\n')
          .filter(Boolean)
          .map((l) => (JSON.parse(l) as { eventId: string }).eventId),
      ),
    );
    expect(rawIds.size).toBe(60);
    expect(first.logs.some((l) => l.args[0] === 'clickpulse.batch')).toBe(true);
    const summary = again.logs.find((l) => l.args[0] === 'clickpulse.batch')!.args[1] as {
      duplicatesSkipped: number;
    };
    expect(summary.duplicatesSkipped).toBe(50);
  });

  it('dead-letters a poison message with its bytes and counts the rest of the batch', async () => {
    const cs = azuriteConnectionString();
    const clock = new ManualClock(t0);
    const app = await installTestApp(cs, clock, 1);
    const batch = clicks(0, 0, 5, t0);
    const poisoned: SimulatedEvent[] = [
      ...batch.slice(0, 2),
      { sequenceNumber: 2, enqueuedTimeMs: t0 + 250, body: '{"eventType": "click", oops' },
      ...batch.slice(3),
    ];
    const inv = eventHubInvocation('0', poisoned);
    await ingestClickEventsHandler(inv.bodies, inv.context);
    // The per-batch log carries the batch's own counters, for Application Insights to chart.
    const logged = inv.logs.find((l) => l.args[0] === 'clickpulse.batch')!.args[1] as {
      counters: { inputEvents: number; deadLettered: Record<string, number> };
    };
    expect(logged.counters).toMatchObject({ inputEvents: 5, deadLettered: { notJson: 1 } });
    const dead = await blobTexts(cs, app.settings.deadLetterContainer);
    expect([...dead.keys()]).toEqual(['0/00000000000000000002.json']);
    const doc = JSON.parse([...dead.values()][0]!) as {
      reason: string;
      bodyText: string;
      sequenceNumber: number;
    };
    expect(doc).toMatchObject({
      reason: 'notJson',
      bodyText: '{"eventType": "click", oops',
      sequenceNumber: 2,
    });
    const health = await healthHandler(
      new HttpRequest({ url: 'http://localhost/api/health', method: 'GET' }),
      timerContext(),
    );
    const report = health.jsonBody as HealthReport;
    expect(report.totals.inputEvents).toBe(5);
    expect(report.totals.deadLettered).toEqual({ notJson: 1 });
    expect(report.partitions[0]!.lastSequenceNumber).toBe(4);
  });

  it('throws on a transient storage failure (so the retry policy redelivers) and parks the batch on the last try', async () => {
    const own = await startEmbeddedAzurite();
    const clock = new ManualClock(t0);
    await installTestApp(own.connectionString, clock, 1);
    const warm = eventHubInvocation('0', clicks(0, 0, 3, t0));
    await ingestClickEventsHandler(warm.bodies, warm.context);
    await own.stop();
    const inv = eventHubInvocation('0', clicks(0, 3, 3, t0 + 300), { retryCount: 1, maxRetryCount: 6 });
    await expect(ingestClickEventsHandler(inv.bodies, inv.context)).rejects.toThrow();
    const failure = inv.logs.find((l) => l.args[0] === 'clickpulse.batchFailed')!.args[1] as Record<
      string,
      unknown
    >;
    expect(failure).toMatchObject({
      retriable: true,
      lastAttempt: false,
      firstSequenceNumber: 3,
      lastSequenceNumber: 5,
    });
    expect(inv.logs.some((l) => l.args[0] === 'clickpulse.batchLost')).toBe(false);
    // The last retry: storage is still down, so the batch goes to the log, bytes and all, loudly.
    const last = eventHubInvocation('0', clicks(0, 3, 3, t0 + 300), { retryCount: 6, maxRetryCount: 6 });
    await expect(ingestClickEventsHandler(last.bodies, last.context)).rejects.toThrow();
    const lost = last.logs.find((l) => l.args[0] === 'clickpulse.batchLost');
    expect(lost?.level).toBe('error');
    const messages = (lost!.args[1] as { messages: { sequenceNumber: number; bodyBase64: string }[] })
      .messages;
    expect(messages.map((m) => m.sequenceNumber)).toEqual([3, 4, 5]);
    expect(JSON.parse(Buffer.from(messages[0]!.bodyBase64, 'base64').toString('utf8'))).toMatchObject({
      eventId: 'p0-3',
    });
  });

  it('closeWindows emits a window once idle partitions pass its end, not before', async () => {
    const cs = azuriteConnectionString();
    const clock = new ManualClock(t0 + 2_000);
    const app = await installTestApp(cs, clock, 2);
    const p0 = eventHubInvocation('0', clicks(0, 0, 10, t0 + 100));
    await ingestClickEventsHandler(p0.bodies, p0.context);
    // Partition 1 never delivers; the window (t0, t0+10s] must wait for its idle watermark.
    await closeWindowsHandler(timer, timerContext());
    expect(await archivedRows(cs, app.settings.archiveContainer)).toEqual([]);
    clock.ms = t0 + 9_000;
    await closeWindowsHandler(timer, timerContext());
    expect(await archivedRows(cs, app.settings.archiveContainer)).toEqual([]);
    // Late tolerance 5 s + idle threshold 5 s after the last arrival, the window closes.
    clock.ms = t0 + 25_000;
    await closeWindowsHandler(timer, timerContext());
    const rows = await archivedRows(cs, app.settings.archiveContainer);
    expect(rows.reduce((n, r) => n + (r.ClickCount as number), 0)).toBe(10);
    expect(new Set(rows.map((r) => r.WindowEnd))).toEqual(new Set([new Date(t0 + 10_000).toISOString()]));
  });
});
