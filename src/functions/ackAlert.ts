import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { escalationInstanceId, isAlertKey } from '../lib/alerts/alertKey';
import type { AlertRecord } from '../lib/alerts/alertRecord';
import { escalationNames } from '../lib/alerts/escalationOrchestrator';
import { getClickPulseApp } from '../lib/app/clickPulseApp';
import { dashboardAlertOf } from '../lib/dashboard/alertRecordFeed';

export const ackAlertName = 'ackAlert';

/** Raises the 'Acknowledged' event on an escalation; resolves false when there is no such instance. */
export type RaiseAcknowledged = (instanceId: string, data: { readonly at: string }) => Promise<boolean>;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string): HttpResponseInit => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
  body: `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`,
});

const wantsHtml = (request: HttpRequest): boolean =>
  (request.headers.get('accept') ?? '').includes('text/html') ||
  (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded');

/**
 * GET /api/alerts/{id}/ack: a confirmation page whose button POSTs (the email links here; a GET must not
 * acknowledge, because mail scanners follow links). POST /api/alerts/{id}/ack: records the
 * acknowledgement and raises 'Acknowledged' on the escalation (alert-<id>), which cancels its timer and
 * so the SMS. Both safe to repeat; 404 for an unknown alert. Function-key auth (the link carries ?code=).
 */
export async function ackAlertHandler(
  request: HttpRequest,
  raise: RaiseAcknowledged,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  const id = request.params.id ?? '';
  if (!isAlertKey(id)) return { status: 404, jsonBody: { error: `no alert with id ${JSON.stringify(id)}` } };
  const clickPulse = await getClickPulseApp();
  if (request.method === 'GET') {
    const record = await clickPulse.alerting.service.get(id);
    if (!record) return { status: 404, jsonBody: { error: `no alert with id ${JSON.stringify(id)}` } };
    const code = request.query.get('code');
    const action = `/api/alerts/${id}/ack${code ? `?code=${encodeURIComponent(code)}` : ''}`;
    const a = record.anomaly;
    return page(
      'Acknowledge alert',
      `<h2>${escapeHtml(a.severity)} ${escapeHtml(a.rule)} for ${escapeHtml(a.key)}</h2>` +
        `<p>Window end ${escapeHtml(a.windowEnd)}, status ${escapeHtml(record.status)}.</p>` +
        `<form method="post" action="${escapeHtml(action)}"><button type="submit">Acknowledge</button></form>`,
    );
  }
  const record: AlertRecord | undefined = await clickPulse.alerting.service.acknowledge(id);
  if (!record) return { status: 404, jsonBody: { error: `no alert with id ${JSON.stringify(id)}` } };
  const instanceId = escalationInstanceId(id);
  const raised = await raise(instanceId, { at: record.acknowledgedAt ?? new Date().toISOString() });
  context.log('clickpulse.alertAcknowledged', { alertKey: id, instanceId, escalationNotified: raised });
  if (wantsHtml(request)) return page('Alert acknowledged', `<p>Alert ${escapeHtml(id)} acknowledged.</p>`);
  return {
    status: 200,
    jsonBody: {
      alertKey: id,
      status: record.status,
      acknowledgedAt: record.acknowledgedAt,
      escalationNotified: raised,
      // As the dashboard's Acknowledge button reads it.
      alert: dashboardAlertOf(record),
    },
  };
}

/** The Durable client's raiseEvent; an instance that does not exist or has ended is not an error here. */
export function raiseWith(client: df.DurableClient): RaiseAcknowledged {
  return async (instanceId, data) => {
    try {
      await client.raiseEvent(instanceId, escalationNames.ackEvent, data);
      return true;
    } catch (error) {
      if (error instanceof Error && /No instance with ID|\b404\b/.test(error.message)) return false;
      throw error;
    }
  };
}

df.app.client.http(ackAlertName, {
  route: 'alerts/{id}/ack',
  methods: ['GET', 'POST'],
  authLevel: 'function',
  handler: (request, client, context) => ackAlertHandler(request, raiseWith(client), context),
});
