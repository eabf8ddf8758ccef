import type { AnomalyEvent } from '../anomaly/anomalyEvent';
import type { AlertChannel } from './alertPolicy';

/**
 * Where an alert stands:
 * - pending: claimed; a critical alert whose escalation has been scheduled
 * - sent: the provider accepted the email (and for critical alerts the escalation is waiting)
 * - suppressed: not sent (see `reason`: severity, quietHours, cooldown)
 * - digested: over the rate cap; it goes out in the digest of its minute
 * - acknowledged: someone acknowledged it (POST /api/alerts/{key}/ack)
 * - escalated: not acknowledged in time; the on-call SMS went out
 * - failed: the provider refused the email, or its fate is unknown (never sent twice; see `reason`)
 */
export type AlertStatus =
  'pending' | 'sent' | 'suppressed' | 'digested' | 'acknowledged' | 'escalated' | 'failed';

/** One anomaly's alert, as the dashboard reads it. */
export interface AlertRecord {
  /** Deterministic from the anomaly id: the dedupe key. */
  readonly alertKey: string;
  readonly anomaly: AnomalyEvent;
  readonly status: AlertStatus;
  /** Why it was suppressed, or what failed. */
  readonly reason?: string | undefined;
  /** Channels its severity routes to. */
  readonly channels: readonly AlertChannel[];
  /** When it was claimed, ISO-8601 UTC (the service's clock). */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The rate-cap minute (epoch minutes) whose digest holds it. */
  readonly digestBucket?: number | undefined;
  readonly acknowledgedAt?: string | undefined;
  readonly escalatedAt?: string | undefined;
}

/** The fields an update may change. */
export type AlertPatch = Partial<
  Pick<AlertRecord, 'status' | 'reason' | 'digestBucket' | 'acknowledgedAt' | 'escalatedAt'>
> & { readonly updatedAt: string };

/** What the escalation orchestration gets as input (JSON). */
export interface EscalationInput {
  readonly alertKey: string;
  readonly record: AlertRecord;
  /** How long to wait for the acknowledgement, in ms. */
  readonly timeoutInMs: number;
}

/** How an escalation ended. */
export interface EscalationResult {
  readonly alertKey: string;
  readonly outcome: 'acknowledged' | 'escalated';
}

/** The read side the dashboard and the ack endpoint use. */
export interface AlertReadModel {
  /** The most recent alerts, newest window first. */
  recent(limit: number): Promise<AlertRecord[]>;
  get(alertKey: string): Promise<AlertRecord | undefined>;
}

/**
 * Alert state (Table Storage in Azure, memory in unit tests). Every claim is an insert that fails when
 * the row exists, so that two instances, or a replayed batch, cannot both win it.
 */
export interface AlertStore extends AlertReadModel {
  /** Inserts the record; false when an alert with its key exists (already handled). */
  claim(record: AlertRecord): Promise<boolean>;
  /** Merges `patch` into the record (which must exist). */
  update(record: Pick<AlertRecord, 'alertKey' | 'anomaly'>, patch: AlertPatch): Promise<void>;
  /** Claims one send (alert key and target, e.g. 'email' or 'sms:+15550100'); false when claimed before. */
  claimSend(alertKey: string, target: string): Promise<boolean>;
  /** Gives a send claim back, after the provider certainly did not accept the message. */
  releaseSend(alertKey: string, target: string): Promise<void>;
  /**
   * Takes the cooldown of (rule, key) at `nowMs` if it has passed (or was never taken); false when it is
   * still running. Atomic against concurrent takers (conditional writes).
   */
  takeCooldown(rule: string, key: string, nowMs: number, cooldownInMs: number): Promise<boolean>;
  /** Counts one more alert in the minute `bucket` and returns the count (atomic). */
  countInMinute(bucket: number): Promise<number>;
  /** Adds a record to the digest of `bucket` and marks that digest pending. */
  addToDigest(bucket: number, record: AlertRecord): Promise<void>;
  /** Buckets with a pending digest, below `beforeBucket`, oldest first. */
  pendingDigests(beforeBucket: number): Promise<number[]>;
  digestMembers(bucket: number): Promise<AlertRecord[]>;
  /** Claims the sending of a digest; false when claimed before. */
  claimDigest(bucket: number): Promise<boolean>;
  /** Forgets a pending digest (after it was sent, or found already claimed). */
  completeDigest(bucket: number): Promise<void>;
  /** Queues an escalation to be started (the outbox a timer drains into Durable Functions). */
  enqueueEscalation(input: EscalationInput): Promise<void>;
  pendingEscalations(limit: number): Promise<EscalationInput[]>;
  removeEscalation(alertKey: string): Promise<void>;
}
