import { TableClient } from '@azure/data-tables';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AcsEmailSender, createAcsEmailClient } from '../../../src/lib/adapters/email/acsEmailSender';
import { createTwilioClient, TwilioSmsSender } from '../../../src/lib/adapters/sms/twilioSmsSender';
import { TableAlertStore } from '../../../src/lib/adapters/tables/tableAlertStore';
import { createAnomalyEvent, type AnomalySeverity } from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf } from '../../../src/lib/alerts/alertKey';
import { defaultAlertPolicy, type AlertPolicy } from '../../../src/lib/alerts/alertPolicy';
import type { EscalationResult } from '../../../src/lib/alerts/alertRecord';
import { AlertService } from '../../../src/lib/alerts/alertService';
import { escalationNames } from '../../../src/lib/alerts/escalationOrchestrator';
import { LocalEscalationRunner } from '../../../src/lib/alerts/localEscalationRunner';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';
import { AcsEmailFake } from '../../support/fakeServers/acsEmailFake';
import { TwilioFake } from '../../support/fakeServers/twilioFake';

const t0 = Date.parse('2026-03-01T12:00:05.000Z');
const event = (key: string, severity: AnomalySeverity, windowEndMs = t0) =>
  createAnomalyEvent({
    rule: 'paymentVelocity',
    key,
    severity,
    score: 0.9,
    windowEndMs,
    evidence: { failures: 6, threshold: 3 },
  });

describe('alert delivery end to end: ACS and Twilio SDKs on local fakes, alert state on Azurite', () => {
  let acs: AcsEmailFake;
  let twilioFake: TwilioFake;
  let clock: { ms: number; now(): number };
  let ended: (EscalationResult | Error)[];
  let runner: LocalEscalationRunner;

  async function build(policy: Partial<AlertPolicy>): Promise<AlertService> {
    const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName('alertse2e'), {
      allowInsecureConnection: true,
    });
    await client.createTable();
    const store = new TableAlertStore({ client });
    const noWait = (): Promise<void> => Promise.resolve();
    const late: { service?: AlertService } = {};
    runner = new LocalEscalationRunner({
      clock,
      activities: () => ({
        [escalationNames.emailActivity]: (input) => late.service!.escalationEmail(input),
        [escalationNames.smsActivity]: (input) => late.service!.escalationSms(input),
      }),
      onEnd: (_key, result) => ended.push(result),
    });
    const service = new AlertService({
      store,
      email: new AcsEmailSender({
        client: createAcsEmailClient({ kind: 'connectionString', connectionString: acs.connectionString }),
        senderAddress: 'DoNotReply@alerts.example.com',
        pollIntervalInMs: 5,
        sleep: noWait,
      }),
      sms: new TwilioSmsSender({
        client: createTwilioClient({
          accountSid: twilioFake.accountSid,
          authToken: twilioFake.authToken,
          apiBaseUrl: twilioFake.server.origin,
        }),
        from: '+15550001111',
        sleep: noWait,
      }),
      escalations: runner,
      clock,
      policy: { ...defaultAlertPolicy, ...policy },
      emailRecipients: ['ops@example.com'],
      onCallNumbers: ['+15550100001'],
      ackUrl: (k) => `https://app.example.net/api/alerts/${k}/ack?code=k`,
    });
    late.service = service;
    return service;
  }

  beforeEach(async () => {
    acs = await AcsEmailFake.start();
    twilioFake = await TwilioFake.start();
    clock = { ms: t0, now: () => clock.ms };
    ended = [];
  });
  afterEach(async () => {
    runner.stop();
    await Promise.all([acs.close(), twilioFake.close()]);
  });

  it('critical, not acknowledged: email now, SMS to on-call after the timeout; a replay sends nothing more', async () => {
    const service = await build({ escalationTimeoutInMs: 200 });
    const e = event('u1', 'critical');
    await service.deliver([e]);
    await runner.settled();
    expect(ended).toEqual([{ alertKey: alertKeyOf(e.id), outcome: 'escalated' }]);
    expect(acs.accepted).toHaveLength(1);
    expect(acs.accepted[0]!.plainText).toContain(
      `https://app.example.net/api/alerts/${alertKeyOf(e.id)}/ack?code=k`,
    );
    expect(acs.accepted[0]!.html).toContain('failures');
    expect(twilioFake.accepted).toEqual([
      expect.objectContaining({ to: '+15550100001', from: '+15550001111' }),
    ]);
    expect(twilioFake.accepted[0]!.body.length).toBeLessThanOrEqual(160);
    expect(await service.get(alertKeyOf(e.id))).toMatchObject({ status: 'escalated' });
    // Replay: the same anomaly again (a redelivered batch, another instance).
    await service.deliver([e, e]);
    await runner.settled();
    expect(acs.sendRequests).toHaveLength(1);
    expect(twilioFake.messageRequests).toHaveLength(1);
  });

  it('critical, acknowledged in time: email, no SMS, timer cancelled', async () => {
    const service = await build({ escalationTimeoutInMs: 5_000 });
    const e = event('u2', 'critical');
    await service.deliver([e]);
    // Wait for the email activity, then acknowledge (what POST /api/alerts/{key}/ack does).
    for (let i = 0; i < 100 && acs.accepted.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await service.acknowledge(alertKeyOf(e.id));
    await runner.settled();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ended).toEqual([{ alertKey: alertKeyOf(e.id), outcome: 'acknowledged' }]);
    expect(acs.accepted).toHaveLength(1);
    expect(twilioFake.messageRequests).toHaveLength(0);
    expect(await service.get(alertKeyOf(e.id))).toMatchObject({ status: 'acknowledged' });
  });

  it('a storm of warnings: N emails, then exactly one digest email', async () => {
    const service = await build({ rateCapPerMinute: 3 });
    const storm = Array.from({ length: 20 }, (_, i) => event(`s${i}`, 'warning'));
    await Promise.all([service.deliver(storm.slice(0, 10)), service.deliver(storm.slice(10))]);
    expect(acs.accepted).toHaveLength(3);
    clock.ms += 60_000;
    await Promise.all([service.flushDigests(), service.flushDigests(), service.deliver(storm)]);
    const digests = acs.accepted.filter((m) => m.subject.startsWith('[ClickPulse digest]'));
    expect(digests).toHaveLength(1);
    expect(digests[0]!.subject).toContain('17 more alerts');
    expect(acs.accepted).toHaveLength(4);
    expect(twilioFake.messageRequests).toHaveLength(0);
  });

  it('a throttled ACS (429 with Retry-After) still gets the email out once', async () => {
    const service = await build({});
    acs.server.inject((r) => r.path === '/emails:send', {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'TooManyRequests', message: 'slow down' } },
    });
    await service.deliver([event('u3', 'warning')]);
    expect(acs.sendRequests).toHaveLength(2);
    expect(acs.accepted).toHaveLength(1);
  });
});
