/** Column types of a Power BI push table. */
export type PowerBiDataType = 'Int64' | 'Double' | 'Boolean' | 'DateTime' | 'String';

export interface PowerBiColumn {
  readonly name: string;
  readonly dataType: PowerBiDataType;
}

/** Power BI push limits (push-datasets-limitations). */
export const powerBiLimits = {
  columnsPerTable: 75,
  rowsPerPost: 10_000,
  postsPerMinute: 120,
  rowsPerHour: 1_000_000,
  charactersPerString: 4_000,
  /** Rows a table keeps under the basicFIFO retention policy. */
  fifoRows: 200_000,
} as const;

/** ASA's output types, as named in its Power BI type mapping. */
export type AsaType = 'bigint' | 'float' | 'datetime' | 'nvarchar(max)' | 'bit' | 'record' | 'array';

/**
 * ASA's Power BI type mapping: bigint -> Int64, float -> Double, datetime -> DateTime,
 * nvarchar(max) -> String; records and arrays become String; bit -> Boolean.
 */
export function powerBiTypeOf(asaType: AsaType): PowerBiDataType {
  switch (asaType) {
    case 'bigint':
      return 'Int64';
    case 'float':
      return 'Double';
    case 'datetime':
      return 'DateTime';
    case 'bit':
      return 'Boolean';
    case 'nvarchar(max)':
    case 'record':
    case 'array':
      return 'String';
  }
}

const isoDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The ASA type of an output value (rows carry datetimes as ISO-8601 strings); undefined for NULL,
 * which says nothing about the column.
 */
export function asaTypeOfValue(value: unknown): AsaType | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? 'bigint' : 'float';
    case 'bigint':
      return 'bigint';
    case 'boolean':
      return 'bit';
    case 'string':
      return isoDateTime.test(value) ? 'datetime' : 'nvarchar(max)';
    default:
      return value instanceof Date ? 'datetime' : Array.isArray(value) ? 'array' : 'record';
  }
}

/** The narrowest type holding both: Int64 widens to Double, anything else mixed to String. */
export function widen(
  a: PowerBiDataType | undefined,
  b: PowerBiDataType | undefined,
): PowerBiDataType | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  if ((a === 'Int64' && b === 'Double') || (a === 'Double' && b === 'Int64')) return 'Double';
  return 'String';
}

/**
 * Infers (or widens) a table's columns from rows, as ASA infers its Power BI schema from the first
 * events: columns keep their first-seen order, new ones are appended. A column seen only as NULL is
 * String. Throws RangeError beyond 75 columns.
 */
export function inferColumns(
  rows: readonly Readonly<Record<string, unknown>>[],
  existing: readonly PowerBiColumn[] = [],
): PowerBiColumn[] {
  const types = new Map<string, PowerBiDataType | undefined>(existing.map((c) => [c.name, c.dataType]));
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      const asa = asaTypeOfValue(value);
      types.set(name, widen(types.get(name), asa === undefined ? undefined : powerBiTypeOf(asa)));
    }
  }
  if (types.size > powerBiLimits.columnsPerTable) {
    throw new RangeError(
      `Power BI table: expected at most ${powerBiLimits.columnsPerTable} columns, received ${types.size}`,
    );
  }
  return [...types].map(([name, t]) => ({ name, dataType: t ?? 'String' }));
}

/** Whether `next` differs from `current` (a type widened or a column added). */
export function schemaChanged(current: readonly PowerBiColumn[], next: readonly PowerBiColumn[]): boolean {
  return (
    current.length !== next.length ||
    current.some((c, i) => c.name !== next[i]?.name || c.dataType !== next[i]?.dataType)
  );
}

/**
 * A row as Power BI takes it: records and arrays as JSON text, strings cut to 4,000 characters,
 * numbers in a String column as text; columns absent from the schema are dropped.
 */
export function toPowerBiRow(
  row: Readonly<Record<string, unknown>>,
  columns: readonly PowerBiColumn[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v = row[c.name];
    if (v === undefined || v === null) {
      out[c.name] = null;
      continue;
    }
    let value: unknown = v instanceof Date ? v.toISOString() : v;
    if (c.dataType === 'String' && typeof value !== 'string') value = JSON.stringify(value);
    if (typeof value === 'string' && value.length > powerBiLimits.charactersPerString) {
      value = value.slice(0, powerBiLimits.charactersPerString);
    }
    out[c.name] = value;
  }
  return out;
}
