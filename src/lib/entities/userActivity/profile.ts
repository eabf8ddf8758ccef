import { ewStdDev, isWarm } from '../../anomaly/ewStats';
import type { UserRuleConfig } from '../../anomaly/ruleConfig';
import { bucketStart, roundMoney } from '../../anomaly/ruleSupport';
import { topKList } from '../../anomaly/topK';
import { CLICK_EVENT_TYPES, type ClickEventType } from '../../clickstream/clickEvent';
import { HORIZONS, type HorizonName, type UserActivityState } from './state';

export type TypeCounts = Readonly<Record<ClickEventType, number>>;

/** The read model of one user: `GET /api/users/{userId}/profile` and the `getProfile` operation. */
export interface UserProfile {
  readonly userId: string;
  /** The instant the rolling counts end at: the user's latest event time (ISO-8601), null if none. */
  readonly asOf: string | null;
  readonly firstSeen: string | null;
  readonly lastSeen: string | null;
  /** Events by type per horizon; rolling horizons are exact to one bucket (10 s, 1 min, 1 h). */
  readonly counts: Readonly<Record<HorizonName | 'lifetime', TypeCounts>>;
  /** Sum of purchase amounts per currency, in major units. */
  readonly spend: Readonly<Record<string, number>>;
  readonly purchases: number;
  readonly sessions: number;
  readonly baselines: {
    readonly eventsPerActiveMinute: BaselineView;
    /**
     * Of purchase amounts, in `currency`: `mean` is the typical amount (exp of the mean of ln(1 + amount),
     * minus 1), in major units; `stdDev` is of ln(1 + amount).
     */
    readonly purchaseAmount: BaselineView & { readonly currency: string | null };
  };
  /** The personalisation feed: heaviest interests first (views and clicks weigh 1, add-to-cart 3). */
  readonly topCategories: readonly { readonly id: string; readonly score: number }[];
  readonly topProducts: readonly { readonly id: string; readonly score: number }[];
  /** Highest sequence number applied per Event Hubs partition. */
  readonly appliedThrough: Readonly<Record<string, number>>;
}

export interface BaselineView {
  readonly mean: number;
  readonly stdDev: number;
  readonly samples: number;
  /** True once past its warm-up: the rules trust it. */
  readonly warm: boolean;
}

export interface ProfileOptions {
  readonly userId: string;
  readonly rules: UserRuleConfig;
  /** Entries of the top-interest lists. Default 5. */
  readonly top?: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function byType(counts: readonly number[]): TypeCounts {
  return Object.fromEntries(CLICK_EVENT_TYPES.map((t, i) => [t, counts[i] ?? 0])) as TypeCounts;
}

function horizonCounts(state: UserActivityState, horizon: HorizonName): TypeCounts {
  const { key, widthMs, buckets } = HORIZONS[horizon];
  const totals = CLICK_EVENT_TYPES.map(() => 0);
  if (state.lastSeenMs !== null) {
    const from = bucketStart(state.lastSeenMs, widthMs) - (buckets - 1) * widthMs;
    for (const bucket of state.recent[key]) {
      if (bucket[0]! < from) continue;
      for (let i = 0; i < totals.length; i++) totals[i]! += bucket[1 + i] ?? 0;
    }
  }
  return byType(totals);
}

/** The profile of a user's state (pure). */
export function profileOf(state: UserActivityState, options: ProfileOptions): UserProfile {
  const top = options.top ?? 5;
  const purchaseIndex = CLICK_EVENT_TYPES.indexOf('purchase');
  return {
    userId: options.userId,
    asOf: iso(state.lastSeenMs),
    firstSeen: iso(state.firstSeenMs),
    lastSeen: iso(state.lastSeenMs),
    counts: {
      lastMinute: horizonCounts(state, 'lastMinute'),
      last15Minutes: horizonCounts(state, 'last15Minutes'),
      last24Hours: horizonCounts(state, 'last24Hours'),
      lifetime: byType(state.lifetime),
    },
    spend: { ...state.spend },
    purchases: state.lifetime[purchaseIndex] ?? 0,
    sessions: state.sessions,
    baselines: {
      eventsPerActiveMinute: {
        mean: round(state.activity.mean, 3),
        stdDev: round(ewStdDev(state.activity), 3),
        samples: state.activity.n,
        warm: isWarm(state.activity, options.rules.activity.warmupMinutes),
      },
      purchaseAmount: {
        currency: state.amountCurrency,
        mean: state.amounts.n === 0 ? 0 : roundMoney(Math.expm1(state.amounts.mean)),
        stdDev: round(ewStdDev(state.amounts), 3),
        samples: state.amounts.n,
        warm: isWarm(state.amounts, options.rules.amountSpike.warmupPurchases),
      },
    },
    topCategories: topKList(state.topCategories, top),
    topProducts: topKList(state.topProducts, top),
    appliedThrough: { ...state.applied },
  };
}
