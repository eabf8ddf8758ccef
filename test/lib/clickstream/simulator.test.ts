import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CLICK_EVENT_TYPES } from '../../../src/lib/clickstream/clickEvent';
import type { ClickEvent, ClickEventType } from '../../../src/lib/clickstream/clickEvent';
import { parseIsoDateTimeToMs } from '../../../src/lib/clickstream/parseIsoDateTime';
import {
  CLICKSTREAM_MALFORMATIONS,
  createClickstreamSimulator,
} from '../../../src/lib/clickstream/simulator';
import type { ClickstreamSimulatorOptions, SimulatedMessage } from '../../../src/lib/clickstream/simulator';
import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';

const BASE_OPTIONS: ClickstreamSimulatorOptions = {
  seed: 42,
  users: 500,
  products: 1_000,
  startTimeInMs: Date.UTC(2024, 4, 1, 12),
  eventsPerSecond: 20,
};

function take(options: Partial<ClickstreamSimulatorOptions>, count: number): SimulatedMessage[] {
  return createClickstreamSimulator({ ...BASE_OPTIONS, ...options }).take(count);
}

/** Parses and validates a body; undefined when it is not JSON or breaks the contract. */
function eventOf(message: SimulatedMessage): ClickEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.body);
  } catch {
    return undefined;
  }
  const result = validateClickEvent(parsed);
  return result.ok ? result.event : undefined;
}

function validEvents(messages: readonly SimulatedMessage[]): ClickEvent[] {
  return messages.map((message) => {
    const event = eventOf(message);
    if (event === undefined) {
      throw new Error(`invalid body: ${message.body}`);
    }
    return event;
  });
}

describe('createClickstreamSimulator', () => {
  describe('determinism', () => {
    it('produces the same messages for the same seed and options', () => {
      expect(take({}, 3_000)).toEqual(take({}, 3_000));
    });

    it('produces different messages for a different seed', () => {
      const bodies = take({}, 100).map((message) => message.body);
      const otherBodies = take({ seed: 43 }, 100).map((message) => message.body);
      expect(otherBodies).not.toEqual(bodies);
    });

    it('gives the same sequence whether taken at once, in chunks or one by one', () => {
      const simulator = createClickstreamSimulator(BASE_OPTIONS);
      const chunked = [...simulator.take(10), ...simulator.take(0), simulator.next(), ...simulator.take(89)];
      expect(chunked).toEqual(take({}, 100));
      expect(simulator.producedCount).toBe(100);
    });

    it('derives event ids from the seed and the message counter', () => {
      const ids = validEvents(take({ seed: -7 }, 50)).map((event) => event.eventId);
      expect(ids).toEqual(Array.from({ length: 50 }, (_, index) => `evt-n7-${index}`));
    });
  });

  describe('well-formed events', () => {
    const messages = take({}, 20_000);
    const events = validEvents(messages);

    it('validates every body and keys it by user', () => {
      expect(events).toHaveLength(messages.length);
      messages.forEach((message, index) => {
        expect(message.partitionKey).toBe(events[index]?.userId);
        expect(message.malformation).toBeUndefined();
      });
    });

    it('writes event times as ISO-8601 UTC with milliseconds, in order, from the start time', () => {
      let previousMs = BASE_OPTIONS.startTimeInMs;
      for (const event of events) {
        expect(event.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        const ms = parseIsoDateTimeToMs(event.eventTime) as number;
        expect(new Date(ms).toISOString()).toBe(event.eventTime);
        expect(ms).toBeGreaterThanOrEqual(previousMs);
        previousMs = ms;
      }
      expect(parseIsoDateTimeToMs(events[0]!.eventTime)).toBe(BASE_OPTIONS.startTimeInMs);
    });

    it('runs at about eventsPerSecond', () => {
      const firstMs = parseIsoDateTimeToMs(events[0]!.eventTime) as number;
      const lastMs = parseIsoDateTimeToMs(events.at(-1)!.eventTime) as number;
      const rate = ((events.length - 1) * 1000) / (lastMs - firstMs);
      expect(rate).toBeGreaterThan(BASE_OPTIONS.eventsPerSecond * 0.95);
      expect(rate).toBeLessThan(BASE_OPTIONS.eventsPerSecond * 1.05);
    });

    it('enqueues each message a small network delay after its event time, in non-decreasing order', () => {
      let previous = Number.NEGATIVE_INFINITY;
      messages.forEach((message, index) => {
        const delay = message.enqueuedTimeInMs - (parseIsoDateTimeToMs(events[index]!.eventTime) as number);
        expect(delay).toBeGreaterThanOrEqual(5);
        expect(delay).toBeLessThan(1_000);
        expect(message.enqueuedTimeInMs).toBeGreaterThanOrEqual(previous);
        previous = message.enqueuedTimeInMs;
      });
    });

    it('emits every event type with funnel proportions', () => {
      const counts = new Map<ClickEventType, number>();
      for (const event of events) {
        counts.set(event.eventType, (counts.get(event.eventType) ?? 0) + 1);
      }
      const share = (type: ClickEventType): number => (counts.get(type) ?? 0) / events.length;
      for (const type of CLICK_EVENT_TYPES) {
        expect(share(type), type).toBeGreaterThan(0);
      }
      expect(share('page_view') + share('product_view') + share('click')).toBeGreaterThan(0.7);
      expect(share('product_view')).toBeGreaterThan(share('add_to_cart') * 5);
      expect(share('add_to_cart')).toBeGreaterThan(share('checkout_start'));
      expect(share('add_to_cart')).toBeGreaterThan(share('remove_from_cart'));
      expect(share('checkout_start')).toBeGreaterThan(share('purchase'));
      expect(share('purchase')).toBeGreaterThan(share('payment_failed'));
    });

    it('keeps sessions per user and orders per session', () => {
      const userBySession = new Map<string, string>();
      const sessionByOrder = new Map<string, string>();
      const checkedOut = new Set<string>();
      for (const event of events) {
        const sessionId = event.sessionId!;
        expect(userBySession.get(sessionId) ?? event.userId).toBe(event.userId);
        userBySession.set(sessionId, event.userId);
        if (event.eventType === 'checkout_start') {
          expect(checkedOut.has(event.orderId!)).toBe(false);
          checkedOut.add(event.orderId!);
          sessionByOrder.set(event.orderId!, sessionId);
        }
        if (event.eventType === 'purchase' || event.eventType === 'payment_failed') {
          expect(checkedOut.has(event.orderId!)).toBe(true);
          expect(sessionByOrder.get(event.orderId!)).toBe(sessionId);
          expect(event.amount).toBeGreaterThan(0);
        }
      }
      const eventsPerSession = events.length / userBySession.size;
      expect(eventsPerSession).toBeGreaterThan(4);
      expect(eventsPerSession).toBeLessThan(30);
    });

    it('keeps the cart consistent: a product is removed only after it was added', () => {
      const cartBySession = new Map<string, Map<string, number>>();
      for (const event of events) {
        const cart = cartBySession.get(event.sessionId!) ?? new Map<string, number>();
        cartBySession.set(event.sessionId!, cart);
        if (event.eventType === 'add_to_cart') {
          cart.set(event.productId!, (cart.get(event.productId!) ?? 0) + event.quantity!);
        } else if (event.eventType === 'remove_from_cart') {
          const inCart = cart.get(event.productId!) ?? 0;
          expect(event.quantity).toBeLessThanOrEqual(inCart);
          cart.set(event.productId!, inCart - event.quantity!);
        } else if (event.eventType === 'purchase') {
          cart.clear();
        }
      }
    });
  });

  describe('product popularity', () => {
    function topDecileShare(zipfExponent: number): number {
      const views = new Map<string, number>();
      let total = 0;
      for (const event of validEvents(take({ zipfExponent }, 20_000))) {
        if (event.eventType === 'product_view') {
          views.set(event.productId!, (views.get(event.productId!) ?? 0) + 1);
          total++;
        }
      }
      const sorted = [...views.values()].sort((a, b) => b - a);
      const topDecile = sorted.slice(0, BASE_OPTIONS.products / 10).reduce((sum, count) => sum + count, 0);
      return topDecile / total;
    }

    it('is Zipf-skewed by default, with the first product the most viewed', () => {
      expect(topDecileShare(1.1)).toBeGreaterThan(0.6);
      const views = new Map<string, number>();
      for (const event of validEvents(take({}, 20_000))) {
        if (event.eventType === 'product_view') {
          views.set(event.productId!, (views.get(event.productId!) ?? 0) + 1);
        }
      }
      const [mostViewed] = [...views].sort(([, a], [, b]) => b - a)[0]!;
      expect(mostViewed).toBe('product-0000');
    });

    it('is close to uniform with exponent 0', () => {
      expect(topDecileShare(0)).toBeLessThan(0.2);
    });
  });

  describe('out-of-order events', () => {
    it('moves about the given fraction of event times back by at most the given delay, nothing else', () => {
      const ordered = take({}, 10_000);
      const shuffled = take({ outOfOrderFractionOfEvents: 0.2, maxOutOfOrderDelayInMs: 3_000 }, 10_000);
      let moved = 0;
      shuffled.forEach((message, index) => {
        const original = JSON.parse(ordered[index]!.body) as Record<string, unknown>;
        const event = eventOf(message)!;
        expect(message.enqueuedTimeInMs).toBe(ordered[index]!.enqueuedTimeInMs);
        expect({ ...event, eventTime: original.eventTime }).toEqual(original);
        const shiftMs =
          (parseIsoDateTimeToMs(original.eventTime as string) as number) -
          (parseIsoDateTimeToMs(event.eventTime) as number);
        expect(shiftMs).toBeGreaterThanOrEqual(0);
        expect(shiftMs).toBeLessThanOrEqual(3_000);
        moved += shiftMs > 0 ? 1 : 0;
      });
      expect(moved / shuffled.length).toBeGreaterThan(0.18);
      expect(moved / shuffled.length).toBeLessThan(0.22);
    });
  });

  describe('malformed bodies', () => {
    const wellFormed = take({}, 20_000);
    const messages = take({ malformedFraction: 0.1 }, 20_000);

    it('breaks about the given fraction of bodies, each so that it fails parsing or validation', () => {
      const malformed = messages.filter((message) => message.malformation !== undefined);
      expect(malformed.length / messages.length).toBeGreaterThan(0.09);
      expect(malformed.length / messages.length).toBeLessThan(0.11);
      for (const message of messages) {
        expect(eventOf(message) === undefined, message.body).toBe(message.malformation !== undefined);
      }
    });

    it('uses every kind of malformation', () => {
      const kinds = new Set(messages.map((message) => message.malformation));
      for (const kind of CLICKSTREAM_MALFORMATIONS) {
        expect(kinds.has(kind), kind).toBe(true);
      }
    });

    it('leaves the other messages exactly as without malformation', () => {
      messages.forEach((message, index) => {
        expect(message.partitionKey).toBe(wellFormed[index]!.partitionKey);
        expect(message.enqueuedTimeInMs).toBe(wellFormed[index]!.enqueuedTimeInMs);
        if (message.malformation === undefined) {
          expect(message.body).toBe(wellFormed[index]!.body);
        }
      });
    });

    it('breaks every body with malformedFraction 1', () => {
      for (const message of take({ malformedFraction: 1 }, 500)) {
        expect(message.malformation).toBeDefined();
        expect(eventOf(message)).toBeUndefined();
      }
    });
  });

  it('produces only valid events for any seed and size (property)', () => {
    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 5 }),
        (seed, users, products, categories) => {
          const messages = take({ seed, users, products, categories, outOfOrderFractionOfEvents: 0.3 }, 300);
          for (const event of validEvents(messages)) {
            const ms = parseIsoDateTimeToMs(event.eventTime);
            expect(ms).toBeDefined();
            expect(new Date(ms!).toISOString()).toBe(event.eventTime);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('round-trips every millisecond through toISOString and parseIsoDateTimeToMs (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(parseIsoDateTimeToMs(new Date(ms).toISOString())).toBe(ms);
      }),
    );
  });

  describe('options', () => {
    it.each<[string, Partial<ClickstreamSimulatorOptions>]>([
      ['users 0', { users: 0 }],
      ['users 1.5', { users: 1.5 }],
      ['products 0', { products: 0 }],
      ['products beyond 1,000,000', { products: 1_000_001 }],
      ['categories 0', { categories: 0 }],
      ['zipfExponent -1', { zipfExponent: -1 }],
      ['eventsPerSecond 0', { eventsPerSecond: 0 }],
      ['eventsPerSecond NaN', { eventsPerSecond: Number.NaN }],
      ['startTimeInMs -1', { startTimeInMs: -1 }],
      ['startTimeInMs 0.5', { startTimeInMs: 0.5 }],
      ['outOfOrderFractionOfEvents 1.5', { outOfOrderFractionOfEvents: 1.5 }],
      ['maxOutOfOrderDelayInMs 0', { maxOutOfOrderDelayInMs: 0 }],
      ['malformedFraction -0.1', { malformedFraction: -0.1 }],
      ['seed 0.5', { seed: 0.5 }],
      ['seed beyond 2^53', { seed: 2 ** 53 }],
    ])('rejects %s with a RangeError', (_label, options) => {
      expect(() => createClickstreamSimulator({ ...BASE_OPTIONS, ...options })).toThrow(RangeError);
    });

    it('rejects a non-number option with a TypeError', () => {
      expect(() => createClickstreamSimulator({ ...BASE_OPTIONS, users: '5' as unknown as number })).toThrow(
        TypeError,
      );
    });

    it('rejects a bad count in take', () => {
      const simulator = createClickstreamSimulator(BASE_OPTIONS);
      expect(() => simulator.take(-1)).toThrow(RangeError);
      expect(() => simulator.take(1.5)).toThrow(RangeError);
    });

    it('works with a single user and a single product', () => {
      const events = validEvents(take({ users: 1, products: 1, categories: 1 }, 500));
      expect(new Set(events.map((event) => event.userId))).toEqual(new Set(['user-0000']));
      expect(new Set(events.flatMap((event) => event.productId ?? []))).toEqual(new Set(['product-0000']));
    });
  });
});
