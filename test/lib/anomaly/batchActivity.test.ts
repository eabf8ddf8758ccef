import { describe, expect, it } from 'vitest';
import { groupBatchActivity } from '../../../src/lib/anomaly/batchActivity';
import type { EventHubBatch } from '../../../src/lib/app/eventHubBatch';
import { parseUserActivityOperation } from '../../../src/lib/entities/userActivity/operations';

const t0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

function batch(bodies: unknown[], firstSeq = 100): EventHubBatch {
  return {
    partitionId: '2',
    messages: bodies.map((body, i) => ({ sequenceNumber: firstSeq + i, enqueuedTimeMs: t0 + i, body })),
  };
}

describe('groupBatchActivity', () => {
  const bodies: unknown[] = [
    JSON.stringify({
      eventId: 'e1',
      eventType: 'product_view',
      eventTime: at(0),
      userId: 'u1',
      productId: 'p1',
      price: 9.5,
      currency: 'EUR',
      category: 'c1',
    }),
    { eventId: 'e2', eventType: 'click', eventTime: at(1), userId: 'u2', productId: 'p1' },
    'not json',
    new TextEncoder().encode(
      JSON.stringify({
        eventId: 'e3',
        eventType: 'purchase',
        eventTime: at(2),
        userId: 'u1',
        orderId: 'o1',
        amount: 20,
        currency: 'EUR',
        paymentMethodId: 'pm-1',
      }),
    ),
    { eventId: 'e4', eventType: 'click', eventTime: at(3), userId: 'u1' }, // no productId: invalid
    {
      eventId: 'e5',
      eventType: 'search',
      eventTime: at(4),
      userId: 'u1',
      searchQuery: 'lamp',
      sessionId: 's1',
    },
  ];

  it('groups valid events per user (one input each), product, payment method and site, in sequence order', () => {
    const g = groupBatchActivity(batch(bodies));
    expect(g.events).toBe(4);
    expect(g.skipped).toBe(2);
    expect([...g.users.keys()]).toEqual(['u1', 'u2']);
    expect(g.users.get('u1')).toEqual({
      partitionId: '2',
      firstSeq: 100,
      lastSeq: 105,
      events: [
        { seq: 100, timeMs: t0, type: 'product_view', productId: 'p1', category: 'c1', currency: 'EUR' },
        {
          seq: 103,
          timeMs: t0 + 2000,
          type: 'purchase',
          amount: 20,
          currency: 'EUR',
          paymentMethodId: 'pm-1',
        },
        { seq: 105, timeMs: t0 + 4000, type: 'search', sessionId: 's1' },
      ],
    });
    expect(g.products.get('p1')!.events.map((e) => [e.seq, e.price])).toEqual([
      [100, 9.5],
      [101, undefined],
    ]);
    expect(g.paymentMethods.get('pm-1')!.events).toEqual([
      { seq: 103, timeMs: t0 + 2000, type: 'purchase', userId: 'u1' },
    ]);
    expect(g.site!.events.map((e) => e.seq)).toEqual([100, 101, 103, 105]);
  });

  it('builds inputs the entity accepts', () => {
    for (const input of groupBatchActivity(batch(bodies)).users.values()) {
      expect(() =>
        parseUserActivityOperation('applyActivity', JSON.parse(JSON.stringify(input))),
      ).not.toThrow();
    }
  });

  it('skips a repeated sequence number and an empty batch gives nothing', () => {
    const twice = batch([bodies[1], bodies[1]]);
    const repeated = { ...twice, messages: twice.messages.map((m) => ({ ...m, sequenceNumber: 7 })) };
    expect(groupBatchActivity(repeated).users.get('u2')!.events).toHaveLength(1);
    const empty = groupBatchActivity(batch([]));
    expect(empty.users.size).toBe(0);
    expect(empty.site).toBeUndefined();
  });
});
