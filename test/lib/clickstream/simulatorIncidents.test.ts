import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { ClickEvent } from '../../../src/lib/clickstream/clickEvent';
import { createDefaultIncidentSchedule } from '../../../src/lib/clickstream/createDefaultIncidentSchedule';
import { DEFAULT_DIURNAL_RATE_CURVE } from '../../../src/lib/clickstream/diurnalRateCurve';
import type { Incident, IncidentLabel } from '../../../src/lib/clickstream/incidentSchedule';
import { INCIDENT_KINDS } from '../../../src/lib/clickstream/incidentSchedule';
import { parseIsoDateTimeToMs } from '../../../src/lib/clickstream/parseIsoDateTime';
import { createClickstreamSimulator } from '../../../src/lib/clickstream/simulator';
import type { ClickstreamSimulatorOptions, SimulatedMessage } from '../../../src/lib/clickstream/simulator';
import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';

const START = Date.UTC(2026, 5, 1, 9);
const MINUTE = 60_000;

const BASE: ClickstreamSimulatorOptions = {
  seed: 5,
  users: 3_000,
  products: 400,
  startTimeInMs: START,
  eventsPerSecond: 40,
};

interface Timed {
  readonly message: SimulatedMessage;
  readonly event: ClickEvent;
  readonly timeInMs: number;
}

/** Simulates `minutes` of traffic; every body must be a valid event. */
function simulate(options: Partial<ClickstreamSimulatorOptions>, minutes: number): Timed[] {
  const simulator = createClickstreamSimulator({ ...BASE, ...options });
  const out: Timed[] = [];
  for (;;) {
    const message = simulator.next();
    const result = validateClickEvent(JSON.parse(message.body));
    if (!result.ok) {
      throw new Error(`invalid body ${message.body}: ${result.problems.join('; ')}`);
    }
    const timeInMs = parseIsoDateTimeToMs(result.event.eventTime) as number;
    if (timeInMs >= START + minutes * MINUTE) {
      return out;
    }
    out.push({ message, event: result.event, timeInMs });
  }
}

/** The events inside and outside the window [from, to). */
function split(events: readonly Timed[], from: number, to: number): [Timed[], Timed[]] {
  const inside = events.filter((e) => e.timeInMs >= from && e.timeInMs < to);
  const outside = events.filter((e) => e.timeInMs < from || e.timeInMs >= to);
  return [inside, outside];
}

/** Events per minute of the events that match. */
function perMinute(events: readonly Timed[], minutes: number, match: (event: ClickEvent) => boolean): number {
  return events.filter((e) => match(e.event)).length / minutes;
}

const window = (startMinute: number, minutes: number): Pick<Incident, 'startMs' | 'durationMs'> => ({
  startMs: START + startMinute * MINUTE,
  durationMs: minutes * MINUTE,
});

const label = (kind: string, key: string | null, startMinute: number, minutes: number): IncidentLabel =>
  ({
    kind,
    key,
    start: new Date(START + startMinute * MINUTE).toISOString(),
    end: new Date(START + (startMinute + minutes) * MINUTE).toISOString(),
  }) as IncidentLabel;

describe('createClickstreamSimulator incidents', () => {
  it('fraudBurst by user: many payments from one user on many cards, inside its window only', () => {
    const incidents: Incident[] = [{ kind: 'fraudBurst', ...window(10, 5), key: 'user-0042' }];
    const events = simulate({ incidents }, 20);
    const [inside, outside] = split(events, START + 10 * MINUTE, START + 15 * MINUTE);
    const isPayment = (e: ClickEvent): boolean =>
      e.userId === 'user-0042' && (e.eventType === 'payment_failed' || e.eventType === 'purchase');
    expect(perMinute(inside, 5, isPayment)).toBeGreaterThan(20);
    expect(perMinute(outside, 15, isPayment)).toBeLessThan(1);
    const cards = new Set(inside.filter((e) => isPayment(e.event)).map((e) => e.event.paymentMethodId));
    expect(cards.size).toBeGreaterThan(10);
    const injected = inside.filter((e) => e.message.origin === 'fraudBurst');
    expect(injected.every((e) => e.event.userId === 'user-0042')).toBe(true);
    expect(createClickstreamSimulator({ ...BASE, incidents }).labels()).toEqual([
      label('fraudBurst', 'user-0042', 10, 5),
    ]);
  });

  it('fraudBurst by payment method: one card used by many users, failing often', () => {
    const incidents: Incident[] = [{ kind: 'fraudBurst', ...window(3, 4), key: 'pm-77-0', intensity: 3 }];
    const events = simulate({ incidents }, 10);
    const [inside, outside] = split(events, START + 3 * MINUTE, START + 7 * MINUTE);
    const withCard = inside.filter((e) => e.event.paymentMethodId === 'pm-77-0');
    expect(withCard.length).toBeGreaterThan(100);
    expect(new Set(withCard.map((e) => e.event.userId)).size).toBeGreaterThan(50);
    expect(withCard.filter((e) => e.event.eventType === 'payment_failed').length).toBeGreaterThan(40);
    expect(outside.filter((e) => e.event.paymentMethodId === 'pm-77-0')).toHaveLength(0);
    // Every paid order of the burst was checked out first, in the same session.
    const checkedOut = new Map(
      inside.filter((e) => e.event.eventType === 'checkout_start').map((e) => [e.event.orderId, e.event]),
    );
    for (const { event } of withCard) {
      expect(checkedOut.get(event.orderId)?.sessionId).toBe(event.sessionId);
    }
  });

  it('botStorm: a click storm on one product from a few users without sessions', () => {
    const incidents: Incident[] = [{ kind: 'botStorm', ...window(5, 3), key: 'product-0300' }];
    const events = simulate({ incidents }, 12);
    const [inside, outside] = split(events, START + 5 * MINUTE, START + 8 * MINUTE);
    const isClick = (e: ClickEvent): boolean => e.productId === 'product-0300' && e.eventType === 'click';
    // Default intensity: 10% of eventsPerSecond, 4 clicks per second.
    expect(perMinute(inside, 3, isClick)).toBeGreaterThan(150);
    expect(perMinute(outside, 9, isClick)).toBeLessThan(2);
    const storm = inside.filter((e) => e.message.origin === 'botStorm');
    expect(new Set(storm.map((e) => e.event.userId)).size).toBeLessThanOrEqual(5);
    expect(storm.every((e) => e.event.sessionId === undefined)).toBe(true);
    expect(createClickstreamSimulator({ ...BASE, incidents }).labels()).toEqual([
      label('botStorm', 'product-0300', 5, 3),
    ]);
  });

  it('cartAbandonmentSurge: carts keep filling but checkouts and purchases collapse', () => {
    const incidents: Incident[] = [{ kind: 'cartAbandonmentSurge', ...window(10, 10) }];
    const events = simulate({ incidents }, 30);
    const [inside, outside] = split(events, START + 10 * MINUTE, START + 20 * MINUTE);
    const ratio = (list: Timed[], type: string): number =>
      list.filter((e) => e.event.eventType === type).length /
      list.filter((e) => e.event.eventType === 'add_to_cart').length;
    expect(ratio(inside, 'checkout_start')).toBeLessThan(ratio(outside, 'checkout_start') * 0.4);
    expect(ratio(inside, 'purchase')).toBeLessThan(ratio(outside, 'purchase') * 0.2);
    expect(perMinute(inside, 10, (e) => e.eventType === 'add_to_cart')).toBeGreaterThan(
      perMinute(outside, 20, (e) => e.eventType === 'add_to_cart') * 0.7,
    );
    expect(createClickstreamSimulator({ ...BASE, incidents }).labels()).toEqual([
      label('cartAbandonmentSurge', null, 10, 10),
    ]);
  });

  it('stockOut: a bestseller is still viewed but no longer added to carts, and leaves carts at checkout', () => {
    const incidents: Incident[] = [{ kind: 'stockOut', ...window(10, 10), key: 'product-0000' }];
    const events = simulate({ incidents }, 30);
    const [inside, outside] = split(events, START + 10 * MINUTE, START + 20 * MINUTE);
    const of = (type: string) => (e: ClickEvent) => e.productId === 'product-0000' && e.eventType === type;
    expect(perMinute(inside, 10, of('add_to_cart'))).toBe(0);
    expect(perMinute(outside, 20, of('add_to_cart'))).toBeGreaterThan(3);
    expect(perMinute(inside, 10, of('product_view'))).toBeGreaterThan(
      perMinute(outside, 20, of('product_view')) * 0.7,
    );
    // Carts filled before the stock-out lose the product (in full) before paying.
    const removals = inside.filter((e) => of('remove_from_cart')(e.event));
    expect(removals.length).toBeGreaterThan(0);
  });

  it('priceGlitch: one product sells at a fraction of its price and draws a rush of carts', () => {
    const incidents: Incident[] = [{ kind: 'priceGlitch', ...window(10, 10), key: 'product-0005' }];
    const events = simulate({ incidents }, 30);
    const [inside, outside] = split(events, START + 10 * MINUTE, START + 20 * MINUTE);
    const pricesIn = (list: Timed[]): Map<string, Set<number>> => {
      const byCurrency = new Map<string, Set<number>>();
      for (const { event } of list) {
        if (event.productId === 'product-0005' && event.price !== undefined) {
          const set = byCurrency.get(event.currency!) ?? new Set<number>();
          set.add(event.price);
          byCurrency.set(event.currency!, set);
        }
      }
      return byCurrency;
    };
    const normal = pricesIn(outside);
    const glitched = pricesIn(inside);
    const usd = [...normal.get('USD')!][0]!;
    expect(normal.get('USD')).toEqual(new Set([usd]));
    expect(glitched.get('USD')!.size).toBe(1);
    expect(Math.abs([...glitched.get('USD')!][0]! - usd * 0.01)).toBeLessThanOrEqual(0.01);
    const carts = (e: ClickEvent): boolean => e.productId === 'product-0005' && e.eventType === 'add_to_cart';
    expect(perMinute(inside, 10, carts)).toBeGreaterThan(perMinute(outside, 20, carts) * 5);
    expect(createClickstreamSimulator({ ...BASE, incidents }).labels()).toEqual([
      label('priceGlitch', 'product-0005', 10, 10),
    ]);
  });

  it('keeps every body valid and in enqueue order with every incident of the default schedule and bots', () => {
    const incidents = createDefaultIncidentSchedule({
      seed: 5,
      startMs: START,
      durationMs: 20 * MINUTE,
      users: BASE.users,
      products: BASE.products,
    });
    const events = simulate({ incidents, bots: 20 }, 20);
    const origins = new Set(events.map((e) => e.message.origin));
    expect(origins).toEqual(new Set([undefined, 'bot', 'fraudBurst', 'botStorm']));
    let previous = Number.NEGATIVE_INFINITY;
    for (const { message, event } of events) {
      expect(message.partitionKey).toBe(event.userId);
      expect(message.enqueuedTimeInMs).toBeGreaterThanOrEqual(previous);
      previous = message.enqueuedTimeInMs;
    }
    const labels = createClickstreamSimulator({ ...BASE, incidents }).labels();
    expect(labels.map((l) => l.kind).sort()).toEqual([...INCIDENT_KINDS].sort());
  });

  it('produces only valid events with bots, a diurnal curve and every incident, for any seed and size (property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.integer({ min: 2, max: 60 }),
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        (seed, users, products, eventsPerSecond) => {
          const options = { seed, users, products, startTimeInMs: START, eventsPerSecond };
          const incidents = createDefaultIncidentSchedule({
            seed,
            startMs: START,
            durationMs: Math.ceil((400 / eventsPerSecond) * 1000),
            users,
            products,
          });
          const simulator = createClickstreamSimulator({
            ...options,
            incidents,
            bots: Math.min(users - 1, 3),
            diurnalRateCurve: DEFAULT_DIURNAL_RATE_CURVE,
            outOfOrderFractionOfEvents: 0.1,
          });
          let previous = Number.NEGATIVE_INFINITY;
          for (const message of simulator.take(500)) {
            const result = validateClickEvent(JSON.parse(message.body));
            expect(result.ok, message.body).toBe(true);
            expect(message.enqueuedTimeInMs).toBeGreaterThanOrEqual(previous);
            previous = message.enqueuedTimeInMs;
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('picks keys from the seed when the schedule gives none', () => {
    const incidents: Incident[] = INCIDENT_KINDS.map((kind, index) => ({ kind, ...window(index, 1) }));
    const labels = createClickstreamSimulator({ ...BASE, incidents }).labels();
    expect(labels).toEqual(createClickstreamSimulator({ ...BASE, incidents }).labels());
    const byKind = new Map(labels.map((l) => [l.kind, l.key]));
    expect(byKind.get('fraudBurst')).toMatch(/^user-\d{4}$/);
    expect(byKind.get('botStorm')).toMatch(/^product-\d{4}$/);
    expect(Number(byKind.get('stockOut')!.slice('product-'.length))).toBeLessThan(3);
    expect(Number(byKind.get('priceGlitch')!.slice('product-'.length))).toBeLessThan(20);
    expect(byKind.get('cartAbandonmentSurge')).toBeNull();
  });

  it('normalises keys given without zero padding', () => {
    const incidents: Incident[] = [
      { kind: 'stockOut', ...window(1, 1), key: 'product-7' },
      { kind: 'fraudBurst', ...window(0, 1), key: 'user-12' },
    ];
    expect(
      createClickstreamSimulator({ ...BASE, incidents })
        .labels()
        .map((l) => l.key),
    ).toEqual(['user-0012', 'product-0007']);
  });

  it('is deterministic by seed, and the seed changes the incidents’ events', () => {
    const options = {
      incidents: createDefaultIncidentSchedule({
        seed: 9,
        startMs: START,
        durationMs: 5 * MINUTE,
        users: 3000,
        products: 400,
      }),
      bots: 5,
    };
    const first = createClickstreamSimulator({ ...BASE, ...options }).take(15_000);
    expect(createClickstreamSimulator({ ...BASE, ...options }).take(15_000)).toEqual(first);
    const other = createClickstreamSimulator({ ...BASE, ...options, seed: 6 }).take(15_000);
    expect(other.map((m) => m.body)).not.toEqual(first.map((m) => m.body));
  });

  it.each<[string, Incident]>([
    ['a negative start', { kind: 'stockOut', startMs: -1, durationMs: 1 }],
    ['a zero duration', { kind: 'stockOut', startMs: START, durationMs: 0 }],
    ['an unknown product', { kind: 'stockOut', startMs: START, durationMs: 1, key: 'product-0400' }],
    [
      'a user key on a product incident',
      { kind: 'priceGlitch', startMs: START, durationMs: 1, key: 'user-1' },
    ],
    ['an unknown user', { kind: 'fraudBurst', startMs: START, durationMs: 1, key: 'user-3000' }],
    [
      'a key on a site-wide incident',
      { kind: 'cartAbandonmentSurge', startMs: START, durationMs: 1, key: 'x' },
    ],
    [
      'a probability above 1',
      { kind: 'cartAbandonmentSurge', startMs: START, durationMs: 1, intensity: 1.5 },
    ],
    ['a zero rate', { kind: 'botStorm', startMs: START, durationMs: 1, intensity: 0 }],
    ['a price factor above 10', { kind: 'priceGlitch', startMs: START, durationMs: 1, intensity: 11 }],
  ])('rejects %s with a RangeError', (_label, incident) => {
    expect(() => createClickstreamSimulator({ ...BASE, incidents: [incident] })).toThrow(RangeError);
  });

  it('rejects an unknown kind with a TypeError', () => {
    const incident = { kind: 'meteorStrike', startMs: START, durationMs: 1 } as unknown as Incident;
    expect(() => createClickstreamSimulator({ ...BASE, incidents: [incident] })).toThrow(TypeError);
  });
});

describe('createClickstreamSimulator bots', () => {
  const events = simulate({ bots: 10 }, 10);
  const bots = events.filter((e) => e.message.origin === 'bot');
  const humans = events.filter((e) => e.message.origin === undefined);

  it('are a fixed set of users that click fast, without sessions', () => {
    const botUsers = new Set(bots.map((e) => e.event.userId));
    expect(botUsers.size).toBe(10);
    // 10 bots at 0.5 events per second for 10 minutes.
    expect(bots.length).toBeGreaterThan(2_700);
    expect(bots.length).toBeLessThan(3_300);
    expect(bots.every((e) => e.event.sessionId === undefined)).toBe(true);
    expect(bots.every((e) => e.event.eventType === 'click' || e.event.eventType === 'product_view')).toBe(
      true,
    );
    for (const human of humans) {
      expect(botUsers.has(human.event.userId)).toBe(false);
    }
    const perUser = (list: Timed[]): number => list.length / new Set(list.map((e) => e.event.userId)).size;
    expect(perUser(bots)).toBeGreaterThan(perUser(humans) * 10);
  });

  it('do not follow product popularity', () => {
    const share = (list: Timed[]): number =>
      list.filter((e) => e.event.productId === 'product-0000').length /
      list.filter((e) => e.event.productId !== undefined).length;
    expect(share(bots)).toBeLessThan(0.01);
    expect(share(humans)).toBeGreaterThan(0.05);
  });

  it('come on top of the human traffic, which keeps eventsPerSecond', () => {
    const rate = humans.length / 600;
    expect(rate).toBeGreaterThan(BASE.eventsPerSecond * 0.97);
    expect(rate).toBeLessThan(BASE.eventsPerSecond * 1.03);
  });

  it('reject counts that leave no human', () => {
    expect(() => createClickstreamSimulator({ ...BASE, users: 5, bots: 5 })).toThrow(RangeError);
    expect(() => createClickstreamSimulator({ ...BASE, bots: 1, botClicksPerSecond: 0 })).toThrow(RangeError);
  });
});
