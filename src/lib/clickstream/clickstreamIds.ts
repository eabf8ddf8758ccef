/**
 * The identifiers the clickstream simulator gives users and products: `user-` or `product-` followed by the
 * zero-padded index, padded to at least 4 digits and to the width of the largest index.
 */

/**
 * The `userId` of the user with index `index` among `users` users, e.g. `user-0042`.
 * @param index An integer from 0 to `users - 1` (not checked).
 * @param users Number of users, at least 1 (sets the padding).
 */
export function simulatedUserId(index: number, users: number): string {
  return `user-${String(index).padStart(Math.max(4, String(users - 1).length), '0')}`;
}

/**
 * The `productId` of the product with index `index` among `products` products, e.g. `product-0007`.
 * @param index An integer from 0 to `products - 1` (not checked).
 * @param products Number of products, at least 1 (sets the padding).
 */
export function simulatedProductId(index: number, products: number): string {
  return `product-${String(index).padStart(Math.max(4, String(products - 1).length), '0')}`;
}

/**
 * The index encoded in a simulated id with the given prefix (`user-` or `product-`), with or without zero
 * padding; `undefined` when `id` has another shape or the index is not below `count`.
 */
export function simulatedIdIndex(id: string, prefix: string, count: number): number | undefined {
  if (!id.startsWith(prefix)) {
    return undefined;
  }
  const digits = id.slice(prefix.length);
  if (!/^\d{1,15}$/.test(digits)) {
    return undefined;
  }
  const index = Number(digits);
  return index < count ? index : undefined;
}
