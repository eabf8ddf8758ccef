/**
 * A bounded heavy-hitter counter (the Space-Saving algorithm): at most `capacity` entries; a new item
 * takes over the smallest entry and inherits its count, so counts over-estimate by at most that count.
 * JSON-safe: an array of [id, weight] pairs.
 */
export type TopK = readonly (readonly [string, number])[];

/**
 * Adds `weight` to `id`.
 * @param capacity - entries kept, an integer from 1
 */
export function topKAdd(top: TopK, id: string, weight: number, capacity: number): TopK {
  if (!Number.isSafeInteger(capacity) || capacity < 1)
    throw new RangeError(`capacity: expected a positive integer, received ${capacity}`);
  if (!(weight > 0) || !Number.isFinite(weight))
    throw new RangeError(`weight: expected a positive number, received ${weight}`);
  const index = top.findIndex(([key]) => key === id);
  if (index >= 0) return top.map((entry, i) => (i === index ? [id, entry[1] + weight] : entry));
  if (top.length < capacity) return [...top, [id, weight]];
  let min = 0;
  for (let i = 1; i < top.length; i++) if (top[i]![1] < top[min]![1]) min = i;
  const floor = top[min]![1];
  return top.map((entry, i) => (i === min ? [id, floor + weight] : entry));
}

/** The `n` heaviest entries, heaviest first (ties by id, for a stable order). */
export function topKList(top: TopK, n: number): { readonly id: string; readonly score: number }[] {
  return [...top]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, n)
    .map(([id, score]) => ({ id, score }));
}
