/**
 * Values flowing through a query. A record is a parsed JSON object, so field values are JSON values;
 * expressions add datetimes (System.Timestamp, DATEADD, ...), held as `Date`.
 */
export type Scalar =
  null | boolean | number | string | Date | readonly unknown[] | { readonly [key: string]: unknown };

/** A record as ASA sees it: a JSON object, read by field name without regard to case. */
export type EventRecord = { readonly [key: string]: unknown };

const typeRank = (value: unknown): number => {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    case 'string':
      return 4;
    default:
      return value instanceof Date ? 3 : 5;
  }
};

/**
 * Total order over scalars used by MIN, MAX and comparisons: NULL < booleans < numbers < datetimes <
 * strings < records/arrays; values of one type compare naturally (strings ordinally, as ASA does).
 */
export function compareScalars(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return Number(a) - Number(b);
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return (a as Date).getTime() - (b as Date).getTime();
    case 4:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    default: {
      const sa = JSON.stringify(a);
      const sb = JSON.stringify(b);
      return sa < sb ? -1 : sa > sb ? 1 : 0;
    }
  }
}

/**
 * A JSON-safe encoding of a scalar that round-trips through {@link decodeScalar}: datetimes become
 * `{"$d": epochMs}`, everything else is already JSON. Used for stored partials and group keys.
 */
export function encodeScalar(value: unknown): unknown {
  if (value instanceof Date) return { $d: value.getTime() };
  if (value === undefined) return null;
  return value;
}

/** Inverse of {@link encodeScalar}. */
export function decodeScalar(value: unknown): Scalar {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const d = (value as { $d?: unknown }).$d;
    if (typeof d === 'number' && Object.keys(value).length === 1) return new Date(d);
  }
  return value as Scalar;
}

/**
 * A canonical string for equality of scalars (group keys, COUNT(DISTINCT)). Numbers compare by value
 * (1 and 1.0 are equal in JSON anyway); datetimes by instant; strings exactly (ASA compares values
 * case-sensitively; only column names are case-insensitive).
 */
export function canonicalKey(value: unknown): string {
  if (value === undefined || value === null) return 'n';
  switch (typeof value) {
    case 'string':
      return 's' + value;
    case 'number':
      return 'f' + (Object.is(value, -0) ? '0' : String(value));
    case 'boolean':
      return value ? 'b1' : 'b0';
    default:
      return value instanceof Date ? 'd' + String(value.getTime()) : 'j' + JSON.stringify(value);
  }
}

/** Formats epoch milliseconds as ISO-8601 UTC with milliseconds, the replay output's datetime form. */
export function formatIsoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Converts a computed value into the JSON written to outputs: datetimes as ISO-8601 UTC with ms. */
export function toOutputValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

/** Text of a scalar as ASA casts it to nvarchar: datetimes as ISO-8601, records and arrays as JSON. */
export function scalarToString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    case 'undefined':
      return '';
    default:
      if (value === null) return '';
      return value instanceof Date ? value.toISOString() : JSON.stringify(value);
  }
}
