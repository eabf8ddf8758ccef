import { createAnomalyEvent, type AnomalyEvent } from '../anomalyEvent';
import {
  compactEwStats,
  EMPTY_EW_STATS,
  ewStdDev,
  ewUpdate,
  ewUpdateRobust,
  isWarm,
  type EwStats,
} from '../ewStats';
import type { KeyedRuleConfig } from '../ruleConfig';
import { bucketEnd, bucketStart, offCooldown, ratioScore, type FiredAt } from '../ruleSupport';
import type { ClickEventType } from '../../clickstream/clickEvent';
import { freshEvents, type KeyedEvent, type KeyedInput } from './keyedInput';

/**
 * Per-product and site-wide funnel rules over tumbling windows of event time. A window closes when its key
 * has seen an event `latenessSeconds` past the window's end (a product that is still viewed keeps its
 * windows closing; one nobody looks at is not judged). Closing a window runs the rules against the
 * baselines, then updates them (a window judged anomalous is kept out of the baseline it tripped).
 *
 * - product `purchasesStopped`: a popular product (baseline add-to-carts per window at least
 *   `minExpectedPerWindow`) gets no add-to-cart for `windows` windows in a row while still viewed.
 *   Add-to-cart stands in for purchases: purchase events carry an order, not its products.
 * - product `cartAbandonmentSurge`: removals from the cart far above the product's baseline.
 * - product `priceAnomaly`: a unit price in a currency far from the product's usual price (per event).
 * - site (`*`) `cartAbandonmentSurge`: paying steps (checkouts, purchases, failed payments) per add-to-cart
 *   over the last `siteAbandonment.windows` windows far below the site's baseline.
 *
 * Baselines are exponentially weighted and winsorized once warm (see `ewUpdateRobust`): an incident moves
 * them little, a lasting change of level is learned within hours.
 */
export type FunnelKind = 'product' | 'site';

/**
 * `[window start, traffic, adds, removes, paying, odd prices]`: traffic is views and clicks (site: also
 * page views and searches); paying is checkouts, purchases and failed payments (site only: they carry no
 * productId); odd prices counts events whose price tripped priceAnomaly (products).
 */
export type FunnelWindow = readonly [number, number, number, number, number, number];
const TRAFFIC = 1;
const ADDS = 2;
const REMOVES = 3;
const PAYING = 4;
const ODD_PRICES = 5;

const column: Partial<Record<ClickEventType, number>> = {
  page_view: TRAFFIC,
  product_view: TRAFFIC,
  click: TRAFFIC,
  search: TRAFFIC,
  add_to_cart: ADDS,
  remove_from_cart: REMOVES,
  checkout_start: PAYING,
  purchase: PAYING,
  payment_failed: PAYING,
};

/** Windows filled in at most when a key was quiet for long (a day of 5-minute windows, times two). */
const MAX_GAP_WINDOWS = 576;
/** Add-to-carts a window's views must promise before a window without any counts towards purchasesStopped. */
const MIN_EXPECTED_TO_JUDGE = 1;
/** Weight of a new price in the usual price. */
const PRICE_ALPHA = 0.2;

export interface FunnelState {
  readonly version: 1;
  readonly applied: Readonly<Record<string, number>>;
  /** Latest event time seen, epoch ms. */
  readonly maxTimeMs: number | null;
  /** Windows not yet closed, by start. */
  readonly open: readonly FunnelWindow[];
  /** Every window ending at or before this instant is closed. */
  readonly closedThroughMs: number | null;
  readonly baselines: {
    readonly traffic: EwStats;
    readonly adds: EwStats;
    readonly removes: EwStats;
    /** Product: add-to-carts per view or click, per window. */
    readonly addRate: EwStats;
  };
  /** Site: paying steps per add-to-cart of the last `baselineWindows` windows that had add-to-carts. */
  readonly rateHistory: readonly number[];
  /** Site: the last closed windows, newest last (the rule judges their sum). */
  readonly recentClosed: readonly FunnelWindow[];
  /** Closed windows in a row without add-to-cart while the product was viewed. */
  readonly zeroAddWindows: number;
  /** Add-to-carts those windows' views would have brought. */
  readonly missedAdds: number;
  /** Usual unit price per currency (products). */
  readonly prices: Readonly<Record<string, EwStats>>;
  /** Events that came after their window closed (counted nowhere else). */
  readonly late: number;
  readonly fired: FiredAt;
}

export function emptyFunnelState(): FunnelState {
  return {
    version: 1,
    applied: {},
    maxTimeMs: null,
    open: [],
    closedThroughMs: null,
    baselines: {
      traffic: EMPTY_EW_STATS,
      adds: EMPTY_EW_STATS,
      removes: EMPTY_EW_STATS,
      addRate: EMPTY_EW_STATS,
    },
    rateHistory: [],
    recentClosed: [],
    zeroAddWindows: 0,
    missedAdds: 0,
    prices: {},
    late: 0,
    fired: {},
  };
}

export interface FunnelEnvironment {
  readonly kind: FunnelKind;
  readonly key: string;
  readonly rules: KeyedRuleConfig;
}

export interface KeyedOutcome<S> {
  readonly state: S;
  readonly effects: readonly AnomalyEvent[];
  /** False when nothing was new (a replay): nothing to write. */
  readonly changed: boolean;
}

type Draft = { -readonly [K in keyof FunnelState]: FunnelState[K] };

function fire(d: Draft, effects: AnomalyEvent[], event: AnomalyEvent | undefined, cooldownMs: number): void {
  if (!event) return;
  const endMs = Date.parse(event.windowEnd);
  if (!offCooldown(d.fired, event.rule, endMs, cooldownMs)) return;
  effects.push(event);
  d.fired = { ...d.fired, [event.rule]: endMs };
}

/** Checks the event's price against the usual one; true when it is odd (an outlier, kept out). */
function checkPrice(d: Draft, e: KeyedEvent, env: FunnelEnvironment, effects: AnomalyEvent[]): boolean {
  if (e.price === undefined || e.currency === undefined) return false;
  const { factor, warmupSamples } = env.rules.priceAnomaly;
  const usual = d.prices[e.currency] ?? EMPTY_EW_STATS;
  if (isWarm(usual, warmupSamples) && usual.mean > 0) {
    const times = e.price / usual.mean;
    if (times <= 1 / factor || times >= factor) {
      const ratio = times < 1 ? 1 / Math.max(times, 1e-9) / factor : times / factor;
      fire(
        d,
        effects,
        createAnomalyEvent({
          rule: 'priceAnomaly',
          key: env.key,
          severity: 'critical',
          score: ratioScore(ratio),
          windowEndMs: bucketEnd(e.timeMs, env.rules.windowSeconds * 1000),
          evidence: {
            price: e.price,
            currency: e.currency,
            usualPrice: Number(usual.mean.toPrecision(6)),
            timesUsual: Number(times.toPrecision(4)),
            factor,
            eventType: e.type,
          },
        }),
        env.rules.cooldownSeconds * 1000,
      );
      return true; // an outlier does not move the usual price
    }
  }
  d.prices = { ...d.prices, [e.currency]: compactEwStats(ewUpdate(usual, e.price, PRICE_ALPHA)) };
  return false;
}

function closeProductWindow(
  d: Draft,
  w: FunnelWindow,
  env: FunnelEnvironment,
  effects: AnomalyEvent[],
): void {
  const { alpha, warmupWindows, windowSeconds, cooldownSeconds } = env.rules;
  const windowEndMs = w[0] + windowSeconds * 1000;
  const b = d.baselines;
  const { minMissed, windows } = env.rules.purchasesStopped;
  // Add-to-carts per view or click: the views of an out-of-stock product go on, its add-to-carts stop.
  // Capped at twice the usual add-to-carts: a surge of views without intent (a bot storm) promises none.
  const expected = isWarm(b.addRate, warmupWindows)
    ? Math.min(w[TRAFFIC] * b.addRate.mean, 2 * b.adds.mean)
    : 0;
  // A window with odd prices (a price glitch) says nothing about the usual add-to-cart rate.
  const oddPrices = w[ODD_PRICES] > 0;
  // A streak already halfway to an alarm holds the rate still: the outage must not teach it that no
  // add-to-cart is normal. Before that, windows without one are ordinary data for a quiet product.
  const suspicious = d.missedAdds >= minMissed / 2;
  if (w[ADDS] > 0) {
    d.zeroAddWindows = 0;
    d.missedAdds = 0;
  } else if (expected >= MIN_EXPECTED_TO_JUDGE) {
    d.zeroAddWindows += 1;
    d.missedAdds = Number((d.missedAdds + expected).toFixed(3));
  }
  if (w[ADDS] === 0 && d.zeroAddWindows >= windows && d.missedAdds >= minMissed) {
    fire(
      d,
      effects,
      createAnomalyEvent({
        rule: 'purchasesStopped',
        key: env.key,
        severity: 'critical',
        score: ratioScore(d.missedAdds / minMissed),
        windowEndMs,
        evidence: {
          windowsWithoutAddToCart: d.zeroAddWindows,
          missedAddToCarts: Number(d.missedAdds.toFixed(1)),
          usualAddToCartsPerView: Number(b.addRate.mean.toFixed(4)),
          viewsAndClicksInWindow: w[TRAFFIC],
          windowSeconds,
          proxy: 'add_to_cart (purchases carry no productId)',
        },
      }),
      cooldownSeconds * 1000,
    );
  }
  const { minRemovals, zScore } = env.rules.productAbandonment;
  const removalZ =
    (w[REMOVES] - b.removes.mean) / ewStdDev(b.removes, Math.max(1, Math.sqrt(b.removes.mean)));
  if (isWarm(b.removes, warmupWindows) && w[REMOVES] >= minRemovals && removalZ >= zScore) {
    fire(
      d,
      effects,
      createAnomalyEvent({
        rule: 'cartAbandonmentSurge',
        key: env.key,
        severity: 'warning',
        score: ratioScore(removalZ / zScore),
        windowEndMs,
        evidence: {
          removalsFromCart: w[REMOVES],
          addsToCart: w[ADDS],
          baselineRemovals: Number(b.removes.mean.toFixed(2)),
          zScore: Number(removalZ.toFixed(2)),
          windowSeconds,
        },
      }),
      cooldownSeconds * 1000,
    );
  }
  const counts = (stats: EwStats) => ({
    alpha,
    warmup: warmupWindows,
    sdFloor: Math.max(1, Math.sqrt(stats.mean)),
  });
  d.baselines = {
    ...b,
    traffic: compactEwStats(ewUpdateRobust(b.traffic, w[TRAFFIC], counts(b.traffic))),
    adds: oddPrices ? b.adds : compactEwStats(ewUpdateRobust(b.adds, w[ADDS], counts(b.adds))),
    addRate:
      w[TRAFFIC] === 0 || oddPrices || (suspicious && w[ADDS] === 0)
        ? b.addRate
        : compactEwStats(
            ewUpdateRobust(b.addRate, w[ADDS] / w[TRAFFIC], {
              alpha,
              warmup: 3,
              sdFloor: Math.max(0.005, 0.15 * b.addRate.mean),
            }),
          ),
    removes: compactEwStats(ewUpdateRobust(b.removes, w[REMOVES], counts(b.removes))),
  };
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function closeSiteWindow(d: Draft, w: FunnelWindow, env: FunnelEnvironment, effects: AnomalyEvent[]): void {
  const { alpha, warmupWindows, windowSeconds, cooldownSeconds } = env.rules;
  const { maxFractionOfExpected, zScore, minExpected, windows, baselineWindows } = env.rules.siteAbandonment;
  const b = d.baselines;
  d.recentClosed = [...d.recentClosed, w].slice(-windows);
  // The usual rate is a median over hours of windows: an incident shorter than half of them (a fraud
  // burst's payments without carts, the surge itself) cannot move it.
  const usual = d.rateHistory.length >= warmupWindows ? median(d.rateHistory) : undefined;
  const adds = d.recentClosed.reduce((n, x) => n + x[ADDS], 0);
  const expected = usual === undefined ? 0 : adds * usual;
  const observed = d.recentClosed.reduce((n, x) => n + x[PAYING], 0);
  const z = expected > 0 ? (expected - observed) / Math.sqrt(expected) : 0;
  if (expected >= minExpected && observed <= maxFractionOfExpected * expected && z >= zScore) {
    fire(
      d,
      effects,
      createAnomalyEvent({
        rule: 'cartAbandonmentSurge',
        key: env.key,
        severity: 'critical',
        score: ratioScore(z / zScore),
        windowEndMs: w[0] + windowSeconds * 1000,
        evidence: {
          addsToCart: adds,
          payingSteps: observed,
          expectedPayingSteps: Number(expected.toFixed(1)),
          usualPayingStepsPerAddToCart: Number((usual ?? 0).toFixed(3)),
          zScore: Number(z.toFixed(2)),
          windows: d.recentClosed.length,
          windowSeconds,
        },
      }),
      cooldownSeconds * 1000,
    );
  }
  if (w[ADDS] > 0)
    d.rateHistory = [...d.rateHistory, Number((w[PAYING] / w[ADDS]).toFixed(4))].slice(-baselineWindows);
  d.baselines = {
    ...b,
    traffic: compactEwStats(ewUpdate(b.traffic, w[TRAFFIC], alpha)),
    adds: compactEwStats(ewUpdate(b.adds, w[ADDS], alpha)),
  };
}

/** Closes every window that ended `latenessSeconds` before the latest event, quiet windows included. */
function closeWindows(d: Draft, env: FunnelEnvironment, effects: AnomalyEvent[]): void {
  if (d.maxTimeMs === null) return;
  const widthMs = env.rules.windowSeconds * 1000;
  const lastStart = bucketStart(d.maxTimeMs - env.rules.latenessSeconds * 1000, widthMs) - widthMs;
  let next = d.closedThroughMs ?? d.open[0]?.[0];
  if (next === undefined || next > lastStart) return;
  next = Math.max(next, lastStart - (MAX_GAP_WINDOWS - 1) * widthMs);
  const byStart = new Map(d.open.map((w) => [w[0], w]));
  for (let start = next; start <= lastStart; start += widthMs) {
    const w = byStart.get(start) ?? ([start, 0, 0, 0, 0, 0] as const);
    if (env.kind === 'product') closeProductWindow(d, w, env, effects);
    else closeSiteWindow(d, w, env, effects);
  }
  d.closedThroughMs = lastStart + widthMs;
  d.open = d.open.filter((w) => w[0] > lastStart);
}

/**
 * Applies one key's events of one batch: counts the new ones (per-partition high-water marks drop the
 * rest), checks prices, closes the windows that are due. Pure; the input state is not mutated.
 */
export function reduceFunnel(
  state: FunnelState,
  input: KeyedInput,
  env: FunnelEnvironment,
): KeyedOutcome<FunnelState> {
  const fresh = freshEvents(state.applied, input);
  if (fresh.length === 0) return { state, effects: [], changed: false };
  const widthMs = env.rules.windowSeconds * 1000;
  const d: Draft = { ...state };
  const effects: AnomalyEvent[] = [];
  const open = new Map(d.open.map((w) => [w[0], [...w] as number[]]));
  for (const e of fresh) {
    d.maxTimeMs = d.maxTimeMs === null ? e.timeMs : Math.max(d.maxTimeMs, e.timeMs);
    const odd = env.kind === 'product' && checkPrice(d, e, env, effects);
    const col = column[e.type];
    if (col === undefined && !odd) continue;
    const start = bucketStart(e.timeMs, widthMs);
    if (d.closedThroughMs !== null && start < d.closedThroughMs) {
      d.late += 1;
      continue;
    }
    const w = open.get(start) ?? [start, 0, 0, 0, 0, 0];
    if (col !== undefined) w[col]! += 1;
    if (odd) w[ODD_PRICES]! += 1;
    open.set(start, w);
  }
  d.open = [...open.values()].sort((a, b) => a[0]! - b[0]!) as unknown as FunnelWindow[];
  closeWindows(d, env, effects);
  d.applied = { ...d.applied, [input.partitionId]: fresh.at(-1)!.seq };
  return { state: d, effects, changed: true };
}

/** Accepts a stored funnel state (JSON-parsed), or starts an empty one. */
export function readFunnelState(value: unknown): FunnelState {
  if (value === undefined || value === null) return emptyFunnelState();
  if (typeof value !== 'object' || (value as { version?: unknown }).version !== 1)
    throw new TypeError('funnel state: expected an object of version 1');
  return { ...emptyFunnelState(), ...(value as Partial<FunnelState>) };
}
