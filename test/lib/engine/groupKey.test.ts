import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { groupKeyOf } from '../../../src/lib/engine/groupKey';
import { canonicalKey } from '../../../src/lib/engine/values';

const scalarArb = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.constantFrom(0, -0, 1, 1.5, 10, -1),
  fc.constantFrom('', 'a', 'A', '1', 'n', 'f1', '1:a', ':', '2:sa', 'sa'),
  fc.constantFrom(0, 1, 10).map((n) => new Date(n)),
  fc.constantFrom({ a: 1 }, [1], ['a']),
);

describe('groupKeyOf', () => {
  it.each<[string, unknown[], unknown[]]>([
    ['NULL and a missing value are one group', [null], [undefined]],
    ['0 and -0 are one group', [0, 'x'], [-0, 'x']],
    ['datetimes of one instant are one group', [new Date(5)], [new Date(5)]],
  ])('%s', (_description, a, b) => {
    expect(groupKeyOf(a)).toBe(groupKeyOf(b));
  });

  it.each<[string, unknown[], unknown[]]>([
    ['a number and its text', [1], ['1']],
    ['NULL and the text "n"', [null], ['n']],
    ['true and 1', [true], [1]],
    ['a datetime and its epoch number', [new Date(5)], [5]],
    ['strings differing in case', ['a'], ['A']],
    ['tuples whose joined texts would collide', ['1:a', 'b'], ['1', 'a:b']],
    ['tuples that shift a separator', ['2:sa', ''], ['', '2:sa']],
  ])('tells apart %s', (_description, a, b) => {
    expect(groupKeyOf(a)).not.toBe(groupKeyOf(b));
  });

  it('is equal for two tuples exactly when their values are pairwise equal (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 3 })
          .chain((n) =>
            fc.tuple(
              fc.array(scalarArb, { minLength: n, maxLength: n }),
              fc.array(scalarArb, { minLength: n, maxLength: n }),
            ),
          ),
        ([a, b]) => {
          const pairwiseEqual = a.every((v, i) => canonicalKey(v) === canonicalKey(b[i]));
          expect(groupKeyOf(a) === groupKeyOf(b)).toBe(pairwiseEqual);
        },
      ),
      { numRuns: 500 },
    );
  });
});
