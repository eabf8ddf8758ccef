import type { AnomalyEvent, AnomalySeverity } from '../anomaly/anomalyEvent';

/** Where an alert goes. */
export type AlertChannel = 'email' | 'sms';

/** A daily quiet period, [start, end) in minutes after local midnight of `timeZone`; may wrap midnight. */
export interface QuietHours {
  readonly startMinute: number;
  readonly endMinute: number;
  /** An IANA time zone, e.g. 'UTC' or 'Europe/Berlin'. */
  readonly timeZone: string;
}

export interface AlertPolicy {
  /** After an alert for (rule, key), further alerts for it are suppressed this long, in ms. */
  readonly cooldownInMs: number;
  /** Alerts sent one by one per minute (global); beyond it they go into that minute's digest. */
  readonly rateCapPerMinute: number;
  /** When warnings are held back; critical alerts are always sent. Undefined: never quiet. */
  readonly quietHours: QuietHours | undefined;
  /** How long a critical alert waits for an acknowledgement before the on-call SMS, in ms. */
  readonly escalationTimeoutInMs: number;
}

/** Defaults: 15 min cooldown, 10 alerts a minute, no quiet hours, 15 min to acknowledge. */
export const defaultAlertPolicy: AlertPolicy = {
  cooldownInMs: 15 * 60_000,
  rateCapPerMinute: 10,
  quietHours: undefined,
  escalationTimeoutInMs: 15 * 60_000,
};

/**
 * Routing by severity: warning by email; critical by email and SMS (the SMS through the escalation,
 * when nobody acknowledges the email in time); info goes nowhere (it stays on the dashboard).
 */
export function channelsFor(severity: AnomalySeverity): readonly AlertChannel[] {
  switch (severity) {
    case 'critical':
      return ['email', 'sms'];
    case 'warning':
      return ['email'];
    case 'info':
      return [];
  }
}

/** Parses 'HH:mm-HH:mm' (24-hour clock) into a {@link QuietHours}. */
export function parseQuietHours(text: string, timeZone: string): QuietHours {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  const minute = (h: string, mm: string): number => {
    const hours = Number(h);
    const minutes = Number(mm);
    if (hours > 23 || minutes > 59) return NaN;
    return hours * 60 + minutes;
  };
  const start = m ? minute(m[1]!, m[2]!) : NaN;
  const end = m ? minute(m[3]!, m[4]!) : NaN;
  if (!Number.isFinite(start) || !Number.isFinite(end) || start === end) {
    throw new RangeError(
      `quiet hours: expected 'HH:mm-HH:mm' with different start and end, received ${JSON.stringify(text)}`,
    );
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new RangeError(
      `quiet hours time zone: expected an IANA time zone, received ${JSON.stringify(timeZone)}`,
    );
  }
  return { startMinute: start, endMinute: end, timeZone };
}

/** Minutes after local midnight of `timeZone` at `nowMs`. */
export function minuteOfDay(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(nowMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return get('hour') * 60 + get('minute');
}

/** Whether `nowMs` falls in the quiet period. */
export function isQuietTime(nowMs: number, quiet: QuietHours | undefined): boolean {
  if (!quiet) return false;
  const m = minuteOfDay(nowMs, quiet.timeZone);
  return quiet.startMinute < quiet.endMinute
    ? m >= quiet.startMinute && m < quiet.endMinute
    : m >= quiet.startMinute || m < quiet.endMinute;
}

/** The rate cap's minute: epoch minutes. */
export function minuteBucketOf(nowMs: number): number {
  return Math.floor(nowMs / 60_000);
}

/** Why an alert was not sent. */
export type SuppressionReason = 'severity' | 'quietHours' | 'cooldown' | 'correlated';

/** The checks that need no state: routing, then quiet hours. Undefined means the alert may go on. */
export function screen(
  event: AnomalyEvent,
  nowMs: number,
  policy: AlertPolicy,
): SuppressionReason | undefined {
  if (channelsFor(event.severity).length === 0) return 'severity';
  if (event.severity !== 'critical' && isQuietTime(nowMs, policy.quietHours)) return 'quietHours';
  return undefined;
}

/** Whether the cooldown of (rule, key) has passed, given when it was last taken (epoch ms). */
export function cooldownHasPassed(
  lastTakenMs: number | undefined,
  nowMs: number,
  cooldownInMs: number,
): boolean {
  return lastTakenMs === undefined || nowMs - lastTakenMs >= cooldownInMs;
}

/** Whether the n-th alert of a minute (1-based) goes out on its own; later ones go into the digest. */
export function withinRateCap(nthInMinute: number, rateCapPerMinute: number): boolean {
  return nthInMinute <= rateCapPerMinute;
}

/** Validates a policy; throws RangeError naming the first problem. */
export function validateAlertPolicy(policy: AlertPolicy): AlertPolicy {
  const checks: [string, number, number][] = [
    ['cooldownInMs', policy.cooldownInMs, 0],
    ['rateCapPerMinute', policy.rateCapPerMinute, 1],
    ['escalationTimeoutInMs', policy.escalationTimeoutInMs, 0],
  ];
  for (const [name, value, min] of checks) {
    if (!Number.isSafeInteger(value) || value < min) {
      throw new RangeError(`${name}: expected an integer >= ${min}, received ${value}`);
    }
  }
  return policy;
}
