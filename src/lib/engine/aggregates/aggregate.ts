import { canonicalKey, compareScalars, decodeScalar, encodeScalar } from '../values';
import { addToExactSum, createExactSum, mergeExactSum, roundExactSum, type ExactSum } from './exactSum';

/**
 * The aggregate kinds the engine accumulates. NULLs are ignored by all of them except COUNT(*).
 * Every kind is a commutative monoid (create, add, merge), so partials computed per batch and per
 * partition merge to exactly the one-pass result.
 */
export type AggregateKind = 'countStar' | 'count' | 'countDistinct' | 'sum' | 'avg' | 'min' | 'max';

interface SumPartial {
  n: number;
  sum: ExactSum;
}
/** An accumulator's in-memory partial state. Opaque outside this module. */
export type Partial = number | SumPartial | Set<string> | { v: unknown } | null;

const isNull = (v: unknown): boolean => v === null || v === undefined;

export function createPartial(kind: AggregateKind): Partial {
  switch (kind) {
    case 'countStar':
    case 'count':
      return 0;
    case 'countDistinct':
      return new Set<string>();
    case 'sum':
    case 'avg':
      return { n: 0, sum: createExactSum() };
    case 'min':
    case 'max':
      return null;
  }
}

/** Adds one row's argument value; returns the (possibly new) partial. */
export function addToPartial(kind: AggregateKind, partial: Partial, value: unknown): Partial {
  switch (kind) {
    case 'countStar':
      return (partial as number) + 1;
    case 'count':
      return isNull(value) ? partial : (partial as number) + 1;
    case 'countDistinct':
      if (!isNull(value)) (partial as Set<string>).add(canonicalKey(value));
      return partial;
    case 'sum':
    case 'avg': {
      // ASA's SUM/AVG take bigint or float; values of other types are ignored like NULL.
      if (typeof value !== 'number') return partial;
      const p = partial as SumPartial;
      p.n += 1;
      addToExactSum(p.sum, value);
      return p;
    }
    case 'min':
    case 'max': {
      if (isNull(value)) return partial;
      if (partial === null) return { v: value };
      const current = (partial as { v: unknown }).v;
      const cmp = compareScalars(value, current);
      if ((kind === 'min' && cmp < 0) || (kind === 'max' && cmp > 0)) return { v: value };
      return partial;
    }
  }
}

/** Merges `other` into `target`; returns the merged partial (target may be mutated). */
export function mergePartials(kind: AggregateKind, target: Partial, other: Partial): Partial {
  switch (kind) {
    case 'countStar':
    case 'count':
      return (target as number) + (other as number);
    case 'countDistinct':
      for (const k of other as Set<string>) (target as Set<string>).add(k);
      return target;
    case 'sum':
    case 'avg': {
      const t = target as SumPartial;
      const o = other as SumPartial;
      t.n += o.n;
      mergeExactSum(t.sum, o.sum);
      return t;
    }
    case 'min':
    case 'max':
      if (other === null) return target;
      return addToPartial(kind, target, (other as { v: unknown }).v);
  }
}

/** The aggregate's value for output. COUNT of nothing is 0; SUM, AVG, MIN, MAX of nothing are NULL. */
export function partialResult(kind: AggregateKind, partial: Partial): unknown {
  switch (kind) {
    case 'countStar':
    case 'count':
      return partial;
    case 'countDistinct':
      return (partial as Set<string>).size;
    case 'sum': {
      const p = partial as SumPartial;
      return p.n === 0 ? null : roundExactSum(p.sum);
    }
    case 'avg': {
      const p = partial as SumPartial;
      return p.n === 0 ? null : roundExactSum(p.sum) / p.n;
    }
    case 'min':
    case 'max':
      return partial === null ? null : (partial as { v: unknown }).v;
  }
}

/** A JSON form of a partial, for Table Storage; {@link partialFromJson} inverts it exactly. */
export function partialToJson(kind: AggregateKind, partial: Partial): unknown {
  switch (kind) {
    case 'countStar':
    case 'count':
      return partial;
    case 'countDistinct':
      return [...(partial as Set<string>)];
    case 'sum':
    case 'avg': {
      const p = partial as SumPartial;
      if (p.sum.big !== undefined) return [p.n, [], String(p.sum.special), p.sum.big.toString()];
      return p.sum.special === 0 ? [p.n, p.sum.partials] : [p.n, p.sum.partials, String(p.sum.special)];
    }
    case 'min':
    case 'max':
      return partial === null ? null : [encodeScalar((partial as { v: unknown }).v)];
  }
}

export function partialFromJson(kind: AggregateKind, json: unknown): Partial {
  const fail = (): never => {
    throw new TypeError(`partial (${kind}): expected its stored JSON form, received ${JSON.stringify(json)}`);
  };
  switch (kind) {
    case 'countStar':
    case 'count':
      return typeof json === 'number' ? json : fail();
    case 'countDistinct':
      return Array.isArray(json) ? new Set(json as string[]) : fail();
    case 'sum':
    case 'avg': {
      if (!Array.isArray(json) || typeof json[0] !== 'number' || !Array.isArray(json[1])) return fail();
      const special = json.length > 2 ? Number(json[2]) : 0;
      const sum = { partials: [...(json[1] as number[])], special };
      return { n: json[0], sum: json.length > 3 ? { ...sum, big: BigInt(json[3] as string) } : sum };
    }
    case 'min':
    case 'max':
      if (json === null) return null;
      return Array.isArray(json) ? { v: decodeScalar(json[0]) } : fail();
  }
}
