import { describe, expect, it } from 'vitest';
import {
  addProductEvent,
  capProductCounts,
  mergeProductCounts,
  productEventOf,
  topProducts,
  type ProductCounts,
} from '../../../src/lib/dashboard/readModels/productCounts';

describe('productEventOf', () => {
  const event = { eventId: 'e', eventType: 'add_to_cart', userId: 'u', productId: 'p-1' };

  it('reads JSON text, UTF-8 bytes and parsed objects alike', () => {
    const expected = { eventType: 'add_to_cart', productId: 'p-1' };
    expect(productEventOf(JSON.stringify(event))).toEqual(expected);
    expect(productEventOf(new TextEncoder().encode(JSON.stringify(event)))).toEqual(expected);
    expect(productEventOf(event)).toEqual(expected);
  });

  it('matches field names without regard to case, as the contract does', () => {
    expect(productEventOf({ EventType: 'click', PRODUCTID: 'p-2' })).toEqual({
      eventType: 'click',
      productId: 'p-2',
    });
  });

  it('counts nothing for bodies the engine dead-letters or events without a product', () => {
    for (const body of [
      '{"eventType":',
      'null',
      '[1]',
      42,
      { eventType: 'click' },
      { eventType: 'Click', productId: 'p' },
      { eventType: 'click', productId: '' },
      { eventType: 'click', productId: 7 },
      { eventType: 'click', productId: 'x'.repeat(129) },
    ]) {
      expect(productEventOf(body)).toBeUndefined();
    }
  });
});

describe('product counts', () => {
  it('merges, ranks (ties by product id) and caps', () => {
    const a: ProductCounts = {};
    addProductEvent(a, 'click', 'b', 2);
    addProductEvent(a, 'click', 'a', 2);
    addProductEvent(a, 'click', 'c');
    const b: ProductCounts = {};
    addProductEvent(b, 'click', 'c', 5);
    addProductEvent(b, 'add_to_cart', 'a');
    mergeProductCounts(a, b);
    expect(topProducts(a, 'click', 2)).toEqual([
      { productId: 'c', count: 6 },
      { productId: 'a', count: 2 },
    ]);
    expect(topProducts(a, 'add_to_cart', 5)).toEqual([{ productId: 'a', count: 1 }]);
    expect(topProducts(a, 'purchase', 5)).toEqual([]);
    expect(capProductCounts(a, 1)).toEqual({ click: { c: 6 }, add_to_cart: { a: 1 } });
  });
});
