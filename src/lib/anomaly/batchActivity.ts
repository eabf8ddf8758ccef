import type { EventHubBatch } from '../app/eventHubBatch';
import type { ClickEvent } from '../clickstream/clickEvent';
import { validateClickEvent } from '../clickstream/validateClickEvent';
import type { ActivityEvent, ApplyActivityInput } from '../entities/userActivity/operations';
import type { KeyedBatch } from './keyed/keyedRulesEvaluator';
import type { KeyedEvent, KeyedInput } from './keyed/keyedInput';

/** One batch's valid events grouped the ways the rules need them. */
export interface BatchActivity extends KeyedBatch {
  /** One `applyActivity` input per user: one signal per user per batch. */
  readonly users: ReadonlyMap<string, ApplyActivityInput>;
  /** Valid clickstream events in the batch. */
  readonly events: number;
  /** Messages skipped: not JSON, not valid clickstream events (the engine dead-letters them). */
  readonly skipped: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A message body as a validated event, or undefined (not JSON, not a valid event). */
function decode(body: unknown): { event: ClickEvent; timeMs: number } | undefined {
  let value = body;
  try {
    if (typeof body === 'string') value = JSON.parse(body) as unknown;
    else if (body instanceof Uint8Array) value = JSON.parse(utf8.decode(body)) as unknown;
  } catch {
    return undefined;
  }
  const result = validateClickEvent(value);
  return result.ok ? { event: result.event, timeMs: result.eventTimeMs } : undefined;
}

function activityEvent(seq: number, timeMs: number, e: ClickEvent): ActivityEvent {
  return {
    seq,
    timeMs,
    type: e.eventType,
    ...(e.sessionId === undefined ? {} : { sessionId: e.sessionId }),
    ...(e.productId === undefined ? {} : { productId: e.productId }),
    ...(e.category === undefined ? {} : { category: e.category }),
    ...(e.amount === undefined ? {} : { amount: e.amount }),
    ...(e.currency === undefined ? {} : { currency: e.currency }),
    ...(e.paymentMethodId === undefined ? {} : { paymentMethodId: e.paymentMethodId }),
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Decodes a batch's messages (as the engine does: JSON, then the clickstream contract; invalid ones are
 * skipped here, the engine dead-letters them) and groups them per user, per product, per payment method
 * and site-wide, each group in sequence order. Pure.
 */
export function groupBatchActivity(batch: EventHubBatch): BatchActivity {
  const users = new Map<string, ActivityEvent[]>();
  const products = new Map<string, KeyedEvent[]>();
  const methods = new Map<string, KeyedEvent[]>();
  const site: KeyedEvent[] = [];
  let skipped = 0;
  let previous = -1;
  const messages = [...batch.messages].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  for (const m of messages) {
    const decoded = m.sequenceNumber > previous ? decode(m.body) : undefined;
    if (decoded === undefined) {
      skipped++;
      continue;
    }
    previous = m.sequenceNumber;
    const { event: e, timeMs } = decoded;
    const seq = m.sequenceNumber;
    push(users, e.userId, activityEvent(seq, timeMs, e));
    site.push({ seq, timeMs, type: e.eventType });
    if (e.productId !== undefined) {
      push(products, e.productId, {
        seq,
        timeMs,
        type: e.eventType,
        ...(e.price === undefined || e.currency === undefined
          ? {}
          : { price: e.price, currency: e.currency }),
      });
    }
    if (e.paymentMethodId !== undefined && (e.eventType === 'purchase' || e.eventType === 'payment_failed')) {
      push(methods, e.paymentMethodId, { seq, timeMs, type: e.eventType, userId: e.userId });
    }
  }
  const partitionId = batch.partitionId;
  const keyed = (map: Map<string, KeyedEvent[]>): Map<string, KeyedInput> =>
    new Map([...map].map(([key, events]) => [key, { partitionId, events }]));
  return {
    users: new Map(
      [...users].map(([userId, events]) => [
        userId,
        { partitionId, firstSeq: events[0]!.seq, lastSeq: events.at(-1)!.seq, events },
      ]),
    ),
    products: keyed(products),
    paymentMethods: keyed(methods),
    site: site.length === 0 ? undefined : { partitionId, events: site },
    events: site.length,
    skipped,
  };
}
