import { toEpochMs } from '../engine/toEpochMs';

/** A row that differs, with how many times it is extra (the multiset difference). */
export interface RowDifference {
  readonly row: Record<string, unknown>;
  readonly count: number;
}

/** A missing and an unexpected row that differ only in some columns, paired for a readable diff. */
export interface ChangedRow {
  readonly expected: Record<string, unknown>;
  readonly actual: Record<string, unknown>;
  /** Columns whose values differ (absent on one side counts as differing). */
  readonly columns: readonly string[];
}

export interface RowComparison {
  readonly equal: boolean;
  /** Expected rows not produced (beyond those paired in `changed`). */
  readonly missing: readonly RowDifference[];
  /** Produced rows not expected (beyond those paired in `changed`). */
  readonly unexpected: readonly RowDifference[];
  readonly changed: readonly ChangedRow[];
}

/**
 * A comparable form of a JSON value: strings that are ISO 8601 datetimes become their instant (so
 * "…:10.0000000Z" equals "…:10.000Z"); object keys are sorted; everything else compares exactly.
 */
export function comparableValue(value: unknown): unknown {
  if (typeof value === 'string') {
    const ms = toEpochMs(value);
    return ms === undefined ? value : { $instant: ms };
  }
  if (Array.isArray(value)) return value.map(comparableValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort())
      out[k] = comparableValue((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/**
 * A comparable form of an output row: column names without regard to case (ASA's column names are
 * case-insensitive, so a row cannot hold two that differ only in case), values by {@link comparableValue}.
 */
export function comparableRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(row).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))) {
    out[k.toLowerCase()] = comparableValue(row[k]);
  }
  return out;
}

const keyOf = (row: Record<string, unknown>): string => JSON.stringify(comparableRow(row));

function counts(
  rows: readonly Record<string, unknown>[],
): Map<string, { row: Record<string, unknown>; count: number }> {
  const m = new Map<string, { row: Record<string, unknown>; count: number }>();
  for (const row of rows) {
    const k = keyOf(row);
    const entry = m.get(k);
    if (entry) entry.count++;
    else m.set(k, { row, count: 1 });
  }
  return m;
}

/** Columns (named as in `a`, else `b`) whose values differ, matching names without regard to case. */
function differingColumns(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const ca = comparableRow(a);
  const cb = comparableRow(b);
  const names = new Map<string, string>();
  for (const k of [...Object.keys(b), ...Object.keys(a)]) names.set(k.toLowerCase(), k);
  return [...names.keys()]
    .filter(
      (c) =>
        !Object.hasOwn(ca, c) || !Object.hasOwn(cb, c) || JSON.stringify(ca[c]) !== JSON.stringify(cb[c]),
    )
    .map((c) => names.get(c)!);
}

/**
 * Compares expected and actual output rows as multisets (order does not matter, duplicates do),
 * datetimes as instants, column names without regard to case. Rows left over on both sides that share most of their values are paired as
 * changed rows, naming the differing columns.
 */
export function compareRowMultisets(
  expected: readonly Record<string, unknown>[],
  actual: readonly Record<string, unknown>[],
): RowComparison {
  const want = counts(expected);
  const got = counts(actual);
  const missing: { row: Record<string, unknown>; count: number }[] = [];
  const unexpected: { row: Record<string, unknown>; count: number }[] = [];
  for (const [k, w] of want) {
    const n = w.count - (got.get(k)?.count ?? 0);
    if (n > 0) missing.push({ row: w.row, count: n });
  }
  for (const [k, g] of got) {
    const n = g.count - (want.get(k)?.count ?? 0);
    if (n > 0) unexpected.push({ row: g.row, count: n });
  }
  const equal = missing.length === 0 && unexpected.length === 0;
  const changed: ChangedRow[] = [];
  for (const m of missing) {
    while (m.count > 0) {
      let best: { u: { row: Record<string, unknown>; count: number }; columns: string[] } | undefined;
      for (const u of unexpected) {
        if (u.count === 0) continue;
        const columns = differingColumns(m.row, u.row);
        const width = new Set([...Object.keys(m.row), ...Object.keys(u.row)].map((k) => k.toLowerCase()))
          .size;
        if (columns.length * 2 <= width && (!best || columns.length < best.columns.length))
          best = { u, columns };
      }
      if (!best) break;
      changed.push({ expected: m.row, actual: best.u.row, columns: best.columns });
      m.count--;
      best.u.count--;
    }
  }
  return {
    equal,
    missing: missing.filter((m) => m.count > 0),
    unexpected: unexpected.filter((u) => u.count > 0),
    changed,
  };
}
