import { createAnomalyEvent, type AnomalyEvent, type AnomalySeverity } from '../../anomaly/anomalyEvent';
import { ewStdDev, isWarm, type EwStats } from '../../anomaly/ewStats';
import type { UserRuleConfig } from '../../anomaly/ruleConfig';
import {
  bucketEnd,
  bucketStart,
  offCooldown,
  ratioScore,
  roundMoney,
  type FiredAt,
} from '../../anomaly/ruleSupport';
import { topKList, type TopK } from '../../anomaly/topK';
import { CLICK_EVENT_TYPES, type ClickEventType } from '../../clickstream/clickEvent';
import type { ActivityEvent } from './operations';
import type { CountBucket, PaymentAttempt } from './state';

/** The per-user rules, by the name their anomalies carry. */
export const USER_RULES = [
  'purchaseAmountSpike',
  'paymentVelocity',
  'manyPaymentMethods',
  'botClickRate',
] as const;
export type UserRule = (typeof USER_RULES)[number];

/** Browsing events: what a bot's click rate is made of. */
export const BROWSING_TYPES: readonly ClickEventType[] = ['page_view', 'product_view', 'click', 'search'];
const browsingIndexes = BROWSING_TYPES.map((t) => CLICK_EVENT_TYPES.indexOf(t));

/** Anomaly windows of the per-user rules are minutes: the id is rule|userId|minute end. */
export const USER_RULE_WINDOW_MS = 60_000;
/** Smallest standard deviation of ln(1 + amount) trusted (a young baseline's variance is tiny). */
const AMOUNT_LOG_SD_FLOOR = 0.25;

/** What the rules see of the user's state when an event arrives (after the event was counted). */
export interface UserRuleView {
  readonly userId: string;
  readonly rules: UserRuleConfig;
  /** 10-second buckets, with the event counted. */
  readonly s10: readonly CountBucket[];
  /** Payment attempts, with the event's attempt appended. */
  readonly payments: readonly PaymentAttempt[];
  /** The amount baseline before the event. */
  readonly amounts: EwStats;
  readonly amountCurrency: string | null;
  readonly activity: EwStats;
  readonly minuteProducts: TopK;
  readonly fired: FiredAt;
}

function anomaly(
  rule: UserRule,
  view: UserRuleView,
  windowEndMs: number,
  severity: AnomalySeverity,
  ratio: number,
  evidence: Record<string, unknown>,
): AnomalyEvent {
  return createAnomalyEvent({
    rule,
    key: view.userId,
    severity,
    score: ratioScore(ratio),
    windowEndMs,
    evidence,
  });
}

/** Browsing events in the minute ending with the event's 10-second bucket. */
function browsingLastMinute(s10: readonly CountBucket[], timeMs: number): number {
  const newest = bucketStart(timeMs, 10_000);
  let n = 0;
  for (const bucket of s10) {
    const start = bucket[0]!;
    if (start > newest || start <= newest - 60_000) continue;
    for (const i of browsingIndexes) n += bucket[1 + i] ?? 0;
  }
  return n;
}

/** A click rate typical of bots: browsing events in the last minute at or above the threshold. */
export function botClickRateRule(view: UserRuleView, event: ActivityEvent): AnomalyEvent | undefined {
  const threshold = view.rules.botClickRate.eventsPerMinute;
  const observed = browsingLastMinute(view.s10, event.timeMs);
  if (observed < threshold) return undefined;
  const windowEndMs = bucketEnd(event.timeMs, USER_RULE_WINDOW_MS);
  if (!offCooldown(view.fired, 'botClickRate', windowEndMs, view.rules.cooldownSeconds * 1000))
    return undefined;
  const top = topKList(view.minuteProducts, 1)[0];
  return anomaly(
    'botClickRate',
    view,
    windowEndMs,
    observed >= 3 * threshold ? 'critical' : 'warning',
    observed / threshold,
    {
      eventsLastMinute: observed,
      thresholdPerMinute: threshold,
      baselineEventsPerActiveMinute: Number(view.activity.mean.toFixed(2)),
      baselineMinutes: view.activity.n,
      sessionId: event.sessionId ?? null,
      ...(top ? { topProductId: top.id } : {}),
    },
  );
}

/** Velocity: N payment attempts, or N failures, within the sliding window ending at the event. */
export function paymentVelocityRule(view: UserRuleView, event: ActivityEvent): AnomalyEvent | undefined {
  const { windowSeconds, attempts, failures } = view.rules.velocity;
  const from = event.timeMs - windowSeconds * 1000;
  let n = 0;
  let failed = 0;
  for (const [t, f] of view.payments) {
    if (t < from || t > event.timeMs) continue;
    n++;
    failed += f;
  }
  const ratio = Math.max(n / attempts, failed / failures);
  if (ratio < 1) return undefined;
  const windowEndMs = bucketEnd(event.timeMs, USER_RULE_WINDOW_MS);
  if (!offCooldown(view.fired, 'paymentVelocity', windowEndMs, view.rules.cooldownSeconds * 1000))
    return undefined;
  return anomaly('paymentVelocity', view, windowEndMs, 'critical', ratio, {
    attempts: n,
    failures: failed,
    windowSeconds,
    attemptsThreshold: attempts,
    failuresThreshold: failures,
  });
}

/** Many distinct payment methods within the sliding window ending at the event. */
export function manyPaymentMethodsRule(view: UserRuleView, event: ActivityEvent): AnomalyEvent | undefined {
  const { windowSeconds, distinct } = view.rules.paymentMethods;
  const from = event.timeMs - windowSeconds * 1000;
  const methods = new Set<string>();
  for (const [t, , method] of view.payments)
    if (t >= from && t <= event.timeMs && method !== '') methods.add(method);
  if (methods.size < distinct) return undefined;
  const windowEndMs = bucketEnd(event.timeMs, USER_RULE_WINDOW_MS);
  if (!offCooldown(view.fired, 'manyPaymentMethods', windowEndMs, view.rules.cooldownSeconds * 1000))
    return undefined;
  return anomaly('manyPaymentMethods', view, windowEndMs, 'critical', methods.size / distinct, {
    distinctPaymentMethods: methods.size,
    paymentMethods: [...methods].sort().slice(0, 8),
    windowSeconds,
    threshold: distinct,
  });
}

/**
 * A purchase (or attempted purchase) amount far above the user's baseline: at least `ratio` times the
 * typical amount and `zScore` deviations above the mean of ln(1 + amount), once the baseline is warm and in
 * the same currency.
 */
export function purchaseAmountSpikeRule(view: UserRuleView, event: ActivityEvent): AnomalyEvent | undefined {
  const { ratio, zScore, warmupPurchases } = view.rules.amountSpike;
  const amount = event.amount;
  if (
    amount === undefined ||
    event.currency !== view.amountCurrency ||
    !isWarm(view.amounts, warmupPurchases)
  ) {
    return undefined;
  }
  const typical = Math.expm1(view.amounts.mean);
  const z = (Math.log1p(amount) - view.amounts.mean) / ewStdDev(view.amounts, AMOUNT_LOG_SD_FLOOR);
  const times = typical > 0 ? amount / typical : Infinity;
  if (times < ratio || z < zScore) return undefined;
  const windowEndMs = bucketEnd(event.timeMs, USER_RULE_WINDOW_MS);
  if (!offCooldown(view.fired, 'purchaseAmountSpike', windowEndMs, view.rules.cooldownSeconds * 1000))
    return undefined;
  return anomaly(
    'purchaseAmountSpike',
    view,
    windowEndMs,
    times >= 4 * ratio ? 'critical' : 'warning',
    times / ratio,
    {
      amount,
      currency: event.currency,
      eventType: event.type,
      paymentMethodId: event.paymentMethodId ?? null,
      typicalAmount: roundMoney(typical),
      timesTypical: Number(times.toFixed(2)),
      zScore: Number(z.toFixed(2)),
      baselinePurchases: view.amounts.n,
    },
  );
}

/** True when the event's amount is one the spike rule would flag (kept out of the baseline). */
export function isAmountOutlier(view: UserRuleView, event: ActivityEvent): boolean {
  const { ratio, zScore, warmupPurchases } = view.rules.amountSpike;
  if (event.amount === undefined || !isWarm(view.amounts, warmupPurchases)) return false;
  const typical = Math.expm1(view.amounts.mean);
  const z = (Math.log1p(event.amount) - view.amounts.mean) / ewStdDev(view.amounts, AMOUNT_LOG_SD_FLOOR);
  return typical > 0 && event.amount / typical >= ratio && z >= zScore;
}
