import { it } from 'vitest';
import { addToExactSum, createExactSum, roundExactSum } from '../../../src/lib/engine/aggregates/exactSum';
import { ceilToGrid, containingWindowEnds } from '../../../src/lib/engine/windows';
it('scratch', () => {
  const s = createExactSum();
  addToExactSum(s, Number.MAX_VALUE); addToExactSum(s, Number.MAX_VALUE);
  console.log(s, roundExactSum(s));
  const s2 = createExactSum();
  addToExactSum(s2, Number.MAX_VALUE); addToExactSum(s2, Number.MAX_VALUE); addToExactSum(s2, -Number.MAX_VALUE);
  console.log(s2, roundExactSum(s2));
  console.log(Object.is(ceilToGrid(-5, 10, 0), -0), containingWindowEnds(0, 10, 3, 0), containingWindowEnds(10, 10, 10, -1));
});
