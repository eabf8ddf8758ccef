import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLICK_EVENT_TYPES } from '../../../../src/lib/clickstream/clickEvent';
import type {
  ActivityEvent,
  UserActivityOperation,
} from '../../../../src/lib/entities/userActivity/operations';
import type { UserProfile } from '../../../../src/lib/entities/userActivity/profile';
import {
  reduceUserActivity,
  type UserActivityOutcome,
} from '../../../../src/lib/entities/userActivity/reducer';
import {
  emptyUserActivityState,
  type UserActivityState,
} from '../../../../src/lib/entities/userActivity/state';
import { env, failure, op, purchase, t0, view } from './fixtures';

const apply = (state: UserActivityState, input: ReturnType<typeof op>): UserActivityOutcome =>
  reduceUserActivity(state, { name: 'applyActivity', input }, env);

const profile = (state: UserActivityState): UserProfile =>
  reduceUserActivity(state, { name: 'getProfile', input: {} }, env).result as UserProfile;

const run = (events: readonly Omit<ActivityEvent, 'seq'>[]): UserActivityOutcome =>
  apply(emptyUserActivityState(), op(events));

describe('reduceUserActivity: counters and read model', () => {
  it('counts events per type over the horizons and lifetime, spend, sessions and interests', () => {
    const out = run([
      view(t0 - 3 * 3_600_000, 'product-a', 'category-x'),
      view(t0 - 10 * 60_000, 'product-a', 'category-x'),
      {
        timeMs: t0 - 30_000,
        type: 'add_to_cart',
        sessionId: 's-2',
        productId: 'product-b',
        category: 'category-y',
      },
      purchase(t0, 42.5),
    ]);
    const p = profile(out.state);
    expect(p.counts.lifetime.product_view).toBe(2);
    expect(p.counts.last24Hours.product_view).toBe(2);
    expect(p.counts.last15Minutes.product_view).toBe(1);
    expect(p.counts.lastMinute).toMatchObject({ product_view: 0, add_to_cart: 1, purchase: 1 });
    expect(p.spend).toEqual({ EUR: 42.5 });
    expect(p.purchases).toBe(1);
    expect(p.sessions).toBe(3); // s-1, s-2, s-1 again: a change of session starts one
    expect(p.topProducts).toEqual([
      { id: 'product-b', score: 3 },
      { id: 'product-a', score: 2 },
    ]);
    expect(p.topCategories[0]).toEqual({ id: 'category-y', score: 3 });
    expect(p.lastSeen).toBe(new Date(t0).toISOString());
    expect(p.appliedThrough).toEqual({ '0': 3 });
    expect(out.result).toEqual({ applied: 4, skipped: 0 });
  });

  it('keeps the state small under heavy traffic (far below the 16 KB Durable read limit)', () => {
    const events = Array.from({ length: 3000 }, (_, i) => ({
      ...view(t0 + i * 1000, `product-${'x'.repeat(100)}-${i}`, `category-${'y'.repeat(100)}-${i % 50}`),
      sessionId: `s-${i}`,
    }));
    const out = run(events);
    expect(JSON.stringify(out.state).length).toBeLessThan(12_000);
  });

  it('getProfile changes nothing; reset destroys the entity', () => {
    const { state } = run([view(t0)]);
    const got = reduceUserActivity(state, { name: 'getProfile', input: { top: 1 } }, env);
    expect(got.state).toBe(state);
    expect(got.changed).toBe(false);
    expect((got.result as UserProfile).topProducts).toHaveLength(1);
    const reset = reduceUserActivity(state, { name: 'reset' }, env);
    expect(reset.destruct).toBe(true);
    expect(reset.state).toEqual(emptyUserActivityState());
  });
});

describe('reduceUserActivity: redelivery', () => {
  const cases: {
    name: string;
    first: ReturnType<typeof op>;
    second: ReturnType<typeof op>;
    applied: number;
  }[] = [
    {
      name: 'the same range',
      first: op([view(t0), view(t0 + 1)], 10),
      second: op([view(t0), view(t0 + 1)], 10),
      applied: 0,
    },
    {
      name: 'an older range',
      first: op([view(t0), view(t0 + 1)], 10),
      second: op([view(t0 - 5)], 3),
      applied: 0,
    },
    {
      name: 'an overlapping range (batch boundaries moved)',
      first: op([view(t0), view(t0 + 1)], 10),
      second: op([view(t0 + 1), view(t0 + 2), view(t0 + 3)], 11),
      applied: 2,
    },
    {
      name: 'another partition',
      first: op([view(t0)], 10, '0'),
      second: op([view(t0 + 1)], 10, '1'),
      applied: 1,
    },
  ];
  it.each(cases)('$name', ({ first, second, applied }) => {
    const once = apply(emptyUserActivityState(), first);
    const twice = apply(once.state, second);
    expect(twice.result).toEqual({ applied, skipped: second.events.length - applied });
    expect(twice.changed).toBe(applied > 0);
    if (applied === 0) expect(twice.state).toBe(once.state);
    expect(profile(twice.state).counts.lifetime.product_view).toBe(first.events.length + applied);
  });
});

describe('reduceUserActivity: per-user rules', () => {
  const clicks = (n: number, everyMs: number) =>
    Array.from({ length: n }, (_, i) => ({
      timeMs: t0 + i * everyMs,
      type: 'click' as const,
      productId: 'product-7',
    }));
  const rulesOf = (out: UserActivityOutcome) => out.effects.map((e) => e.rule);

  const cases: { name: string; events: Omit<ActivityEvent, 'seq'>[]; rules: string[] }[] = [
    {
      name: 'ordinary browsing and a purchase: quiet',
      events: [view(t0), view(t0 + 20_000), purchase(t0 + 60_000, 30)],
      rules: [],
    },
    { name: 'a human pace of clicks: quiet', events: clicks(15, 4_000), rules: [] },
    {
      name: 'a human paying: 4 failures then a purchase: quiet',
      events: [0, 20, 40, 60]
        .map((s) => failure(t0 + s * 1000, 80, 'pm-1-0'))
        .concat(purchase(t0 + 80_000, 80)),
      rules: [],
    },
    {
      name: 'bot click rate: 25 clicks in 50 s, once (cooldown)',
      events: clicks(25, 2_000),
      rules: ['botClickRate'],
    },
    {
      name: 'velocity: 5 failed payments within 2 minutes (same card)',
      events: [0, 30, 60, 90, 120].map((s) => failure(t0 + s * 1000, 80, 'pm-1-0')),
      rules: ['paymentVelocity'],
    },
    {
      name: 'many payment methods: 4 cards within 10 minutes',
      events: [0, 100, 200, 300].map((s, i) => failure(t0 + s * 1000, 80, `pm-1-${i}`)),
      rules: ['manyPaymentMethods'],
    },
    {
      name: 'velocity and many payment methods: 5 cards failing within 2 minutes',
      events: [0, 30, 60, 90, 120].map((s, i) => failure(t0 + s * 1000, 80, `pm-1-${i}`)),
      rules: ['manyPaymentMethods', 'paymentVelocity'],
    },
    {
      name: 'purchase amount far above the warm baseline',
      events: [
        ...[30, 35, 28, 40, 32, 31].map((a, i) => purchase(t0 + i * 3_600_000, a)),
        purchase(t0 + 7 * 3_600_000, 900),
      ],
      rules: ['purchaseAmountSpike'],
    },
    {
      name: 'a large first purchases while warming up: quiet',
      events: [purchase(t0, 30), purchase(t0 + 3_600_000, 900)],
      rules: [],
    },
  ];
  it.each(cases)('$name', ({ events, rules }) => {
    expect(rulesOf(run(events))).toEqual(rules);
  });

  it('anomalies carry deterministic ids (rule|key|window end) and JSON-safe evidence', () => {
    const out = run(clicks(25, 2_000));
    const [a] = out.effects;
    expect(a).toMatchObject({
      rule: 'botClickRate',
      key: 'user-0001',
      severity: 'warning',
      windowEnd: new Date(t0 + 60_000).toISOString(),
      id: `botClickRate|user-0001|${new Date(t0 + 60_000).toISOString()}`,
      evidence: { eventsLastMinute: 20, thresholdPerMinute: 20, topProductId: 'product-7' },
    });
    expect(a!.score).toBeGreaterThanOrEqual(0.5);
    expect(JSON.parse(JSON.stringify(a))).toEqual(a);
  });
});

const eventArb: fc.Arbitrary<Omit<ActivityEvent, 'seq'>> = fc.record(
  {
    timeMs: fc.integer({ min: t0, max: t0 + 6 * 3_600_000 }),
    type: fc.constantFrom(...CLICK_EVENT_TYPES),
    sessionId: fc.constantFrom('s-1', 's-2', 's-3'),
    productId: fc.constantFrom('p-1', 'p-2', 'p-3', 'p-4'),
    category: fc.constantFrom('c-1', 'c-2'),
    amount: fc.double({ min: 0, max: 5000, noNaN: true }),
    currency: fc.constantFrom('EUR', 'USD'),
    paymentMethodId: fc.constantFrom('pm-a', 'pm-b', 'pm-c', 'pm-d', 'pm-e'),
  },
  { requiredKeys: ['timeMs', 'type'] },
);

/** Events in roughly increasing time, as a user's events arrive (some out of order). */
const streamArb = fc.array(eventArb, { minLength: 1, maxLength: 60 }).map((events) => {
  const sorted = [...events].sort((a, b) => a.timeMs - b.timeMs);
  return sorted.map((e, i) => (i % 7 === 3 && i > 0 ? { ...e, timeMs: sorted[i - 1]!.timeMs - 500 } : e));
});

/** Cuts `events` (sequence numbers from 0) into consecutive operations at the given points. */
function cut(
  events: readonly Omit<ActivityEvent, 'seq'>[],
  points: readonly number[],
): ReturnType<typeof op>[] {
  const bounds = [...new Set([0, ...points.map((p) => p % events.length), events.length])].sort(
    (a, b) => a - b,
  );
  const ops: ReturnType<typeof op>[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) ops.push(op(events.slice(bounds[i], bounds[i + 1]), bounds[i]));
  return ops;
}

function applyAll(ops: readonly ReturnType<typeof op>[]): { state: UserActivityState; ids: string[] } {
  let state = emptyUserActivityState();
  const ids: string[] = [];
  for (const input of ops) {
    const out = reduceUserActivity(
      state,
      { name: 'applyActivity', input } satisfies UserActivityOperation,
      env,
    );
    state = out.state;
    ids.push(...out.effects.map((e) => e.id));
  }
  return { state, ids };
}

describe('reduceUserActivity: properties', () => {
  it('applying an operation twice equals applying it once (and finds nothing new)', () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        const input = op(events);
        const once = apply(emptyUserActivityState(), input);
        const twice = apply(once.state, input);
        expect(twice.state).toEqual(once.state);
        expect(twice.effects).toEqual([]);
      }),
    );
  });

  it('the outcome does not depend on batch boundaries, nor on redelivered overlapping ranges', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (events, pointsA, pointsB) => {
          const whole = applyAll([op(events)]);
          const split = applyAll(cut(events, pointsA));
          // A redelivery: every operation of one cut, then every operation of another (overlapping) cut.
          const redelivered = applyAll([...cut(events, pointsA), ...cut(events, pointsB)]);
          expect(split.state).toEqual(whole.state);
          expect(split.ids).toEqual(whole.ids);
          expect(redelivered.state).toEqual(whole.state);
          expect(redelivered.ids).toEqual(whole.ids);
        },
      ),
    );
  });

  it('never mutates the input state', () => {
    fc.assert(
      fc.property(streamArb, streamArb, (a, b) => {
        const first = apply(emptyUserActivityState(), op(a)).state;
        const frozen = JSON.stringify(first);
        apply(first, op(b, a.length));
        expect(JSON.stringify(first)).toBe(frozen);
      }),
    );
  });
});
