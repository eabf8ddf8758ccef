import type { AnomalyEvent } from '../../anomaly/anomalyEvent';
import { EMPTY_EW_STATS, type EwStats } from '../../anomaly/ewStats';
import type { FiredAt } from '../../anomaly/ruleSupport';
import type { TopK } from '../../anomaly/topK';
import { CLICK_EVENT_TYPES } from '../../clickstream/clickEvent';

/** `[bucket start (epoch ms), ...counts by event type in CLICK_EVENT_TYPES order]`. */
export type CountBucket = readonly number[];

/** A recent payment attempt: `[event time (epoch ms), 1 if it failed else 0, payment method or '']`. */
export type PaymentAttempt = readonly [number, 0 | 1, string];

/**
 * The bucket widths and how many buckets each horizon keeps: the last minute in 10-second buckets, the
 * last 15 minutes in minutes, the last 24 hours in hours. A horizon's count is exact to one bucket.
 */
export const HORIZONS = {
  lastMinute: { key: 's10', widthMs: 10_000, buckets: 6 },
  last15Minutes: { key: 'm1', widthMs: 60_000, buckets: 15 },
  last24Hours: { key: 'h1', widthMs: 3_600_000, buckets: 24 },
} as const;

export type HorizonName = keyof typeof HORIZONS;
export type BucketKey = (typeof HORIZONS)[HorizonName]['key'];

/** Bounds that keep the state small (Durable Functions reads of state above about 16 KB are slow or fail). */
export const STATE_LIMITS = {
  topProducts: 16,
  topCategories: 8,
  /** Products of the current minute, for the bot rule's evidence. */
  minuteProducts: 4,
  payments: 64,
  outbox: 20,
} as const;

/**
 * The state of one user's `userActivity` entity: JSON only (it round-trips through JSON.stringify),
 * a few kilobytes at most whatever the traffic.
 */
export interface UserActivityState {
  readonly version: 1;
  /** Highest sequence number applied, per Event Hubs partition: the redelivery fence. */
  readonly applied: Readonly<Record<string, number>>;
  /** Earliest and latest event time seen, epoch ms. */
  readonly firstSeenMs: number | null;
  readonly lastSeenMs: number | null;
  /** Events since the entity was created, by type (CLICK_EVENT_TYPES order). */
  readonly lifetime: readonly number[];
  /** Sparse rolling buckets per horizon, oldest first; pruned relative to `lastSeenMs`. */
  readonly recent: Readonly<Record<BucketKey, readonly CountBucket[]>>;
  /** Sum of purchase amounts, per currency, in major units. */
  readonly spend: Readonly<Record<string, number>>;
  /** Distinct sessions seen (a change of sessionId starts one). */
  readonly sessions: number;
  readonly lastSessionId: string | null;
  /** Baseline of events per active minute. */
  readonly activity: EwStats;
  /** The minute being counted for `activity`: `[minute start, events]`. */
  readonly openMinute: readonly [number, number] | null;
  /** Baseline of ln(1 + purchase amount), in `amountCurrency`. */
  readonly amounts: EwStats;
  readonly amountCurrency: string | null;
  /** Recent payment attempts, oldest first, within the velocity and payment-method windows. */
  readonly payments: readonly PaymentAttempt[];
  /** Personalisation feed: interest weights (views and clicks 1, add-to-cart 3). */
  readonly topProducts: TopK;
  readonly topCategories: TopK;
  /** Products browsed lately (this minute; the last one faded): the bot rule names the product a bot hammers. */
  readonly minuteProducts: TopK;
  /** Last window end each rule fired at, for cooldowns. */
  readonly fired: FiredAt;
  /** Anomalies not yet handed to the anomaly store (delivery failed); retried with the next operation. */
  readonly outbox: readonly AnomalyEvent[];
}

/** The state of a user never seen. */
export function emptyUserActivityState(): UserActivityState {
  return {
    version: 1,
    applied: {},
    firstSeenMs: null,
    lastSeenMs: null,
    lifetime: CLICK_EVENT_TYPES.map(() => 0),
    recent: { s10: [], m1: [], h1: [] },
    spend: {},
    sessions: 0,
    lastSessionId: null,
    activity: EMPTY_EW_STATS,
    openMinute: null,
    amounts: EMPTY_EW_STATS,
    amountCurrency: null,
    payments: [],
    topProducts: [],
    topCategories: [],
    minuteProducts: [],
    fired: {},
    outbox: [],
  };
}

/**
 * Accepts a stored state (a JSON-parsed copy): the current version, with any field a newer release added
 * filled in from the empty state.
 * @throws TypeError when it is not a state of a known version.
 */
export function readUserActivityState(value: unknown): UserActivityState {
  if (value === undefined || value === null) return emptyUserActivityState();
  if (typeof value !== 'object' || Array.isArray(value) || (value as { version?: unknown }).version !== 1) {
    throw new TypeError(
      `userActivity state: expected an object of version 1, received ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  }
  return { ...emptyUserActivityState(), ...(value as Partial<UserActivityState>) };
}
