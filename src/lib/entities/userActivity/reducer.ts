import type { AnomalyEvent } from '../../anomaly/anomalyEvent';
import { compactEwStats, ewUpdate } from '../../anomaly/ewStats';
import type { UserRuleConfig } from '../../anomaly/ruleConfig';
import { bucketStart, roundMoney } from '../../anomaly/ruleSupport';
import { topKAdd } from '../../anomaly/topK';
import { CLICK_EVENT_TYPES, type ClickEventType } from '../../clickstream/clickEvent';
import type { ActivityEvent, ApplyActivityInput, UserActivityOperation } from './operations';
import { profileOf, type UserProfile } from './profile';
import {
  emptyUserActivityState,
  HORIZONS,
  STATE_LIMITS,
  type BucketKey,
  type CountBucket,
  type UserActivityState,
} from './state';
import {
  botClickRateRule,
  BROWSING_TYPES,
  isAmountOutlier,
  manyPaymentMethodsRule,
  paymentVelocityRule,
  purchaseAmountSpikeRule,
  type UserRuleView,
} from './userRules';

/** What the reducer needs besides the state and the operation. */
export interface UserActivityEnvironment {
  /** The entity key. */
  readonly userId: string;
  readonly rules: UserRuleConfig;
}

/** What `applyActivity` returns: how many of its events were new. */
export interface ApplySummary {
  readonly applied: number;
  readonly skipped: number;
}

/** The outcome of one operation. */
export interface UserActivityOutcome {
  readonly state: UserActivityState;
  /** What the operation returns to a caller: the profile for getProfile, a summary for applyActivity. */
  readonly result: UserProfile | ApplySummary | undefined;
  /** Anomalies the operation found (the per-user rules). */
  readonly effects: readonly AnomalyEvent[];
  /** False when the state is the input state (e.g. a replayed range), so there is nothing to write. */
  readonly changed: boolean;
  /** True after `reset`: the entity deletes itself. */
  readonly destruct: boolean;
}

type Draft = { -readonly [K in keyof UserActivityState]: UserActivityState[K] };

const typeIndex = new Map<ClickEventType, number>(CLICK_EVENT_TYPES.map((t, i) => [t, i]));
const browsing = new Set<ClickEventType>(BROWSING_TYPES);
const interestWeight: Partial<Record<ClickEventType, number>> = { product_view: 1, click: 1, add_to_cart: 3 };
const bucketKeys = Object.values(HORIZONS);

/** Adds one event of type `index` to the bucket starting at `start` (sorted, sparse). */
function addToBuckets(buckets: readonly CountBucket[], start: number, index: number): CountBucket[] {
  const at = buckets.findIndex((b) => b[0] === start);
  if (at >= 0) {
    return buckets.map((b, i) => (i === at ? b.map((v, j) => (j === index + 1 ? v + 1 : v)) : b));
  }
  const bucket = [start, ...CLICK_EVENT_TYPES.map((_, i) => (i === index ? 1 : 0))];
  return [...buckets, bucket].sort((a, b) => a[0]! - b[0]!);
}

function countEvent(d: Draft, e: ActivityEvent, index: number): void {
  d.lifetime = d.lifetime.map((v, i) => (i === index ? v + 1 : v));
  d.firstSeenMs = d.firstSeenMs === null ? e.timeMs : Math.min(d.firstSeenMs, e.timeMs);
  d.lastSeenMs = d.lastSeenMs === null ? e.timeMs : Math.max(d.lastSeenMs, e.timeMs);
  const recent: Record<BucketKey, readonly CountBucket[]> = { ...d.recent };
  for (const { key, widthMs, buckets } of bucketKeys) {
    const oldest = bucketStart(d.lastSeenMs, widthMs) - (buckets - 1) * widthMs;
    const start = bucketStart(e.timeMs, widthMs);
    const kept = recent[key].filter((b) => b[0]! >= oldest);
    recent[key] = start >= oldest ? addToBuckets(kept, start, index) : kept;
  }
  d.recent = recent;
  if (e.sessionId !== undefined && e.sessionId !== d.lastSessionId) {
    d.sessions += 1;
    d.lastSessionId = e.sessionId;
  }
}

/** Closes the activity minute when the event starts a later one; counts the event in its minute. */
function countMinute(d: Draft, e: ActivityEvent, rules: UserRuleConfig): void {
  const minute = bucketStart(e.timeMs, 60_000);
  const open = d.openMinute;
  if (open === null || minute > open[0]) {
    if (open !== null) d.activity = compactEwStats(ewUpdate(d.activity, open[1], rules.activity.alpha));
    d.openMinute = [minute, 1];
    // Older minutes fade (a quarter per minute) rather than vanish: the bot rule names the product of
    // the last minute or so, not only of the few events of the minute that just began.
    d.minuteProducts = d.minuteProducts
      .map(([id, w]) => [id, Math.floor(w * (minute - open![0] === 60_000 ? 0.25 : 0))] as const)
      .filter(([, w]) => w > 0);
  } else if (minute === open[0]) {
    d.openMinute = [minute, open[1] + 1];
  }
  if (e.productId !== undefined && browsing.has(e.type) && minute === d.openMinute?.[0]) {
    d.minuteProducts = topKAdd(d.minuteProducts, e.productId, 1, STATE_LIMITS.minuteProducts);
  }
}

function countInterests(d: Draft, e: ActivityEvent): void {
  const weight = interestWeight[e.type];
  if (weight === undefined) return;
  if (e.productId !== undefined)
    d.topProducts = topKAdd(d.topProducts, e.productId, weight, STATE_LIMITS.topProducts);
  if (e.category !== undefined)
    d.topCategories = topKAdd(d.topCategories, e.category, weight, STATE_LIMITS.topCategories);
}

function countPayment(d: Draft, e: ActivityEvent, rules: UserRuleConfig): void {
  const horizonMs = Math.max(rules.velocity.windowSeconds, rules.paymentMethods.windowSeconds) * 1000;
  const latest = Math.max(e.timeMs, ...d.payments.map(([t]) => t));
  const attempt = [e.timeMs, e.type === 'payment_failed' ? 1 : 0, e.paymentMethodId ?? ''] as const;
  d.payments = [...d.payments, attempt]
    .filter(([t]) => t >= latest - horizonMs)
    .sort((a, b) => a[0] - b[0])
    .slice(-STATE_LIMITS.payments);
}

function view(d: Draft, env: UserActivityEnvironment): UserRuleView {
  return {
    userId: env.userId,
    rules: env.rules,
    s10: d.recent.s10,
    payments: d.payments,
    amounts: d.amounts,
    amountCurrency: d.amountCurrency,
    activity: d.activity,
    minuteProducts: d.minuteProducts,
    fired: d.fired,
  };
}

function fire(d: Draft, effects: AnomalyEvent[], found: AnomalyEvent | undefined): void {
  if (!found) return;
  effects.push(found);
  d.fired = { ...d.fired, [found.rule]: Date.parse(found.windowEnd) };
}

/** Counts one new event and runs the per-user rules on it, in event order. */
function applyEvent(d: Draft, e: ActivityEvent, env: UserActivityEnvironment, effects: AnomalyEvent[]): void {
  const index = typeIndex.get(e.type)!;
  countEvent(d, e, index);
  countMinute(d, e, env.rules);
  countInterests(d, e);
  if (browsing.has(e.type)) fire(d, effects, botClickRateRule(view(d, env), e));
  if (e.type !== 'purchase' && e.type !== 'payment_failed') return;
  // The amount rule judges the attempt against the baseline before it; only ordinary purchases join it.
  const before = view(d, env);
  fire(d, effects, purchaseAmountSpikeRule(before, e));
  if (e.type === 'purchase' && e.amount !== undefined && e.currency !== undefined) {
    d.spend = { ...d.spend, [e.currency]: roundMoney((d.spend[e.currency] ?? 0) + e.amount) };
    d.amountCurrency ??= e.currency;
    if (e.currency === d.amountCurrency && !isAmountOutlier(before, e)) {
      d.amounts = compactEwStats(ewUpdate(d.amounts, Math.log1p(e.amount), env.rules.amountSpike.alpha));
    }
  }
  countPayment(d, e, env.rules);
  fire(d, effects, paymentVelocityRule(view(d, env), e));
  fire(d, effects, manyPaymentMethodsRule(view(d, env), e));
}

function applyActivity(
  state: UserActivityState,
  input: ApplyActivityInput,
  env: UserActivityEnvironment,
): UserActivityOutcome {
  const mark = state.applied[input.partitionId] ?? -1;
  const fresh = input.events.filter((e) => e.seq > mark);
  if (input.lastSeq <= mark || fresh.length === 0) {
    return {
      state,
      result: { applied: 0, skipped: input.events.length },
      effects: [],
      changed: false,
      destruct: false,
    };
  }
  const d: Draft = { ...state };
  const effects: AnomalyEvent[] = [];
  for (const e of fresh) applyEvent(d, e, env, effects);
  d.applied = { ...d.applied, [input.partitionId]: input.lastSeq };
  return {
    state: d,
    result: { applied: fresh.length, skipped: input.events.length - fresh.length },
    effects,
    changed: true,
    destruct: false,
  };
}

/**
 * The `userActivity` entity as a pure function: (state, operation) -> (state, result, effects).
 * `applyActivity` ignores the events of its range already applied (per-partition high-water mark), so
 * applying an operation twice equals applying it once. Operations are validated before they get here
 * (see `parseUserActivityOperation`); the input state is never mutated.
 */
export function reduceUserActivity(
  state: UserActivityState,
  operation: UserActivityOperation,
  env: UserActivityEnvironment,
): UserActivityOutcome {
  switch (operation.name) {
    case 'applyActivity':
      return applyActivity(state, operation.input, env);
    case 'getProfile':
      return {
        state,
        result: profileOf(state, { userId: env.userId, rules: env.rules, top: operation.input.top ?? 5 }),
        effects: [],
        changed: false,
        destruct: false,
      };
    case 'reset':
      return {
        state: emptyUserActivityState(),
        result: undefined,
        effects: [],
        changed: true,
        destruct: true,
      };
  }
}
