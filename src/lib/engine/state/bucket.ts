import {
  addToPartial,
  createPartial,
  mergePartials,
  partialFromJson,
  partialToJson,
  type AggregateKind,
  type Partial,
} from '../aggregates/aggregate';
import { decodeScalar, encodeScalar } from '../values';

/** One group's running aggregates. */
export interface GroupAccumulator {
  readonly keyValues: readonly unknown[];
  partials: Partial[];
}

/**
 * Partial aggregates of one statement inside one storage bucket: fine time (a window end, or an event
 * time for sliding, session and snapshot windows) to canonical group key to accumulator.
 */
export type Bucket = Map<number, Map<string, GroupAccumulator>>;

export function createGroupAccumulator(
  keyValues: readonly unknown[],
  kinds: readonly AggregateKind[],
): GroupAccumulator {
  return { keyValues, partials: kinds.map(createPartial) };
}

export function accumulate(
  acc: GroupAccumulator,
  kinds: readonly AggregateKind[],
  values: readonly unknown[],
): void {
  for (let i = 0; i < kinds.length; i++)
    acc.partials[i] = addToPartial(kinds[i]!, acc.partials[i]!, values[i]);
}

/** Merges `source` into `target`, never aliasing source partials (target gets fresh ones). */
export function mergeBucketInto(target: Bucket, source: Bucket, kinds: readonly AggregateKind[]): void {
  for (const [fine, groups] of source) {
    let t = target.get(fine);
    if (!t) target.set(fine, (t = new Map<string, GroupAccumulator>()));
    for (const [key, acc] of groups) {
      let ta = t.get(key);
      if (!ta) t.set(key, (ta = createGroupAccumulator(acc.keyValues, kinds)));
      for (let i = 0; i < kinds.length; i++)
        ta.partials[i] = mergePartials(kinds[i]!, ta.partials[i]!, acc.partials[i]!);
    }
  }
}

/** JSON text of a bucket: [[fine, [[keyValues, partials], ...]], ...]. Deterministic for equal input order. */
export function bucketToJson(bucket: Bucket, kinds: readonly AggregateKind[]): string {
  const out: unknown[] = [];
  for (const [fine, groups] of bucket) {
    const g: unknown[] = [];
    for (const acc of groups.values()) {
      g.push([acc.keyValues.map(encodeScalar), acc.partials.map((p, i) => partialToJson(kinds[i]!, p))]);
    }
    out.push([fine, g]);
  }
  return JSON.stringify(out);
}

export function bucketFromJson(
  text: string,
  kinds: readonly AggregateKind[],
  keyOf: (keyValues: readonly unknown[]) => string,
): Bucket {
  const parsed = JSON.parse(text) as [number, [unknown[], unknown[]][]][];
  const bucket: Bucket = new Map();
  for (const [fine, groups] of parsed) {
    const m = new Map<string, GroupAccumulator>();
    for (const [keyJson, partialsJson] of groups) {
      const keyValues = keyJson.map(decodeScalar);
      m.set(keyOf(keyValues), {
        keyValues,
        partials: partialsJson.map((p, i) => partialFromJson(kinds[i]!, p)),
      });
    }
    bucket.set(fine, m);
  }
  return bucket;
}
