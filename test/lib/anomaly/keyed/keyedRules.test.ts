import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../../../../src/lib/anomaly/anomalyEvent';
import {
  emptyFunnelState,
  reduceFunnel,
  type FunnelKind,
  type FunnelState,
} from '../../../../src/lib/anomaly/keyed/funnelRules';
import type { KeyedEvent, KeyedInput } from '../../../../src/lib/anomaly/keyed/keyedInput';
import {
  emptyPaymentMethodState,
  reducePaymentMethod,
} from '../../../../src/lib/anomaly/keyed/paymentMethodRules';
import { DEFAULT_RULE_CONFIG } from '../../../../src/lib/anomaly/ruleConfig';
import type { ClickEventType } from '../../../../src/lib/clickstream/clickEvent';

const rules = DEFAULT_RULE_CONFIG.keyed;
const W = rules.windowSeconds * 1000;
const t0 = Date.UTC(2026, 5, 1, 0, 0, 0);

/** Events of one window: `counts` of each type, spread evenly over the window. */
function windowEvents(
  index: number,
  counts: Partial<Record<ClickEventType, number>>,
  price?: number,
): Omit<KeyedEvent, 'seq'>[] {
  const types = Object.entries(counts).flatMap(([type, n]) =>
    Array.from({ length: n }, () => type as ClickEventType),
  );
  return types.map((type, i) => ({
    timeMs: t0 + index * W + Math.floor(((i + 0.5) * W) / types.length),
    type,
    ...(price === undefined || type === 'checkout_start' ? {} : { price, currency: 'EUR' }),
  }));
}

/** Feeds windows one batch each (sequence numbers continue), collecting the anomalies. */
function feed(kind: FunnelKind, windows: Omit<KeyedEvent, 'seq'>[][], start = emptyFunnelState()) {
  let state: FunnelState = start;
  let seq = 0;
  const effects: AnomalyEvent[] = [];
  for (const events of windows) {
    const input: KeyedInput = { partitionId: '0', events: events.map((e) => ({ ...e, seq: seq++ })) };
    const out = reduceFunnel(state, input, { kind, key: kind === 'site' ? '*' : 'product-0001', rules });
    state = out.state;
    effects.push(...out.effects);
  }
  return { state, effects };
}

const normalProduct = (i: number) =>
  windowEvents(i, { product_view: 20, click: 10, add_to_cart: 5, remove_from_cart: 1 }, 25);

describe('product rules', () => {
  it('stay quiet on steady traffic', () => {
    const { effects, state } = feed(
      'product',
      Array.from({ length: 40 }, (_, i) => normalProduct(i)),
    );
    expect(effects).toEqual([]);
    expect(state.baselines.adds.mean).toBeCloseTo(5, 0);
    expect(state.open.length).toBeLessThanOrEqual(2);
  });

  it('purchasesStopped: a popular product still viewed but no longer added to carts', () => {
    const windows = [
      ...Array.from({ length: 20 }, (_, i) => normalProduct(i)),
      ...Array.from({ length: 4 }, (_, i) => windowEvents(20 + i, { product_view: 20, click: 10 }, 25)),
      normalProduct(24),
    ];
    const { effects } = feed('product', windows);
    expect(effects.map((e) => e.rule)).toEqual(['purchasesStopped']);
    expect(effects[0]!).toMatchObject({
      key: 'product-0001',
      severity: 'critical',
      // About 5 add-to-carts expected per window: the third empty window passes 10 missed.
      windowEnd: new Date(t0 + 23 * W).toISOString(),
      evidence: { windowsWithoutAddToCart: 3 },
    });
  });

  it('cartAbandonmentSurge: removals from the cart far above the baseline', () => {
    const windows = [
      ...Array.from({ length: 20 }, (_, i) => normalProduct(i)),
      windowEvents(20, { product_view: 20, click: 10, add_to_cart: 1, remove_from_cart: 12 }, 25),
      normalProduct(21),
      normalProduct(22),
    ];
    const { effects } = feed('product', windows);
    expect(effects.map((e) => [e.rule, e.windowEnd])).toEqual([
      ['cartAbandonmentSurge', new Date(t0 + 21 * W).toISOString()],
    ]);
  });

  it('priceAnomaly: a price a hundredth of the usual, once per cooldown', () => {
    const windows = [
      ...Array.from({ length: 3 }, (_, i) => normalProduct(i)),
      windowEvents(3, { product_view: 20 }, 0.25),
    ];
    const { effects, state } = feed('product', windows);
    expect(effects.map((e) => e.rule)).toEqual(['priceAnomaly']);
    expect(effects[0]!.evidence).toMatchObject({ price: 0.25, usualPrice: 25, currency: 'EUR' });
    expect(state.prices.EUR!.mean).toBe(25); // outliers do not move the usual price
  });

  it('fills quiet windows and counts events for closed windows as late', () => {
    const { state } = feed('product', [normalProduct(0), normalProduct(10), windowEvents(1, { click: 3 })]);
    expect(state.baselines.traffic.n).toBe(10);
    expect(state.late).toBe(3);
  });
});

describe('site rule', () => {
  const normalSite = (i: number) => windowEvents(i, { page_view: 100, add_to_cart: 60, checkout_start: 30 });

  it('cartAbandonmentSurge (*): checkouts per add-to-cart collapse', () => {
    const windows = [
      ...Array.from({ length: 20 }, (_, i) => normalSite(i)),
      windowEvents(20, { page_view: 100, add_to_cart: 60, checkout_start: 3 }),
      windowEvents(21, { page_view: 100, add_to_cart: 60, checkout_start: 3 }),
      normalSite(22),
      normalSite(23),
    ];
    const { effects } = feed('site', windows);
    // Judged over the last three windows: the second window of the surge tips it.
    expect(effects.map((e) => [e.rule, e.key, e.windowEnd])).toEqual([
      ['cartAbandonmentSurge', '*', new Date(t0 + 22 * W).toISOString()],
    ]);
    expect(effects[0]!.evidence).toMatchObject({ addsToCart: 180, payingSteps: 36, expectedPayingSteps: 90 });
  });

  it('stays quiet on steady traffic', () => {
    expect(
      feed(
        'site',
        Array.from({ length: 40 }, (_, i) => normalSite(i)),
      ).effects,
    ).toEqual([]);
  });
});

describe('sharedPaymentMethod', () => {
  const use = (
    seq: number,
    s: number,
    userId: string,
    type: ClickEventType = 'payment_failed',
  ): KeyedEvent => ({
    seq,
    timeMs: t0 + s * 1000,
    type,
    userId,
  });
  const env = { key: 'pm-7-0', rules };

  it('fires when three users use one card within ten minutes', () => {
    const out = reducePaymentMethod(
      emptyPaymentMethodState(),
      {
        partitionId: '0',
        events: [use(0, 0, 'user-1'), use(1, 60, 'user-2'), use(2, 120, 'user-3', 'purchase')],
      },
      env,
    );
    expect(out.effects).toHaveLength(1);
    expect(out.effects[0]!).toMatchObject({
      rule: 'sharedPaymentMethod',
      key: 'pm-7-0',
      evidence: { distinctUsers: 3, attempts: 3, failures: 2 },
    });
  });

  it('stays quiet for one owner, or users far apart', () => {
    const owner = reducePaymentMethod(
      emptyPaymentMethodState(),
      { partitionId: '0', events: [0, 1, 2, 3, 4].map((i) => use(i, i * 10, 'user-1')) },
      env,
    );
    const apart = reducePaymentMethod(
      emptyPaymentMethodState(),
      { partitionId: '0', events: [use(0, 0, 'user-1'), use(1, 700, 'user-2'), use(2, 1400, 'user-3')] },
      env,
    );
    expect([...owner.effects, ...apart.effects]).toEqual([]);
  });
});

describe('keyed reducers: redelivery', () => {
  const keyedEvents = fc.array(
    fc.record({
      timeMs: fc.integer({ min: t0, max: t0 + 4 * 3_600_000 }),
      type: fc.constantFrom<ClickEventType>(
        'product_view',
        'click',
        'add_to_cart',
        'remove_from_cart',
        'purchase',
        'payment_failed',
      ),
      userId: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
      price: fc.constantFrom(25, 25, 25, 0.2),
      currency: fc.constant('EUR'),
    }),
    { minLength: 1, maxLength: 80 },
  );
  it('applying a batch twice equals applying it once, for both reducers', () => {
    fc.assert(
      fc.property(keyedEvents, fc.nat(), (raw, cutAt) => {
        const events = [...raw].sort((a, b) => a.timeMs - b.timeMs).map((e, seq) => ({ ...e, seq }));
        const cut = cutAt % events.length;
        const first: KeyedInput = { partitionId: '3', events: events.slice(0, cut + 1) };
        const all: KeyedInput = { partitionId: '3', events };
        const productEnv = { kind: 'product' as const, key: 'p', rules };
        const once = reduceFunnel(reduceFunnel(emptyFunnelState(), first, productEnv).state, all, productEnv);
        const again = reduceFunnel(once.state, all, productEnv);
        expect(again.changed).toBe(false);
        expect(again.state).toBe(once.state);
        const direct = reduceFunnel(emptyFunnelState(), all, productEnv);
        expect(once.state).toEqual(direct.state);
        const pmEnv = { key: 'pm', rules };
        const pm = reducePaymentMethod(
          reducePaymentMethod(emptyPaymentMethodState(), all, pmEnv).state,
          all,
          pmEnv,
        );
        expect(pm.changed).toBe(false);
      }),
    );
  });
});
