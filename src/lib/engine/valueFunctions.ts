import { createFieldReader, type FieldReader } from './fieldAccess';
import type { ScalarFunction } from './scalarFunctions';
import { compareScalars } from './values';

const readers = new Map<string, FieldReader>();

function readerFor(name: string): FieldReader {
  let reader = readers.get(name);
  if (!reader) {
    reader = createFieldReader([name]);
    if (readers.size >= 1024) readers.clear();
    readers.set(name, reader);
  }
  return reader;
}

const isNull = (v: unknown): boolean => v === null || v === undefined;

/** NULLIF and GetRecordPropertyValue. */
export const valueFunctions: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  [
    'nullif',
    {
      minArgs: 2,
      maxArgs: 2,
      impl: ([a, b]) => {
        if (isNull(a)) return null;
        const sameType =
          typeof a === typeof b && (typeof a !== 'object' || (a instanceof Date && b instanceof Date));
        return !isNull(b) && sameType && compareScalars(a, b) === 0 ? null : a;
      },
    },
  ],
  [
    // GetRecordPropertyValue(record, name): one property of a record, its name matched as column names are
    // (exactly, else without regard to case); NULL when absent or when the first argument is not a record.
    'getrecordpropertyvalue',
    {
      minArgs: 2,
      maxArgs: 2,
      impl: ([record, name]) => {
        if (record === null || typeof record !== 'object' || Array.isArray(record) || record instanceof Date)
          return null;
        if (typeof name !== 'string' || name.length === 0) return null;
        return readerFor(name)(record as Record<string, unknown>);
      },
    },
  ],
]);
