import type { AnomalyEvent } from '../anomaly/anomalyEvent';
import type { AlertRecord } from './alertRecord';

/** Longest SMS kept in one GSM-7 segment. */
export const smsSegmentLength = 160;

export interface AlertEmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const formatValue = (v: unknown): string => {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e4) / 1e4);
  if (typeof v === 'string') return v;
  return JSON.stringify(v) ?? String(v);
};

const evidenceLines = (a: AnomalyEvent): [string, string][] =>
  Object.entries(a.evidence).map(([k, v]) => [k, formatValue(v)]);

/** "HH:mmZ" of an ISO instant, for short texts. */
const hhmm = (iso: string): string => `${iso.slice(11, 16)}Z`;

/** The subject line of one alert. */
export function alertSubject(a: AnomalyEvent): string {
  return `[ClickPulse ${a.severity}] ${a.rule} for ${a.key} (score ${formatValue(a.score)})`;
}

/**
 * One alert's email: the anomaly, its evidence, and the acknowledgement link (critical alerts escalate
 * to SMS unless acknowledged). Plain text and HTML carry the same facts.
 * @param ackUrl - the acknowledgement page; undefined when no public base URL is configured
 * @param escalationTimeoutInMs - shown for critical alerts
 */
export function renderAlertEmail(
  record: AlertRecord,
  ackUrl: string | undefined,
  escalationTimeoutInMs: number,
): AlertEmailContent {
  const a = record.anomaly;
  const facts: [string, string][] = [
    ['Rule', a.rule],
    ['Key', a.key],
    ['Severity', a.severity],
    ['Score', formatValue(a.score)],
    ['Window end', a.windowEnd],
    ['Alert', record.alertKey],
  ];
  const evidence = evidenceLines(a);
  const escalation =
    a.severity === 'critical'
      ? `Unless acknowledged within ${Math.round(escalationTimeoutInMs / 60_000)} min, the on-call number gets an SMS.`
      : undefined;
  const ack = ackUrl
    ? `Acknowledge: ${ackUrl}`
    : `Acknowledge: POST /api/alerts/${record.alertKey}/ack (function key required)`;
  const text = [
    `${a.severity.toUpperCase()} anomaly: ${a.rule} for ${a.key}`,
    '',
    ...facts.map(([k, v]) => `${k}: ${v}`),
    '',
    'Evidence:',
    ...(evidence.length ? evidence.map(([k, v]) => `  ${k}: ${v}`) : ['  (none)']),
    '',
    ...(escalation ? [escalation] : []),
    ack,
    '',
  ].join('\n');
  const row = ([k, v]: [string, string]): string =>
    `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`;
  const html = [
    '<!DOCTYPE html><html><body>',
    `<h2>${escapeHtml(a.severity.toUpperCase())} anomaly: ${escapeHtml(a.rule)} for ${escapeHtml(a.key)}</h2>`,
    `<table>${facts.map(row).join('')}</table>`,
    '<h3>Evidence</h3>',
    evidence.length ? `<table>${evidence.map(row).join('')}</table>` : '<p>(none)</p>',
    escalation ? `<p>${escapeHtml(escalation)}</p>` : '',
    ackUrl
      ? `<p><a href="${escapeHtml(ackUrl)}">Acknowledge this alert</a></p>`
      : `<p>Acknowledge: POST /api/alerts/${escapeHtml(record.alertKey)}/ack (function key required)</p>`,
    '</body></html>',
  ].join('\n');
  return { subject: alertSubject(a), text, html };
}

/**
 * One alert's SMS, in one 160-character segment where possible: severity, rule, key, score, window,
 * and the ack link when it fits (the key is shortened first, then the link dropped).
 */
export function renderAlertSms(record: AlertRecord, ackUrl: string | undefined): string {
  const a = record.anomaly;
  const head = `ClickPulse ${a.severity.toUpperCase()}: ${a.rule}`;
  const tail = ` score ${formatValue(a.score)} at ${hhmm(a.windowEnd)}`;
  const build = (key: string, link: string | undefined): string =>
    `${head} ${key}${tail}${link ? ` ack ${link}` : ''}`;
  const fit = (link: string | undefined): string | undefined => {
    const room = smsSegmentLength - build('', link).length;
    if (room >= a.key.length) return build(a.key, link);
    if (room >= 8) return build(`${a.key.slice(0, room - 3)}...`, link);
    return undefined;
  };
  return fit(ackUrl) ?? fit(undefined) ?? build(a.key, undefined);
}

/**
 * The digest of one rate-capped minute: one email listing every alert held back, instead of one each.
 * @param bucket - epoch minutes
 */
export function renderDigestEmail(
  bucket: number,
  members: readonly AlertRecord[],
  rateCapPerMinute: number,
  ackUrlOf: (alertKey: string) => string | undefined,
): AlertEmailContent {
  const from = new Date(bucket * 60_000).toISOString();
  const critical = members.filter((m) => m.anomaly.severity === 'critical').length;
  const subject =
    `[ClickPulse digest] ${members.length} more alert${members.length === 1 ? '' : 's'} at ${hhmm(from)}` +
    (critical ? ` (${critical} critical)` : '');
  const intro =
    `More than ${rateCapPerMinute} alerts in the minute from ${from}: these ${members.length} are ` +
    'sent together instead of one message each.';
  const line = (m: AlertRecord): string => {
    const a = m.anomaly;
    const link = ackUrlOf(m.alertKey);
    return `${a.severity} ${a.rule} ${a.key} score ${formatValue(a.score)} window ${a.windowEnd}${link ? ` ack ${link}` : ''}`;
  };
  const text = [intro, '', ...members.map(line), ''].join('\n');
  const html = [
    '<!DOCTYPE html><html><body>',
    `<p>${escapeHtml(intro)}</p>`,
    '<table><tr><th>Severity</th><th>Rule</th><th>Key</th><th>Score</th><th>Window end</th><th></th></tr>',
    ...members.map((m) => {
      const a = m.anomaly;
      const link = ackUrlOf(m.alertKey);
      return (
        `<tr><td>${escapeHtml(a.severity)}</td><td>${escapeHtml(a.rule)}</td><td>${escapeHtml(a.key)}</td>` +
        `<td>${escapeHtml(formatValue(a.score))}</td><td>${escapeHtml(a.windowEnd)}</td>` +
        `<td>${link ? `<a href="${escapeHtml(link)}">acknowledge</a>` : ''}</td></tr>`
      );
    }),
    '</table></body></html>',
  ].join('\n');
  return { subject, text, html };
}

/** The digest's SMS (sent when it holds a critical alert). */
export function renderDigestSms(bucket: number, members: readonly AlertRecord[]): string {
  const critical = members.filter((m) => m.anomaly.severity === 'critical').length;
  return (
    `ClickPulse: ${members.length} alerts held back at ${hhmm(new Date(bucket * 60_000).toISOString())} ` +
    `(${critical} critical), see the digest email`
  );
}
