/** How urgent an anomaly is: routing sends warnings by email, critical ones by email and SMS. */
export type AnomalySeverity = 'info' | 'warning' | 'critical';

/**
 * Something unusual a detector or rule found. `id` is deterministic (rule + key + window end), so a
 * replayed batch or a second instance produces the same id and cannot duplicate the anomaly.
 */
export interface AnomalyEvent {
  readonly id: string;
  /** The rule or detector, e.g. 'purchaseAmountSpike', 'paymentVelocity', 'botClickRate', 'spike'. */
  readonly rule: string;
  /** What it is about: a userId, productId, paymentMethodId or metric key. */
  readonly key: string;
  readonly severity: AnomalySeverity;
  /** In [0, 1]; higher is more anomalous. */
  readonly score: number;
  /** End of the window (or time) the anomaly belongs to, ISO-8601 UTC with milliseconds. */
  readonly windowEnd: string;
  /** What a person needs to judge it: observed values, baselines, thresholds. JSON-safe. */
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** The deterministic id of an anomaly. */
export function anomalyId(rule: string, key: string, windowEndMs: number): string {
  return `${rule}|${key}|${new Date(windowEndMs).toISOString()}`;
}

/** Builds an anomaly event, validating what the type cannot express. */
export function createAnomalyEvent(
  init: Omit<AnomalyEvent, 'id' | 'windowEnd'> & { readonly windowEndMs: number },
): AnomalyEvent {
  const { windowEndMs, ...rest } = init;
  if (!Number.isFinite(init.score) || init.score < 0 || init.score > 1) {
    throw new RangeError(`score: expected a number in [0, 1], received ${init.score}`);
  }
  if (!Number.isSafeInteger(windowEndMs)) {
    throw new RangeError(`windowEndMs: expected epoch milliseconds, received ${windowEndMs}`);
  }
  return {
    ...rest,
    id: anomalyId(init.rule, init.key, windowEndMs),
    windowEnd: new Date(windowEndMs).toISOString(),
  };
}
