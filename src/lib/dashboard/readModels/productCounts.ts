import { CLICK_EVENT_TYPES } from '../../clickstream/clickEvent';

/** Events per product, by event type: counts[eventType][productId]. */
export type ProductCounts = Record<string, Record<string, number>>;

/** A product and how many events of one type it had. */
export interface ProductCount {
  readonly productId: string;
  readonly count: number;
}

const eventTypes: ReadonlySet<string> = new Set(CLICK_EVENT_TYPES);
const decoder = new TextDecoder('utf-8', { fatal: false });

/** A field of a record, its name matched without regard to case (as the contract says). */
function field(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
}

/**
 * The event type and product of a message body (JSON text, UTF-8 bytes or an object the host parsed),
 * or undefined for a body without both. Bad bodies are the engine's business (it dead-letters them);
 * here they are simply not counted.
 */
export function productEventOf(body: unknown): { eventType: string; productId: string } | undefined {
  let value = body;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    try {
      value = JSON.parse(typeof value === 'string' ? value : decoder.decode(value)) as unknown;
    } catch {
      return undefined;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const eventType = field(record, 'eventType');
  const productId = field(record, 'productId');
  if (typeof eventType !== 'string' || !eventTypes.has(eventType)) return undefined;
  if (typeof productId !== 'string' || productId.length === 0 || productId.length > 128) return undefined;
  return { eventType, productId };
}

/** Adds one event to `counts` in place. */
export function addProductEvent(counts: ProductCounts, eventType: string, productId: string, n = 1): void {
  const byProduct = (counts[eventType] ??= {});
  byProduct[productId] = (byProduct[productId] ?? 0) + n;
}

/** Adds `source` into `target` in place. */
export function mergeProductCounts(target: ProductCounts, source: ProductCounts): ProductCounts {
  for (const [type, byProduct] of Object.entries(source))
    for (const [product, n] of Object.entries(byProduct)) addProductEvent(target, type, product, n);
  return target;
}

/**
 * Keeps at most `maxProducts` products per event type (the largest counts), so that a stored document
 * stays small whatever the catalogue: top-N lists stay exact unless a product was cut before it rose.
 */
export function capProductCounts(counts: ProductCounts, maxProducts: number): ProductCounts {
  const out: ProductCounts = {};
  for (const [type, byProduct] of Object.entries(counts)) {
    const entries = Object.entries(byProduct);
    out[type] = Object.fromEntries(
      entries.length <= maxProducts ? entries : entries.sort((a, b) => b[1] - a[1]).slice(0, maxProducts),
    );
  }
  return out;
}

/** The `limit` products with most events of `eventType`, largest first, ties by product id. */
export function topProducts(counts: ProductCounts, eventType: string, limit: number): ProductCount[] {
  return Object.entries(counts[eventType] ?? {})
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([productId, count]) => ({ productId, count }));
}
