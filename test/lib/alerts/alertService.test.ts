import { beforeEach, describe, expect, it } from 'vitest';
import {
  createAnomalyEvent,
  type AnomalyEvent,
  type AnomalySeverity,
} from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf } from '../../../src/lib/alerts/alertKey';
import { defaultAlertPolicy, parseQuietHours, type AlertPolicy } from '../../../src/lib/alerts/alertPolicy';
import type { EscalationInput } from '../../../src/lib/alerts/alertRecord';
import {
  AlertService,
  RetryableDeliveryError,
  outboxEscalationStarter,
} from '../../../src/lib/alerts/alertService';
import { MemoryAlertStore } from '../../../src/lib/alerts/memoryAlertStore';
import { ManualClock, RecordingSenders } from './recordingSenders';

const t0 = Date.parse('2026-03-01T12:00:05.000Z');
const event = (
  key: string,
  severity: AnomalySeverity = 'warning',
  windowEndMs = t0,
  rule = 'paymentVelocity',
): AnomalyEvent =>
  createAnomalyEvent({
    rule,
    key,
    severity,
    score: 0.8,
    windowEndMs,
    evidence: { failures: 5, threshold: 3 },
  });

describe('AlertService', () => {
  let store: MemoryAlertStore;
  let senders: RecordingSenders;
  let clock: ManualClock;
  let started: EscalationInput[];
  let acked: string[];
  const service = (policy: Partial<AlertPolicy> = {}, onCall = ['+15550100001']): AlertService =>
    new AlertService({
      store,
      email: senders,
      sms: senders,
      escalations: {
        start: (input) => {
          started.push(input);
          return Promise.resolve();
        },
        acknowledged: (key) => void acked.push(key),
      },
      clock,
      policy: { ...defaultAlertPolicy, ...policy },
      emailRecipients: ['ops@example.com'],
      onCallNumbers: onCall,
      ackUrl: (k) => `https://app.example.net/api/alerts/${k}/ack`,
    });

  beforeEach(() => {
    store = new MemoryAlertStore();
    senders = new RecordingSenders();
    clock = new ManualClock(t0);
    started = [];
    acked = [];
  });

  it('emails a warning once, however often the anomaly is delivered (replays, second instances)', async () => {
    const s = service();
    const e = event('u1');
    await s.deliver([e]);
    await s.deliver([e]);
    await service().deliver([e, e]);
    expect(senders.emails).toHaveLength(1);
    expect(senders.emails[0]).toMatchObject({
      to: ['ops@example.com'],
      idempotencyKey: `${alertKeyOf(e.id)}-email`,
    });
    expect(senders.emails[0]!.text).toContain(`https://app.example.net/api/alerts/${alertKeyOf(e.id)}/ack`);
    expect(await s.get(alertKeyOf(e.id))).toMatchObject({ status: 'sent', channels: ['email'] });
  });

  it('suppresses repeats of (rule, key) inside the cooldown, and sends again after it', async () => {
    const s = service({ cooldownInMs: 15 * 60_000 });
    await s.deliver([event('u1', 'warning', t0)]);
    clock.advance(5 * 60_000);
    await s.deliver([event('u1', 'warning', t0 + 300_000), event('u2', 'warning', t0 + 300_000)]);
    expect(senders.emails.map((m) => m.subject)).toEqual([
      '[ClickPulse warning] paymentVelocity for u1 (score 0.8)',
      '[ClickPulse warning] paymentVelocity for u2 (score 0.8)',
    ]);
    expect(await s.get(alertKeyOf(event('u1', 'warning', t0 + 300_000).id))).toMatchObject({
      status: 'suppressed',
      reason: 'cooldown',
    });
    clock.advance(10 * 60_000);
    await s.deliver([event('u1', 'warning', t0 + 900_000)]);
    expect(senders.emails).toHaveLength(3);
    // Another rule on the same key within the cooldown is the same incident: recorded, not sent.
    await s.deliver([event('u1', 'warning', t0 + 900_000, 'botClickRate')]);
    expect(senders.emails).toHaveLength(3);
    expect(await s.get(alertKeyOf(event('u1', 'warning', t0 + 900_000, 'botClickRate').id))).toMatchObject({
      status: 'suppressed',
      reason: 'correlated',
    });
    // Once the cooldown has passed, the same rule on the same key alerts again.
    clock.advance(15 * 60_000);
    await s.deliver([event('u1', 'warning', t0 + 1_800_000, 'botClickRate')]);
    expect(senders.emails).toHaveLength(4);
  });

  it('under a storm sends the first N of a minute and one digest with the rest', async () => {
    const s = service({ rateCapPerMinute: 5 });
    const storm = Array.from({ length: 40 }, (_, i) => event(`u${i}`, i % 10 === 0 ? 'critical' : 'warning'));
    await s.deliver(storm.slice(0, 25));
    await s.deliver(storm.slice(25));
    const individual = senders.emails.length;
    expect(individual + started.length).toBe(5);
    // The digest goes out once the minute has ended, once.
    clock.advance(60_000);
    await s.flushDigests();
    await s.flushDigests();
    await s.deliver([]);
    const digests = senders.emails.filter((m) => m.subject.startsWith('[ClickPulse digest]'));
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toMatch(/^\[ClickPulse digest\] 35 more alerts at 12:00Z \(3 critical\)$/);
    expect(digests[0]!.text.split('\n').filter((l) => l.includes('paymentVelocity'))).toHaveLength(35);
    // A critical alert in the digest pages the on-call number once, briefly.
    expect(senders.sms).toEqual([
      expect.objectContaining({
        to: '+15550100001',
        body: expect.stringContaining('35 alerts held back') as string,
      }),
    ]);
    expect((await s.recent(100)).filter((r) => r.status === 'digested')).toHaveLength(35);
  });

  it('holds warnings back in quiet hours but not critical alerts; info never alerts', async () => {
    const s = service({ quietHours: parseQuietHours('11:00-13:00', 'UTC') });
    await s.deliver([event('u1', 'warning'), event('u2', 'critical'), event('u3', 'info')]);
    expect(senders.emails).toHaveLength(0);
    expect(started.map((x) => x.record.anomaly.key)).toEqual(['u2']);
    expect(await s.get(alertKeyOf(event('u1').id))).toMatchObject({
      status: 'suppressed',
      reason: 'quietHours',
    });
    expect(await s.get(alertKeyOf(event('u3', 'info').id))).toMatchObject({
      status: 'suppressed',
      reason: 'severity',
      channels: [],
    });
  });

  it('starts one escalation per critical alert; its activities send once each, even when re-run', async () => {
    const s = service({ escalationTimeoutInMs: 600_000 }, ['+15550100001', '+15550100002']);
    const e = event('u9', 'critical');
    await s.deliver([e, e]);
    expect(started).toEqual([
      {
        alertKey: alertKeyOf(e.id),
        record: expect.objectContaining({ status: 'pending' }) as unknown,
        timeoutInMs: 600_000,
      },
    ]);
    expect(senders.emails).toHaveLength(0);
    const input = started[0]!;
    expect(await s.escalationEmail(input)).toMatch(/^accepted/);
    expect(await s.escalationEmail(input)).toBe('duplicate');
    expect(senders.emails).toHaveLength(1);
    expect(senders.emails[0]!.text).toContain('Unless acknowledged within 10 min');
    await s.escalationSms(input);
    await s.escalationSms(input);
    expect(senders.sms.map((m) => m.to)).toEqual(['+15550100001', '+15550100002']);
    expect(senders.sms[0]!.body.length).toBeLessThanOrEqual(160);
    expect(await s.get(input.alertKey)).toMatchObject({ status: 'escalated' });
  });

  it('an activity that was throttled throws so that Durable retries it, and the retry sends only what is missing', async () => {
    const s = service({}, ['+15550100001', '+15550100002']);
    await s.deliver([event('u9', 'critical')]);
    const input = started[0]!;
    senders.script.email.push({ kind: 'notAccepted', retryable: true, detail: '429' });
    await expect(s.escalationEmail(input)).rejects.toBeInstanceOf(RetryableDeliveryError);
    expect(await s.escalationEmail(input)).toMatch(/^accepted/);
    senders.script.sms.push(
      { kind: 'accepted', providerId: 'SM1' },
      { kind: 'notAccepted', retryable: true, detail: '429' },
    );
    await expect(s.escalationSms(input)).rejects.toThrow(/\+15550100002/);
    await s.escalationSms(input);
    expect(senders.sms.map((m) => m.to)).toEqual(['+15550100001', '+15550100002', '+15550100002']);
  });

  it('never resends an email whose fate is unknown; records it failed', async () => {
    const s = service();
    senders.script.email.push({ kind: 'unknown', detail: 'timeout' });
    const e = event('u1');
    await s.deliver([e]);
    await s.deliver([e]);
    expect(senders.emails).toHaveLength(1);
    expect(await s.get(alertKeyOf(e.id))).toMatchObject({ status: 'failed', reason: 'unknown: timeout' });
  });

  it('records acknowledgements (safe to repeat) and tells the escalation runner', async () => {
    const s = service();
    const e = event('u9', 'critical');
    await s.deliver([e]);
    const key = alertKeyOf(e.id);
    clock.advance(1000);
    const first = await s.acknowledge(key);
    const second = await s.acknowledge(key);
    expect(first).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: new Date(t0 + 1000).toISOString(),
    });
    expect(second).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: new Date(t0 + 1000).toISOString(),
    });
    expect(acked).toEqual([key, key]);
    expect(await s.acknowledge('0'.repeat(32))).toBeUndefined();
  });

  it('drains the escalation outbox into Durable: starts each once, never restarts an existing instance', async () => {
    const s = new AlertService({
      store,
      email: senders,
      sms: senders,
      escalations: outboxEscalationStarter(store),
      clock,
      emailRecipients: ['ops@example.com'],
      onCallNumbers: [],
    });
    await s.deliver([event('a', 'critical'), event('b', 'critical')]);
    const instances = new Set<string>([`alert-${alertKeyOf(event('b', 'critical').id)}`]);
    const startedIds: string[] = [];
    const client = {
      exists: (id: string) => Promise.resolve(instances.has(id)),
      start: (id: string) => {
        startedIds.push(id);
        instances.add(id);
        return Promise.resolve();
      },
    };
    expect(await s.dispatchEscalations(client)).toBe(1);
    expect(await s.dispatchEscalations(client)).toBe(0);
    expect(startedIds).toEqual([`alert-${alertKeyOf(event('a', 'critical').id)}`]);
  });

  it('a storage failure after the claim marks the alert failed instead of failing the batch', async () => {
    const s = service();
    const original = store.takeCooldown.bind(store);
    store.takeCooldown = () => Promise.reject(new Error('table down'));
    await s.deliver([event('u1')]);
    store.takeCooldown = original;
    expect(await s.get(alertKeyOf(event('u1').id))).toMatchObject({
      status: 'failed',
      reason: expect.stringContaining('table down') as string,
    });
  });

  it('rejects more than 50 email recipients', () => {
    expect(
      () =>
        new AlertService({
          store,
          email: senders,
          sms: senders,
          escalations: { start: () => Promise.resolve() },
          clock,
          emailRecipients: Array.from({ length: 51 }, (_, i) => `a${i}@x.example`),
          onCallNumbers: [],
        }),
    ).toThrow(RangeError);
  });
});
