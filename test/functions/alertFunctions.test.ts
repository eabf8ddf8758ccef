import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import type { DurableClient } from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackAlertHandler, raiseWith, type RaiseAcknowledged } from '../../src/functions/ackAlert';
import { alertDispatchHandler, escalationClientOf } from '../../src/functions/alertDispatch';
import { sendAlertEmailHandler } from '../../src/functions/alertEscalationEmail';
import { sendAlertSmsHandler } from '../../src/functions/alertEscalationSms';
import { createAnomalyEvent } from '../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf, escalationInstanceId } from '../../src/lib/alerts/alertKey';
import { ClickPulseApp, setClickPulseApp } from '../../src/lib/app/clickPulseApp';
import { parseAppSettings } from '../../src/lib/config/appSettings';
import { compileJob } from '../../src/lib/engine/compileJob';
import { defaultJob } from '../../src/lib/engine/job';
import { azuriteConnectionString, uniqueName } from '../support/azurite';

const t0 = Date.parse('2026-03-01T12:00:10.000Z');
const critical = (key: string) =>
  createAnomalyEvent({
    rule: 'purchaseAmountSpike',
    key,
    severity: 'critical',
    score: 0.99,
    windowEndMs: t0,
    evidence: { amount: 9000 },
  });
const context = () => new InvocationContext({ functionName: 'test', logHandler: () => undefined });
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/** The Durable client calls the dispatcher and the ack endpoint make, recorded. */
function fakeDurableClient(existing: Set<string>) {
  const calls: { op: string; id: string; arg?: unknown }[] = [];
  const client = {
    getStatus: (id: string) => {
      calls.push({ op: 'getStatus', id });
      return existing.has(id)
        ? Promise.resolve({ instanceId: id, runtimeStatus: 'Running' })
        : Promise.reject(
            new Error(
              `DurableClient error: Durable Functions extension replied with HTTP 404 response. ... ${id}.`,
            ),
          );
    },
    startNew: (name: string, options: { instanceId: string; input: unknown }) => {
      calls.push({ op: `startNew:${name}`, id: options.instanceId, arg: options.input });
      existing.add(options.instanceId);
      return Promise.resolve(options.instanceId);
    },
    raiseEvent: (id: string, name: string, data: unknown) => {
      calls.push({ op: `raiseEvent:${name}`, id, arg: data });
      return existing.has(id)
        ? Promise.resolve()
        : Promise.reject(new Error(`No instance with ID '${id}' found.`));
    },
  };
  return { client: client as unknown as DurableClient, calls };
}

describe('alert functions (ackAlert, alertDispatch, escalation activities) on an app over Azurite', () => {
  let app: ClickPulseApp;
  beforeAll(async () => {
    const settings = parseAppSettings({
      AzureWebJobsStorage: azuriteConnectionString(),
      EventHubConnection:
        'Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;',
      EVENTHUB_NAME: 'clickstream',
      EVENTHUB_CONSUMER_GROUP: '$Default',
      EVENTHUB_PARTITION_COUNT: '2',
      CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
      CLICKPULSE_STATE_TABLE: uniqueName('state'),
      CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
      CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
      CLICKPULSE_ALERT_TABLE: uniqueName('alerts'),
      CLICKPULSE_OUTBOX_CONTAINER: uniqueName('outbox'),
      ALERT_ACK_BASE_URL: 'https://clickpulse.example.net',
      ALERT_ACK_FUNCTION_KEY: 'key/with+chars',
    });
    app = await ClickPulseApp.create({
      settings,
      job: compileJob(defaultJob),
      clock: { now: () => t0 + 3000 },
    });
    setClickPulseApp(Promise.resolve(app));
  });
  afterAll(() => setClickPulseApp(undefined));

  it('alertDispatch starts one orchestration per queued critical alert, with its deterministic instance id, once', async () => {
    const e = critical('u100');
    await app.alerting.service.deliver([e, e]);
    const instanceId = escalationInstanceId(alertKeyOf(e.id));
    const existing = new Set<string>();
    const { client, calls } = fakeDurableClient(existing);
    await alertDispatchHandler(timer, client, context());
    await alertDispatchHandler(timer, client, context());
    expect(calls.filter((c) => c.op.startsWith('startNew'))).toEqual([
      {
        op: 'startNew:alertEscalation',
        id: instanceId,
        arg: expect.objectContaining({ alertKey: alertKeyOf(e.id), timeoutInMs: 900_000 }) as unknown,
      },
    ]);
    // Queued again (e.g. a second instance queued it before the first dispatch): an existing instance is not restarted.
    await app.alerting.store.enqueueEscalation({
      alertKey: alertKeyOf(e.id),
      record: (await app.alerting.service.get(alertKeyOf(e.id)))!,
      timeoutInMs: 1,
    });
    expect(await app.alerting.service.dispatchEscalations(escalationClientOf(client))).toBe(0);
  });

  it('the escalation activities send through the configured channel (here the outbox) once each', async () => {
    const e = critical('u101');
    await app.alerting.service.deliver([e]);
    const input = (await app.alerting.store.pendingEscalations(100)).find(
      (x) => x.alertKey === alertKeyOf(e.id),
    )!;
    expect(await sendAlertEmailHandler(input, context())).toMatch(/^accepted outbox:email\//);
    expect(await sendAlertEmailHandler(input, context())).toBe('duplicate');
    expect(await sendAlertSmsHandler(input, context())).toMatch(/^accepted outbox:sms\//);
    expect(await app.alerting.service.get(input.alertKey)).toMatchObject({ status: 'escalated' });
  });

  it('GET /api/alerts/{id}/ack shows a confirmation page whose form POSTs (a link click must not acknowledge)', async () => {
    const e = critical('u102');
    await app.alerting.service.deliver([e]);
    const key = alertKeyOf(e.id);
    const raised: string[] = [];
    const raise: RaiseAcknowledged = (id) => {
      raised.push(id);
      return Promise.resolve(true);
    };
    const res = await ackAlertHandler(
      new HttpRequest({
        method: 'GET',
        url: `http://localhost/api/alerts/${key}/ack?code=abc%2B1`,
        params: { id: key },
        query: { code: 'abc+1' },
      }),
      raise,
      context(),
    );
    expect(res.status).toBe(200);
    expect(res.body as string).toContain(`<form method="post" action="/api/alerts/${key}/ack?code=abc%2B1">`);
    expect(raised).toEqual([]);
    expect(await app.alerting.service.get(key)).toMatchObject({ status: 'pending' });
  });

  it('POST /api/alerts/{id}/ack records the acknowledgement and raises Acknowledged on alert-<id>; repeatable; 404 for unknown', async () => {
    const e = critical('u103');
    await app.alerting.service.deliver([e]);
    const key = alertKeyOf(e.id);
    const existing = new Set([escalationInstanceId(key)]);
    const { client, calls } = fakeDurableClient(existing);
    const post = () =>
      ackAlertHandler(
        new HttpRequest({
          method: 'POST',
          url: `http://localhost/api/alerts/${key}/ack`,
          params: { id: key },
        }),
        raiseWith(client),
        context(),
      );
    const first = await post();
    expect(first.status).toBe(200);
    expect(first.jsonBody).toMatchObject({
      alertKey: key,
      status: 'acknowledged',
      escalationNotified: true,
      alert: { id: key, state: 'acknowledged', title: 'purchaseAmountSpike: u103' },
    });
    expect(calls).toEqual([
      {
        op: 'raiseEvent:Acknowledged',
        id: escalationInstanceId(key),
        arg: { at: new Date(t0 + 3000).toISOString() },
      },
    ]);
    expect((await post()).status).toBe(200);
    expect(await app.alerting.service.get(key)).toMatchObject({ status: 'acknowledged' });
    // The dashboard's feed shows it acknowledged.
    expect((await app.dashboard.feeds.alerts.recent(50)).find((a) => a.id === key)).toMatchObject({
      state: 'acknowledged',
    });

    // No escalation instance (a warning, or one that ended): acknowledged all the same.
    const other = critical('u104');
    await app.alerting.service.deliver([other]);
    const res = await ackAlertHandler(
      new HttpRequest({ method: 'POST', url: 'http://localhost/x', params: { id: alertKeyOf(other.id) } }),
      raiseWith(fakeDurableClient(new Set()).client),
      context(),
    );
    expect(res.jsonBody).toMatchObject({ status: 'acknowledged', escalationNotified: false });

    const missing = await ackAlertHandler(
      new HttpRequest({ method: 'POST', url: 'http://localhost/x', params: { id: 'f'.repeat(32) } }),
      raiseWith(client),
      context(),
    );
    expect(missing.status).toBe(404);
    const invalid = await ackAlertHandler(
      new HttpRequest({ method: 'POST', url: 'http://localhost/x', params: { id: '../x' } }),
      raiseWith(client),
      context(),
    );
    expect(invalid.status).toBe(404);
  });

  it('email ack links carry the public base URL and the function key', async () => {
    const e = critical('u105');
    await app.alerting.service.deliver([e]);
    const input = (await app.alerting.store.pendingEscalations(100)).find(
      (x) => x.alertKey === alertKeyOf(e.id),
    )!;
    await sendAlertEmailHandler(input, context());
    const { BlobServiceClient } = await import('@azure/storage-blob');
    const c = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(
      app.settings.alerts.outboxContainer,
    );
    let text = '';
    for await (const b of c.listBlobsFlat({ prefix: 'email/' })) {
      const entry = JSON.parse((await c.getBlobClient(b.name).downloadToBuffer()).toString('utf8')) as {
        text: string;
      };
      if (entry.text.includes('u105')) text = entry.text;
    }
    expect(text).toContain(
      `https://clickpulse.example.net/api/alerts/${input.alertKey}/ack?code=key%2Fwith%2Bchars`,
    );
  });
});
