import { describe, expect, it } from 'vitest';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf } from '../../../src/lib/alerts/alertKey';
import {
  renderAlertEmail,
  renderAlertSms,
  renderDigestEmail,
  renderDigestSms,
  smsSegmentLength,
} from '../../../src/lib/alerts/alertMessages';
import type { AlertRecord } from '../../../src/lib/alerts/alertRecord';

const recordOf = (key: string, severity: 'warning' | 'critical' = 'critical'): AlertRecord => {
  const anomaly = createAnomalyEvent({
    rule: 'purchaseAmountSpike',
    key,
    severity,
    score: 0.93456,
    windowEndMs: Date.parse('2026-03-01T10:05:00Z'),
    evidence: {
      amount: 4999.5,
      baseline: 120,
      note: '<script>alert(1)</script>',
      methods: ['card', 'wallet'],
    },
  });
  return {
    alertKey: alertKeyOf(anomaly.id),
    anomaly,
    status: 'pending',
    channels: ['email', 'sms'],
    createdAt: '2026-03-01T10:05:02.000Z',
    updatedAt: '2026-03-01T10:05:02.000Z',
  };
};
const ack = (k: string): string => `https://clickpulse.example.net/api/alerts/${k}/ack?code=abc123`;

describe('alert messages', () => {
  it('email: plain text and HTML carry the anomaly, its evidence and the ack link', () => {
    const r = recordOf('u123');
    const m = renderAlertEmail(r, ack(r.alertKey), 15 * 60_000);
    expect(m.subject).toBe('[ClickPulse critical] purchaseAmountSpike for u123 (score 0.9346)');
    for (const part of [
      'Rule: purchaseAmountSpike',
      'Key: u123',
      'Window end: 2026-03-01T10:05:00.000Z',
      'amount: 4999.5',
      'baseline: 120',
      'methods: ["card","wallet"]',
      `Acknowledge: ${ack(r.alertKey)}`,
      'within 15 min',
    ]) {
      expect(m.text).toContain(part);
    }
    expect(m.html).toContain(`<a href="${ack(r.alertKey)}">Acknowledge this alert</a>`);
    expect(m.html).toContain('&#60;script&#62;');
    expect(m.html).not.toContain('<script>');
  });

  it('email without a public base URL names the endpoint instead of a link; warnings do not mention escalation', () => {
    const r = recordOf('u1', 'warning');
    const m = renderAlertEmail(r, undefined, 900_000);
    expect(m.text).toContain(`POST /api/alerts/${r.alertKey}/ack`);
    expect(m.text).not.toContain('on-call');
  });

  it('SMS fits one 160-character segment, with the link when it fits, shortening the key first', () => {
    const short = recordOf('u1');
    const withLink = renderAlertSms(short, 'https://x.example/a');
    expect(withLink).toBe(
      'ClickPulse CRITICAL: purchaseAmountSpike u1 score 0.9346 at 10:05Z ack https://x.example/a',
    );
    const long = renderAlertSms(recordOf('user-' + 'x'.repeat(200)), ack(short.alertKey));
    expect(long.length).toBeLessThanOrEqual(smsSegmentLength);
    expect(long).toContain('...');
    const noLink = renderAlertSms(recordOf('u1'), ack('k'.repeat(200)));
    expect(noLink.length).toBeLessThanOrEqual(smsSegmentLength);
    expect(noLink).not.toContain('ack');
  });

  it('digest: one email listing every held-back alert, and a short SMS', () => {
    const members = [recordOf('u1'), recordOf('u2', 'warning'), recordOf('u3')];
    const bucket = Math.floor(Date.parse('2026-03-01T10:05:00Z') / 60_000);
    const m = renderDigestEmail(bucket, members, 10, ack);
    expect(m.subject).toBe('[ClickPulse digest] 3 more alerts at 10:05Z (2 critical)');
    expect(m.text.split('\n').filter((l) => l.includes('purchaseAmountSpike'))).toHaveLength(3);
    expect(m.html.match(/acknowledge<\/a>/g)).toHaveLength(3);
    const sms = renderDigestSms(bucket, members);
    expect(sms).toBe('ClickPulse: 3 alerts held back at 10:05Z (2 critical), see the digest email');
    expect(sms.length).toBeLessThanOrEqual(smsSegmentLength);
  });
});
