import type { ClickEventType } from '../../clickstream/clickEvent';

/**
 * One event as the keyed evaluators (per product, per payment method, site-wide) take it: only what
 * their rules read. Carried one by one so that each key's state can drop exactly the events it applied.
 */
export interface KeyedEvent {
  /** Event Hubs sequence number within the input's partition. */
  readonly seq: number;
  /** Event time, epoch ms. */
  readonly timeMs: number;
  readonly type: ClickEventType;
  readonly userId?: string;
  /** Unit price (product events) in major units of `currency`. */
  readonly price?: number;
  readonly currency?: string;
}

/** One key's events of one Event Hubs batch: ascending, unique sequence numbers of one partition. */
export interface KeyedInput {
  readonly partitionId: string;
  readonly events: readonly KeyedEvent[];
}

/** The key of the site-wide state and of its anomalies. */
export const SITE_KEY = '*';

/** Document scopes of the keyed evaluators' state. */
export const KEYED_SCOPES = {
  product: 'product',
  paymentMethod: 'paymentmethod',
  site: 'site',
} as const;

/** The events of `input` not yet applied under the per-partition high-water marks `applied`. */
export function freshEvents(
  applied: Readonly<Record<string, number>>,
  input: KeyedInput,
): readonly KeyedEvent[] {
  const mark = applied[input.partitionId] ?? -1;
  return input.events.filter((e) => e.seq > mark);
}
