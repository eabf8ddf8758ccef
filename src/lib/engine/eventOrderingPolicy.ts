/**
 * ASA's event-ordering policy (job settings eventsLateArrivalMaxDelayInSeconds,
 * eventsOutOfOrderMaxDelayInSeconds, eventsOutOfOrderPolicy). It applies only when event time comes from
 * the payload (TIMESTAMP BY); with arrival time as event time nothing is late or out of order.
 */
export interface EventOrderingPolicy {
  /** Late-arrival tolerance; -1 waits indefinitely. ASA's range: -1..1,814,399 (20 d 23:59:59). */
  readonly lateArrivalToleranceInSeconds: number;
  /** Out-of-order tolerance: events this much behind the partition's max event time are reordered. */
  readonly outOfOrderToleranceInSeconds: number;
  /** What to do with a late or out-of-order event: re-timestamp it (adjust) or drop it. */
  readonly action: 'adjust' | 'drop';
}

export const defaultEventOrderingPolicy: EventOrderingPolicy = {
  lateArrivalToleranceInSeconds: 5,
  outOfOrderToleranceInSeconds: 0,
  action: 'adjust',
};

/** ASA drops events whose event time is more than 5 minutes ahead of their arrival time. */
export const earlyArrivalLimitInMs = 5 * 60 * 1000;

export const maxLateArrivalToleranceInSeconds = 1_814_399;

export function eventOrderingPolicyProblems(policy: EventOrderingPolicy, where: string): string[] {
  const problems: string[] = [];
  const late = policy.lateArrivalToleranceInSeconds;
  if (!Number.isInteger(late) || late < -1 || late > maxLateArrivalToleranceInSeconds) {
    problems.push(
      `${where}.lateArrivalToleranceInSeconds: expected an integer in -1..${maxLateArrivalToleranceInSeconds}, received ${late}`,
    );
  }
  const ooo = policy.outOfOrderToleranceInSeconds;
  if (!Number.isInteger(ooo) || ooo < 0 || ooo > maxLateArrivalToleranceInSeconds) {
    problems.push(
      `${where}.outOfOrderToleranceInSeconds: expected an integer in 0..${maxLateArrivalToleranceInSeconds}, received ${ooo}`,
    );
  }
  if (policy.action !== 'adjust' && policy.action !== 'drop') {
    problems.push(`${where}.action: expected 'adjust' or 'drop', received ${JSON.stringify(policy.action)}`);
  }
  return problems;
}

/** How one event's time was classified. */
export type TimeVerdict =
  | { readonly kind: 'onTime'; readonly timestampMs: number }
  | { readonly kind: 'early' }
  | { readonly kind: 'late' | 'outOfOrder'; readonly action: 'adjusted'; readonly timestampMs: number }
  | { readonly kind: 'late' | 'outOfOrder'; readonly action: 'dropped' };

/**
 * Classifies an event, in ASA's order: early first (dropped), then the late-arrival check, then the
 * out-of-order check against the partition watermark.
 *
 * @param eventTimeMs - the event's own time (TIMESTAMP BY value)
 * @param arrivalTimeMs - when the event arrived (Event Hubs enqueued time)
 * @param watermarkMs - the partition watermark before this event; events before it are out of order
 */
export function classifyEventTime(
  policy: EventOrderingPolicy,
  eventTimeMs: number,
  arrivalTimeMs: number,
  watermarkMs: number,
): TimeVerdict {
  if (eventTimeMs > arrivalTimeMs + earlyArrivalLimitInMs) return { kind: 'early' };
  let t = eventTimeMs;
  let lateAdjusted = false;
  const lateMs = policy.lateArrivalToleranceInSeconds * 1000;
  if (policy.lateArrivalToleranceInSeconds >= 0 && t < arrivalTimeMs - lateMs) {
    if (policy.action === 'drop') return { kind: 'late', action: 'dropped' };
    t = arrivalTimeMs - lateMs;
    lateAdjusted = true;
  }
  if (t < watermarkMs) {
    if (policy.action === 'drop') return { kind: 'outOfOrder', action: 'dropped' };
    return { kind: 'outOfOrder', action: 'adjusted', timestampMs: watermarkMs };
  }
  return lateAdjusted
    ? { kind: 'late', action: 'adjusted', timestampMs: t }
    : { kind: 'onTime', timestampMs: t };
}
