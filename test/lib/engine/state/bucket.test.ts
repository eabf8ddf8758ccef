import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { partialResult, type AggregateKind } from '../../../../src/lib/engine/aggregates/aggregate';
import { groupKeyOf } from '../../../../src/lib/engine/groupKey';
import {
  accumulate,
  bucketFromJson,
  bucketToJson,
  createGroupAccumulator,
  mergeBucketInto,
  type Bucket,
  type GroupAccumulator,
} from '../../../../src/lib/engine/state/bucket';
import { bucketSummary } from '../../../support/enginePurePath';

const kinds: AggregateKind[] = ['countStar', 'count', 'countDistinct', 'sum', 'avg', 'min', 'max'];

/** A bucket from rows of [fine, key values, value]. */
function bucketOf(rows: readonly [number, unknown[], unknown][]): Bucket {
  const bucket: Bucket = new Map();
  for (const [fine, keyValues, value] of rows) {
    let groups = bucket.get(fine);
    if (!groups) bucket.set(fine, (groups = new Map<string, GroupAccumulator>()));
    const key = groupKeyOf(keyValues);
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = createGroupAccumulator(keyValues, kinds)));
    accumulate(
      acc,
      kinds,
      kinds.map(() => value),
    );
  }
  return bucket;
}

const rowArb = fc.tuple(
  fc.constantFrom(1000, 2000, 3000),
  fc.constantFrom<unknown[]>(['a'], ['b'], [null], [new Date(5)], [1]),
  fc.oneof(
    fc.double({ min: -1e100, max: 1e100, noNaN: true }).map((x) => (x === 0 ? 0 : x)),
    fc.constant(null),
    fc.constantFrom('s', 't'),
    fc.integer({ min: 0, max: 4 }).map((n) => new Date(n)),
  ),
);

describe('bucket', () => {
  it('survives its JSON form: same groups, key values (datetimes included) and partial results', () => {
    const bucket = bucketOf([
      [1000, ['a', new Date(7)], 1.5],
      [1000, ['a', new Date(7)], null],
      [1000, [null, 2], 'x'],
      [2000, ['b', true], new Date(3)],
    ]);
    const restored = bucketFromJson(bucketToJson(bucket, kinds), kinds, groupKeyOf);
    expect(bucketSummary(restored, kinds)).toEqual(bucketSummary(bucket, kinds));
    const acc = restored.get(1000)!.get(groupKeyOf(['a', new Date(7)]))!;
    expect(acc.keyValues[1]).toBeInstanceOf(Date);
    expect(partialResult('countStar', acc.partials[0]!)).toBe(2);
    expect(partialResult('sum', acc.partials[3]!)).toBe(1.5);
  });

  it('merging buckets equals one bucket of all rows, in either order, and leaves the source untouched (property)', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 30 }), fc.nat(), (rows, cut) => {
        const at = cut % (rows.length + 1);
        const left = bucketOf(rows.slice(0, at));
        const right = bucketOf(rows.slice(at));
        const rightBefore = bucketToJson(right, kinds);
        const target: Bucket = new Map();
        mergeBucketInto(target, right, kinds);
        mergeBucketInto(target, left, kinds);
        expect(bucketSummary(target, kinds)).toEqual(bucketSummary(bucketOf(rows), kinds));
        // Merging more into the target must not change the source it was built from.
        mergeBucketInto(target, bucketOf(rows), kinds);
        expect(bucketToJson(right, kinds)).toBe(rightBefore);
      }),
      { numRuns: 200 },
    );
  });
});
