import { BlobServiceClient } from '@azure/storage-blob';
import { afterEach, describe, expect, it } from 'vitest';
import { BlobOutboxNotifier, type OutboxEntry } from '../../../src/lib/adapters/email/blobOutboxNotifier';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf } from '../../../src/lib/alerts/alertKey';
import { ClickPulseApp } from '../../../src/lib/app/clickPulseApp';
import { parseAppSettings } from '../../../src/lib/config/appSettings';
import { compileJob } from '../../../src/lib/engine/compileJob';
import { defaultJob } from '../../../src/lib/engine/job';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

const t0 = Date.parse('2026-03-01T12:00:10.000Z');
/** A fraud burst as the rules report it: one user's payment velocity, flagged in consecutive windows. */
const burst = (startMs: number) =>
  [0, 10_000, 20_000].map((d) =>
    createAnomalyEvent({
      rule: 'paymentVelocity',
      key: 'u7',
      severity: 'warning',
      score: 0.95,
      windowEndMs: startMs + d,
      evidence: { failedPayments: 6, threshold: 3, windowSeconds: 10 },
    }),
  );

describe('alerts under npm start: the local outbox (Blob container and a terminal line)', () => {
  let app: ClickPulseApp | undefined;
  afterEach(() => app?.alerting.runner?.stop());

  async function localApp(
    lines: string[],
    clock: { ms: number },
    env: Record<string, string> = {},
  ): Promise<{ app: ClickPulseApp; outbox: string }> {
    const outbox = uniqueName('outbox');
    const settings = parseAppSettings({
      AzureWebJobsStorage: azuriteConnectionString(),
      EventHubConnection: 'local-runtime (in-process simulator)',
      EVENTHUB_NAME: 'clickstream',
      EVENTHUB_CONSUMER_GROUP: '$Default',
      EVENTHUB_PARTITION_COUNT: '2',
      CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
      CLICKPULSE_STATE_TABLE: uniqueName('state'),
      CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
      CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
      CLICKPULSE_ALERT_TABLE: uniqueName('alerts'),
      CLICKPULSE_OUTBOX_CONTAINER: outbox,
      ...env,
    });
    expect(settings.alerts.email).toBeUndefined();
    expect(settings.powerBi).toBeUndefined();
    app = await ClickPulseApp.create({
      settings,
      job: compileJob(defaultJob),
      clock: { now: () => clock.ms },
      alerting: { escalation: 'inProcess', write: (l) => lines.push(l) },
    });
    return { app, outbox };
  }

  async function outboxEntries(container: string): Promise<OutboxEntry[]> {
    const c = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(container);
    const out: OutboxEntry[] = [];
    for await (const b of c.listBlobsFlat()) {
      out.push(
        JSON.parse((await c.getBlobClient(b.name).downloadToBuffer()).toString('utf8')) as OutboxEntry,
      );
    }
    return out;
  }

  it('a fraud burst gives exactly one alert in the outbox; the same burst again, or a repeat inside the cooldown, gives none', async () => {
    const lines: string[] = [];
    const clock = { ms: t0 + 2_000 };
    const { app: a, outbox } = await localApp(lines, clock);
    expect(a.alerting.routes).toEqual({
      email: `outbox container ${outbox}`,
      sms: `outbox container ${outbox}`,
    });

    await a.alerting.service.deliver(burst(t0));
    let entries = await outboxEntries(outbox);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      channel: 'email',
      subject: '[ClickPulse warning] paymentVelocity for u7 (score 0.95)',
    });
    expect(entries[0]!.text).toContain('failedPayments: 6');
    expect(lines.filter((l) => l.startsWith('[alert outbox]'))).toEqual([
      '[alert outbox] email to (no recipients): [ClickPulse warning] paymentVelocity for u7 (score 0.95)',
    ]);

    // The same burst redelivered: nothing new.
    await a.alerting.service.deliver(burst(t0));
    // A repeat of the burst two minutes later, inside the 15 minute cooldown: nothing new.
    clock.ms += 120_000;
    await a.alerting.service.deliver(burst(t0 + 120_000));
    entries = await outboxEntries(outbox);
    expect(entries).toHaveLength(1);
    const recent = await a.alerting.service.recent(10);
    expect(recent.map((r) => r.status).sort()).toEqual(['sent', ...Array<string>(5).fill('suppressed')]);
    // The dashboard's alert feed reads the same records.
    const feed = await a.dashboard.feeds.alerts.recent(10);
    expect(feed.find((x) => x.state === 'sent')).toMatchObject({
      id: alertKeyOf(burst(t0)[0]!.id),
      title: 'paymentVelocity: u7',
    });
  });

  it('a critical alert escalates in process: outbox email, then the outbox SMS when nobody acknowledges', async () => {
    const lines: string[] = [];
    const clock = { ms: t0 };
    const { app: a, outbox } = await localApp(lines, clock, { ALERT_ESCALATION_TIMEOUT_SECONDS: '1' });
    const critical = createAnomalyEvent({
      rule: 'purchaseAmountSpike',
      key: 'u8',
      severity: 'critical',
      score: 0.99,
      windowEndMs: t0,
      evidence: { amount: 9000 },
    });
    await a.alerting.service.deliver([critical]);
    await a.alerting.runner!.settled();
    const entries = await outboxEntries(outbox);
    expect(entries.map((e) => e.channel).sort()).toEqual(['email', 'sms']);
    expect(entries.find((e) => e.channel === 'sms')!.to).toEqual(['on-call']);
    expect(await a.alerting.service.get(alertKeyOf(critical.id))).toMatchObject({ status: 'escalated' });
  });

  it('outbox blob names are the message keys, so writing a message again overwrites it', async () => {
    const container = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(
      uniqueName('outbox'),
    );
    await container.create();
    const outbox = new BlobOutboxNotifier({ container, now: () => t0 });
    const email = {
      idempotencyKey: 'k1-email',
      to: ['a@b.example'],
      subject: 's',
      text: 't',
      html: '<p>t</p>',
    };
    await outbox.sendEmail(email);
    await outbox.sendEmail(email);
    await outbox.sendSms({ idempotencyKey: 'k1-sms-+1555', to: '+1555', body: 'b' });
    const names: string[] = [];
    for await (const b of container.listBlobsFlat()) names.push(b.name);
    expect(names.sort()).toEqual(
      [
        BlobOutboxNotifier.blobName('email', 'k1-email'),
        BlobOutboxNotifier.blobName('sms', 'k1-sms-+1555'),
      ].sort(),
    );
  });
});
