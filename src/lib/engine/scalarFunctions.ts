import { castFailed, castValue, parseAsaType } from './castValue';
import { dateFunctions } from './dateFunctions';
import { stringFunctions } from './stringFunctions';
import { valueFunctions } from './valueFunctions';
import { scalarToString } from './values';

/** A scalar function callable from a query. Arguments arrive evaluated; NULL in gives NULL out unless noted. */
export interface ScalarFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly impl: (args: readonly unknown[]) => unknown;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : scalarToString(v));

const strict =
  (f: (args: readonly unknown[]) => unknown) =>
  (args: readonly unknown[]): unknown =>
    args.some((a) => a === null || a === undefined) ? null : f(args);

/** The built-in scalar functions, by lower-case name. The ASA SQL compiler extends this table. */
export const scalarFunctions: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  ['lower', { minArgs: 1, maxArgs: 1, impl: strict(([v]) => str(v)!.toLowerCase()) }],
  ['upper', { minArgs: 1, maxArgs: 1, impl: strict(([v]) => str(v)!.toUpperCase()) }],
  // LEN excludes trailing blanks (ASA, T-SQL).
  ['len', { minArgs: 1, maxArgs: 1, impl: strict(([v]) => str(v)!.replace(/ +$/, '').length) }],
  // CONCAT treats NULL as the empty string, as T-SQL and ASA do.
  ['concat', { minArgs: 1, maxArgs: 64, impl: (args) => args.map((a) => str(a) ?? '').join('') }],
  [
    'coalesce',
    { minArgs: 1, maxArgs: 64, impl: (args) => args.find((a) => a !== null && a !== undefined) ?? null },
  ],
  ['abs', { minArgs: 1, maxArgs: 1, impl: strict(([v]) => (typeof v === 'number' ? Math.abs(v) : null)) }],
  [
    'floor',
    { minArgs: 1, maxArgs: 1, impl: strict(([v]) => (typeof v === 'number' ? Math.floor(v) : null)) },
  ],
  // CAST(x AS type) compiles to cast(x, 'type'). A value that does not convert gives NULL here; the
  // SQL compiler decides what a failed CAST means for the event (ASA counts a conversion error).
  ['cast', { minArgs: 2, maxArgs: 2, impl: ([v, t]) => castOrNull(v, t) }],
  ['try_cast', { minArgs: 2, maxArgs: 2, impl: ([v, t]) => castOrNull(v, t) }],
  [
    'ceiling',
    { minArgs: 1, maxArgs: 1, impl: strict(([v]) => (typeof v === 'number' ? Math.ceil(v) : null)) },
  ],
  ...stringFunctions,
  ...dateFunctions,
  ...valueFunctions,
]);

function castOrNull(value: unknown, typeName: unknown): unknown {
  const type = typeof typeName === 'string' ? parseAsaType(typeName) : undefined;
  if (!type)
    throw new RangeError(
      `CAST: expected a type (bigint, float, nvarchar(max), datetime, bit, record, array), received ${JSON.stringify(typeName)}`,
    );
  const result = castValue(value, type);
  return result === castFailed ? null : result;
}
