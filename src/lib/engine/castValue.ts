import { toEpochMs } from './toEpochMs';
import { scalarToString } from './values';

/** ASA's data types, as named in CAST and CREATE TABLE. */
export type AsaType = 'bigint' | 'float' | 'nvarchar(max)' | 'datetime' | 'bit' | 'record' | 'array';

const aliases: Readonly<Record<string, AsaType>> = {
  bigint: 'bigint',
  float: 'float',
  'nvarchar(max)': 'nvarchar(max)',
  nvarchar: 'nvarchar(max)',
  datetime: 'datetime',
  bit: 'bit',
  record: 'record',
  array: 'array',
};

/** The ASA type a type name denotes (case- and space-insensitive), or undefined. */
export function parseAsaType(name: string): AsaType | undefined {
  return aliases[name.toLowerCase().replace(/\s+/g, '')];
}

/** Marks a failed conversion (distinct from a NULL input). */
export const castFailed: unique symbol = Symbol('castFailed');

/**
 * Converts a value to an ASA type as CAST does: NULL stays NULL; strings of digits become bigint;
 * floats truncate toward zero into bigint; ISO-8601 text becomes datetime; anything that does not
 * convert gives {@link castFailed}.
 */
export function castValue(value: unknown, type: AsaType): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'bigint': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)
            ? Number(value)
            : NaN;
      return Number.isFinite(n) ? Math.trunc(n) : castFailed;
    }
    case 'float': {
      if (typeof value === 'boolean') return value ? 1 : 0;
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)
            ? Number(value)
            : NaN;
      return Number.isFinite(n) ? n : castFailed;
    }
    case 'nvarchar(max)':
      return scalarToString(value);
    case 'datetime': {
      const ms = toEpochMs(value);
      return ms === undefined ? castFailed : new Date(ms);
    }
    case 'bit':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      if (typeof value === 'string') {
        const v = value.trim().toLowerCase();
        if (v === 'true' || v === '1') return true;
        if (v === 'false' || v === '0') return false;
      }
      return castFailed;
    case 'record':
      return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
        ? value
        : castFailed;
    case 'array':
      return Array.isArray(value) ? value : castFailed;
  }
}
