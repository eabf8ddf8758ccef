import { likePatternIndex, likePatternRegExp } from './likePattern';
import type { ScalarFunction } from './scalarFunctions';
import { scalarToString } from './values';

/**
 * ASA's string functions beyond the basic ones of scalarFunctions.ts. Positions are 1-based and count
 * UTF-16 code units (as .NET strings do); comparisons are ordinal (case-sensitive). NULL in gives NULL
 * out. A negative length fails the evaluation (ASA: "an error is generated and the statement is
 * terminated").
 */

const text = (v: unknown): string => scalarToString(v);

const integer = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : null;

/** Unicode white space as .NET's Char.IsWhiteSpace defines it (what ASA's TRIM removes). */
const whiteSpace =
  '\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const leadingWhiteSpace = new RegExp(`^[${whiteSpace}]+`);
const trailingWhiteSpace = new RegExp(`[${whiteSpace}]+$`);

const strict =
  (f: (args: readonly unknown[]) => unknown) =>
  (args: readonly unknown[]): unknown =>
    args.some((a) => a === null || a === undefined) ? null : f(args);

function nonNegativeLength(fn: string, v: unknown): number | null {
  const n = integer(v);
  if (n !== null && n < 0) throw new RangeError(`${fn}: expected a length >= 0, received ${n}`);
  return n;
}

/** SUBSTRING(expression, start, length), T-SQL rules for a start below 1. */
function substring(value: string, start: number, length: number): string {
  const from = Math.max(start, 1);
  const to = start + length;
  return to <= from ? '' : value.slice(from - 1, to - 1);
}

export const stringFunctions: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  [
    'substring',
    {
      minArgs: 3,
      maxArgs: 3,
      impl: strict(([v, s, l]) => {
        const start = integer(s);
        const length = nonNegativeLength('SUBSTRING', l);
        return start === null || length === null ? null : substring(text(v), start, length);
      }),
    },
  ],
  [
    'left',
    {
      minArgs: 2,
      maxArgs: 2,
      impl: strict(([v, l]) => {
        const length = nonNegativeLength('LEFT', l);
        return length === null ? null : text(v).slice(0, length);
      }),
    },
  ],
  [
    'right',
    {
      minArgs: 2,
      maxArgs: 2,
      impl: strict(([v, l]) => {
        const length = nonNegativeLength('RIGHT', l);
        if (length === null) return null;
        const s = text(v);
        return length === 0 ? '' : s.slice(Math.max(0, s.length - length));
      }),
    },
  ],
  [
    'charindex',
    {
      minArgs: 2,
      maxArgs: 3,
      impl: strict(([find, search, start]) => {
        const f = text(find);
        if (f.length === 0) return 0;
        const from = start === undefined ? 1 : integer(start);
        if (from === null) return null;
        return text(search).indexOf(f, Math.max(from, 1) - 1) + 1;
      }),
    },
  ],
  ['patindex', { minArgs: 2, maxArgs: 2, impl: strict(([p, v]) => likePatternIndex(text(p), text(v))) }],
  [
    'replace',
    {
      minArgs: 3,
      maxArgs: 3,
      impl: strict(([v, p, r]) => {
        const pattern = text(p);
        return pattern.length === 0 ? text(v) : text(v).split(pattern).join(text(r));
      }),
    },
  ],
  [
    'trim',
    {
      minArgs: 1,
      maxArgs: 1,
      impl: strict(([v]) => text(v).replace(leadingWhiteSpace, '').replace(trailingWhiteSpace, '')),
    },
  ],
  ['ltrim', { minArgs: 1, maxArgs: 1, impl: strict(([v]) => text(v).replace(leadingWhiteSpace, '')) }],
  ['rtrim', { minArgs: 1, maxArgs: 1, impl: strict(([v]) => text(v).replace(trailingWhiteSpace, '')) }],
  // `x LIKE pattern` compiles to like(x, pattern).
  ['like', { minArgs: 2, maxArgs: 2, impl: strict(([v, p]) => likePatternRegExp(text(p)).test(text(v))) }],
]);
