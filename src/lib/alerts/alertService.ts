import { correlateAnomalies, rulesOf } from './correlateAnomalies';

/** The cooldown name shared by every rule of one key: an incident. */
const incidentRule = '*incident';
import type { AnomalyEvent } from '../anomaly/anomalyEvent';
import type { AlertPort } from '../ports/anomalyStore';
import type { Clock } from '../ports/clock';
import { alertKeyOf, escalationInstanceId } from './alertKey';
import { renderAlertEmail, renderAlertSms, renderDigestEmail, renderDigestSms } from './alertMessages';
import {
  channelsFor,
  defaultAlertPolicy,
  minuteBucketOf,
  screen,
  validateAlertPolicy,
  withinRateCap,
  type AlertPolicy,
  type SuppressionReason,
} from './alertPolicy';
import type {
  AlertReadModel,
  AlertRecord,
  AlertStore,
  EscalationInput,
  EscalationResult,
} from './alertRecord';
import type { DeliveryOutcome, EmailSender, SmsSender } from './notifier';

/** Starts the escalation of a critical alert (Durable Functions in Azure, in-process locally). */
export interface EscalationStarter {
  start(input: EscalationInput): Promise<void>;
  /**
   * Told when an alert is acknowledged (the in-process runner raises its event here; under Durable
   * Functions the ack function raises it through its Durable client instead).
   */
  acknowledged?(alertKey: string): void;
}

/** What the escalation dispatcher needs from the Durable client. */
export interface EscalationClient {
  /** Whether an orchestration instance with this id exists, in any state. */
  exists(instanceId: string): Promise<boolean>;
  start(instanceId: string, input: EscalationInput): Promise<void>;
}

/** Structured log lines: an event name and JSON-safe data. */
export type AlertLog = (event: string, data: Readonly<Record<string, unknown>>) => void;

export interface AlertServiceOptions {
  readonly store: AlertStore;
  readonly email: EmailSender;
  readonly sms: SmsSender;
  readonly escalations: EscalationStarter;
  readonly clock: Clock;
  /** Default {@link defaultAlertPolicy}. */
  readonly policy?: AlertPolicy;
  /** Who gets alert emails (at most 50, ACS's limit per message). */
  readonly emailRecipients: readonly string[];
  /** Who gets the escalation SMS (E.164 numbers). */
  readonly onCallNumbers: readonly string[];
  /** The acknowledgement URL of an alert; undefined means no link (the text names the endpoint). */
  readonly ackUrl?: (alertKey: string) => string | undefined;
  readonly log?: AlertLog;
}

/** A send that was certainly not accepted and may be tried again later (the activity retry does). */
export class RetryableDeliveryError extends Error {
  override readonly name = 'RetryableDeliveryError';
}

/** The result of a send that was skipped because it had been claimed before (a replay). */
export interface DuplicateSend {
  readonly kind: 'duplicate';
}

const describe = (o: DeliveryOutcome): string =>
  o.kind === 'accepted' ? `accepted ${o.providerId}` : `${o.kind}: ${o.detail}`;

/**
 * The alert policy over anomaly events: dedupe (a claim before anything is sent), routing, quiet hours,
 * cooldown per (rule, key), a global rate cap with one digest per minute, email for warnings, and an
 * escalation (email, wait for an acknowledgement, then SMS) for critical alerts. Every send is claimed
 * first, so a replayed batch or a re-run activity never sends a message twice; the price is at-most-once:
 * a crash between claim and send loses that message (it shows as 'pending' on the dashboard).
 */
export class AlertService implements AlertPort, AlertReadModel {
  readonly policy: AlertPolicy;
  private readonly o: AlertServiceOptions;
  private readonly log: AlertLog;

  constructor(options: AlertServiceOptions) {
    if (options.emailRecipients.length > 50) {
      throw new RangeError(
        `emailRecipients: expected at most 50 (ACS's limit per email), received ${options.emailRecipients.length}`,
      );
    }
    this.o = options;
    this.policy = validateAlertPolicy(options.policy ?? defaultAlertPolicy);
    this.log = options.log ?? (() => undefined);
  }

  /** AlertPort: handles each event once, however often it is delivered; then sends closed digests. */
  async deliver(events: readonly AnomalyEvent[]): Promise<void> {
    for (const event of correlateAnomalies(events)) await this.handle(event);
    await this.flushDigests();
  }

  recent(limit: number): Promise<AlertRecord[]> {
    return this.o.store.recent(limit);
  }

  get(alertKey: string): Promise<AlertRecord | undefined> {
    return this.o.store.get(alertKey);
  }

  private nowIso(): { ms: number; iso: string } {
    const ms = this.o.clock.now();
    return { ms, iso: new Date(ms).toISOString() };
  }

  private ackUrl(alertKey: string): string | undefined {
    return this.o.ackUrl?.(alertKey);
  }

  private async handle(event: AnomalyEvent): Promise<void> {
    const { store } = this.o;
    const now = this.nowIso();
    const alertKey = alertKeyOf(event.id);
    const record: AlertRecord = {
      alertKey,
      anomaly: event,
      status: 'pending',
      channels: channelsFor(event.severity),
      createdAt: now.iso,
      updatedAt: now.iso,
    };
    // A failure up to and including the claim fails the call, so that a retry redoes it.
    if (!(await store.claim(record))) {
      this.log('alert.duplicate', { alertKey, anomalyId: event.id });
      return;
    }
    // After the claim a retry would find it taken: record the failure instead of throwing.
    try {
      await this.decide(record, now.ms);
    } catch (error) {
      const reason = `alert handling failed after its claim: ${error instanceof Error ? error.message : String(error)}`;
      this.log('alert.failed', { alertKey, anomalyId: event.id, reason });
      await store
        .update(record, { status: 'failed', reason, updatedAt: this.nowIso().iso })
        .catch(() => undefined);
    }
  }

  private async decide(record: AlertRecord, nowMs: number): Promise<void> {
    const { store } = this.o;
    const event = record.anomaly;
    const screened = screen(event, nowMs, this.policy);
    if (screened) return this.suppress(record, screened);
    // Cooldown per (rule, key): a correlated alert is new when any of its rules is out of cooldown.
    let cooled = true;
    for (const rule of rulesOf(event)) {
      if (await store.takeCooldown(rule, event.key, nowMs, this.policy.cooldownInMs)) cooled = false;
    }
    if (cooled) return this.suppress(record, 'cooldown');
    // One incident, one alert: a second rule firing for the same key within the cooldown (a fraud
    // burst trips velocity, payment-method and click-rate rules minutes apart) joins the alert already
    // sent instead of paging again. Its record stays, marked 'correlated', for the dashboard and audit.
    if (!(await store.takeCooldown(incidentRule, event.key, nowMs, this.policy.cooldownInMs))) {
      return this.suppress(record, 'correlated');
    }
    const bucket = minuteBucketOf(nowMs);
    const nth = await store.countInMinute(bucket);
    if (!withinRateCap(nth, this.policy.rateCapPerMinute)) {
      const digested: AlertRecord = { ...record, status: 'digested', digestBucket: bucket };
      await store.addToDigest(bucket, digested);
      await store.update(record, { status: 'digested', digestBucket: bucket, updatedAt: this.nowIso().iso });
      this.log('alert.digested', { alertKey: record.alertKey, bucket, nthInMinute: nth });
      return;
    }
    if (event.severity === 'critical') {
      await this.o.escalations.start({
        alertKey: record.alertKey,
        record,
        timeoutInMs: this.policy.escalationTimeoutInMs,
      });
      this.log('alert.escalationScheduled', {
        alertKey: record.alertKey,
        instanceId: escalationInstanceId(record.alertKey),
      });
      return;
    }
    const outcome = await this.sendAlertEmail(record);
    if (outcome.kind === 'notAccepted' && outcome.retryable) {
      // Outside an orchestration nothing retries it later: report it as failed.
      await store.update(record, {
        status: 'failed',
        reason: describe(outcome),
        updatedAt: this.nowIso().iso,
      });
    }
  }

  private async suppress(record: AlertRecord, reason: SuppressionReason): Promise<void> {
    await this.o.store.update(record, { status: 'suppressed', reason, updatedAt: this.nowIso().iso });
    this.log('alert.suppressed', { alertKey: record.alertKey, reason });
  }

  /**
   * Sends the alert's email once (claimed first). The record becomes 'sent', or 'failed' when the
   * provider refused it or its fate is unknown. A retryable refusal gives the claim back (the caller
   * decides whether to retry) and leaves the record as it is.
   */
  async sendAlertEmail(record: AlertRecord): Promise<DeliveryOutcome | DuplicateSend> {
    const { store } = this.o;
    if (!(await store.claimSend(record.alertKey, 'email'))) return { kind: 'duplicate' };
    const content = renderAlertEmail(record, this.ackUrl(record.alertKey), this.policy.escalationTimeoutInMs);
    const outcome = await this.o.email.sendEmail({
      idempotencyKey: `${record.alertKey}-email`,
      to: this.o.emailRecipients,
      ...content,
    });
    this.log('alert.email', { alertKey: record.alertKey, outcome: describe(outcome) });
    if (outcome.kind === 'notAccepted' && outcome.retryable) {
      await store.releaseSend(record.alertKey, 'email');
      return outcome;
    }
    await store.update(record, {
      status: outcome.kind === 'accepted' ? 'sent' : 'failed',
      reason: outcome.kind === 'accepted' ? undefined : describe(outcome),
      updatedAt: this.nowIso().iso,
    });
    return outcome;
  }

  /**
   * The escalation's SMS to each on-call number, each claimed once. Numbers that were throttled are given
   * back and reported by a {@link RetryableDeliveryError} (the activity retry sends to them only).
   */
  async sendEscalationSms(record: AlertRecord): Promise<DeliveryOutcome[]> {
    const { store } = this.o;
    const body = renderAlertSms(record, this.ackUrl(record.alertKey));
    const outcomes: DeliveryOutcome[] = [];
    const retry: string[] = [];
    for (const to of this.o.onCallNumbers) {
      const target = `sms:${to}`;
      if (!(await store.claimSend(record.alertKey, target))) continue;
      const outcome = await this.o.sms.sendSms({ idempotencyKey: `${record.alertKey}-sms-${to}`, to, body });
      this.log('alert.sms', { alertKey: record.alertKey, to, outcome: describe(outcome) });
      if (outcome.kind === 'notAccepted' && outcome.retryable) {
        await store.releaseSend(record.alertKey, target);
        retry.push(`${to}: ${outcome.detail}`);
      } else {
        outcomes.push(outcome);
      }
    }
    await store.update(record, {
      status: 'escalated',
      escalatedAt: this.nowIso().iso,
      updatedAt: this.nowIso().iso,
    });
    if (retry.length)
      throw new RetryableDeliveryError(`SMS not accepted, to be retried: ${retry.join('; ')}`);
    return outcomes;
  }

  /** The escalation's email activity: throws {@link RetryableDeliveryError} so that Durable retries it. */
  async escalationEmail(input: EscalationInput): Promise<string> {
    const outcome = await this.sendAlertEmail(input.record);
    if (outcome.kind === 'notAccepted' && outcome.retryable) {
      throw new RetryableDeliveryError(`email not accepted, to be retried: ${outcome.detail}`);
    }
    return outcome.kind === 'duplicate' ? 'duplicate' : describe(outcome);
  }

  /** The escalation's SMS activity. */
  async escalationSms(input: EscalationInput): Promise<string> {
    const outcomes = await this.sendEscalationSms(input.record);
    return outcomes.map(describe).join('; ') || 'no SMS sent (none configured, or all sent before)';
  }

  /** Records the acknowledgement; undefined when there is no such alert. Safe to repeat. */
  async acknowledge(alertKey: string): Promise<AlertRecord | undefined> {
    const record = await this.o.store.get(alertKey);
    if (!record) return undefined;
    if (record.status === 'acknowledged') {
      this.o.escalations.acknowledged?.(alertKey);
      return record;
    }
    const now = this.nowIso().iso;
    const patch = { status: 'acknowledged', acknowledgedAt: now, updatedAt: now } as const;
    await this.o.store.update(record, patch);
    this.o.escalations.acknowledged?.(alertKey);
    this.log('alert.acknowledged', { alertKey });
    return { ...record, ...patch };
  }

  /** Records how an escalation ended (the orchestration's result), for the log. */
  escalationEnded(result: EscalationResult): void {
    this.log('alert.escalationEnded', { ...result });
  }

  /**
   * Sends the digest of every closed minute that has one: one email listing its alerts (and one SMS to
   * the on-call numbers when one of them is critical). Each digest is claimed, so it goes out once.
   * @returns the number of digests sent
   */
  async flushDigests(): Promise<number> {
    const { store } = this.o;
    const current = minuteBucketOf(this.o.clock.now());
    let sent = 0;
    for (const bucket of await store.pendingDigests(current)) {
      if (!(await store.claimDigest(bucket))) {
        await store.completeDigest(bucket);
        continue;
      }
      const members = await store.digestMembers(bucket);
      if (members.length > 0) {
        const content = renderDigestEmail(bucket, members, this.policy.rateCapPerMinute, (k) =>
          this.ackUrl(k),
        );
        const outcome = await this.o.email.sendEmail({
          idempotencyKey: `digest-${bucket}-email`,
          to: this.o.emailRecipients,
          ...content,
        });
        this.log('alert.digest', { bucket, alerts: members.length, outcome: describe(outcome) });
        if (members.some((m) => m.anomaly.severity === 'critical')) {
          const body = renderDigestSms(bucket, members);
          for (const to of this.o.onCallNumbers) {
            const sms = await this.o.sms.sendSms({ idempotencyKey: `digest-${bucket}-sms-${to}`, to, body });
            this.log('alert.digestSms', { bucket, to, outcome: describe(sms) });
          }
        }
        sent++;
      }
      await store.completeDigest(bucket);
    }
    return sent;
  }

  /**
   * Drains the escalation outbox into Durable Functions (the timer function calls it): starts an
   * orchestration per queued critical alert unless one with its instance id exists in any state (a
   * completed escalation must not be started again), then removes the entry.
   * @returns the number of orchestrations started
   */
  async dispatchEscalations(client: EscalationClient, limit = 50): Promise<number> {
    let started = 0;
    for (const input of await this.o.store.pendingEscalations(limit)) {
      const instanceId = escalationInstanceId(input.alertKey);
      if (!(await client.exists(instanceId))) {
        await client.start(instanceId, input);
        started++;
      }
      await this.o.store.removeEscalation(input.alertKey);
    }
    return started;
  }
}

/** The Azure starter: an outbox row in the alert store, drained by {@link AlertService.dispatchEscalations}. */
export function outboxEscalationStarter(store: AlertStore): EscalationStarter {
  return { start: (input) => store.enqueueEscalation(input) };
}
