import type { EventRecord } from './values';

/** Reads a field from a record. ASA matches column names without regard to case; a missing field is NULL. */
export type FieldReader = (record: EventRecord) => unknown;

function readOne(value: unknown, name: string, lower: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  // Exact match first: the overwhelmingly common case costs one property lookup.
  const exact = obj[name];
  if (exact !== undefined) return exact;
  for (const key in obj) {
    if (key.length === lower.length && key.toLowerCase() === lower) return obj[key];
  }
  return undefined;
}

/**
 * Compiles a (possibly nested, dotted) field path into a reader.
 * @param path - one name per nesting level, e.g. ['device', 'os'] for `device.os`
 */
export function createFieldReader(path: readonly string[]): FieldReader {
  if (path.length === 0) throw new RangeError('path: expected at least one field name, received none');
  const names = path.map((p) => ({ name: p, lower: p.toLowerCase() }));
  if (names.length === 1) {
    const { name, lower } = names[0]!;
    return (record) => {
      const v = readOne(record, name, lower);
      return v === undefined ? null : v;
    };
  }
  return (record) => {
    let current: unknown = record;
    for (const { name, lower } of names) {
      current = readOne(current, name, lower);
      if (current === undefined) return null;
    }
    return current;
  };
}
