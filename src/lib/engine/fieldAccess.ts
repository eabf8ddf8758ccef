import type { EventRecord } from './values';

/** Reads a field from a record. ASA matches column names without regard to case; a missing field is NULL. */
export type FieldReader = (record: EventRecord) => unknown;

/** One path segment, remembering the spelling it last matched: records of a stream share a schema. */
interface Segment {
  readonly name: string;
  readonly lower: string;
  lastMatch: string;
}

function readOne(value: unknown, segment: Segment): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  // Own properties only: a field named "constructor" or "__proto__" that is absent is NULL.
  const exact = obj[segment.name];
  if (exact !== undefined && Object.hasOwn(obj, segment.name)) return exact;
  // Then the spelling that matched last time: for a stream of same-shaped records, one more lookup.
  const remembered = obj[segment.lastMatch];
  if (remembered !== undefined && Object.hasOwn(obj, segment.lastMatch)) return remembered;
  const lower = segment.lower;
  for (const key in obj) {
    if (key.length === lower.length && Object.hasOwn(obj, key) && key.toLowerCase() === lower) {
      segment.lastMatch = key;
      return obj[key];
    }
  }
  return undefined;
}

/**
 * Compiles a (possibly nested, dotted) field path into a reader.
 * @param path - one name per nesting level, e.g. ['device', 'os'] for `device.os`
 */
export function createFieldReader(path: readonly string[]): FieldReader {
  if (path.length === 0) throw new RangeError('path: expected at least one field name, received none');
  const segments: Segment[] = path.map((p) => ({ name: p, lower: p.toLowerCase(), lastMatch: p }));
  if (segments.length === 1) {
    const segment = segments[0]!;
    return (record) => {
      const v = readOne(record, segment);
      return v === undefined ? null : v;
    };
  }
  return (record) => {
    let current: unknown = record;
    for (const segment of segments) {
      current = readOne(current, segment);
      if (current === undefined) return null;
    }
    return current;
  };
}
