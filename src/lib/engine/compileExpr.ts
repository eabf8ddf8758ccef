import type { Expr } from './expr';
import { createFieldReader } from './fieldAccess';
import { scalarFunctions } from './scalarFunctions';
import { compareScalars, type EventRecord } from './values';

/** What an expression sees when it runs. */
export interface EvalContext {
  readonly record: EventRecord;
  /** System.Timestamp of the row, epoch milliseconds. */
  readonly timestampMs: number;
  /** Final values of the statement's aggregates, by slot (only for grouped output rows). */
  readonly aggregates?: readonly unknown[];
  /** The group's key values, by GROUP BY position (only for grouped output rows). */
  readonly groupKeys?: readonly unknown[];
}

export type Evaluator = (ctx: EvalContext) => unknown;

/** How a grouped statement's output expressions reach group keys and aggregates. */
export interface CompileExprOptions {
  /** Maps an aggregate node to its slot in {@link EvalContext.aggregates}. */
  readonly resolveAggregate?: (node: Extract<Expr, { kind: 'aggregate' }>) => number;
  /** Returns an evaluator to use instead of compiling `node` (a group key read from the group). */
  readonly substitute?: (node: Expr) => Evaluator | undefined;
}

const isNull = (v: unknown): boolean => v === null || v === undefined;

function comparable(a: unknown, b: unknown): boolean {
  if (typeof a === typeof b) return typeof a !== 'object' || (a instanceof Date && b instanceof Date);
  return false;
}

/**
 * Compiles an expression tree into a closure. SQL NULL semantics: arithmetic and comparisons with NULL
 * give NULL; AND/OR are three-valued; a WHERE or HAVING keeps a row only when its condition is TRUE.
 */
export function compileExpr(expr: Expr, options: CompileExprOptions = {}): Evaluator {
  const substituted = options.substitute?.(expr);
  if (substituted) return substituted;
  const c = (x: Expr): Evaluator => compileExpr(x, options);
  const resolveAggregate = options.resolveAggregate;
  switch (expr.kind) {
    case 'literal': {
      const v = expr.value;
      return () => v;
    }
    case 'field': {
      const read = createFieldReader(expr.path);
      return (ctx) => read(ctx.record);
    }
    case 'systemTimestamp':
      return (ctx) => new Date(ctx.timestampMs);
    case 'aggregate': {
      if (!resolveAggregate) {
        throw new TypeError(
          `aggregate ${expr.fn.toUpperCase()}: expected only in a grouped SELECT or HAVING`,
        );
      }
      const slot = resolveAggregate(expr);
      return (ctx) => ctx.aggregates?.[slot] ?? null;
    }
    case 'unary': {
      const operand = c(expr.operand);
      switch (expr.op) {
        case 'not':
          return (ctx) => {
            const v = operand(ctx);
            return isNull(v) ? null : !v;
          };
        case 'negate':
          return (ctx) => {
            const v = operand(ctx);
            return typeof v === 'number' ? -v : null;
          };
        case 'isNull':
          return (ctx) => isNull(operand(ctx));
        case 'isNotNull':
          return (ctx) => !isNull(operand(ctx));
      }
      break;
    }
    case 'binary': {
      const left = c(expr.left);
      const right = c(expr.right);
      switch (expr.op) {
        case 'and':
          return (ctx) => {
            const l = left(ctx);
            if (l === false) return false;
            const r = right(ctx);
            if (r === false) return false;
            return isNull(l) || isNull(r) ? null : true;
          };
        case 'or':
          return (ctx) => {
            const l = left(ctx);
            if (l === true) return true;
            const r = right(ctx);
            if (r === true) return true;
            return isNull(l) || isNull(r) ? null : false;
          };
        case '+':
        case '-':
        case '*':
        case '/':
        case '%': {
          const op = expr.op;
          return (ctx) => {
            const l = left(ctx);
            const r = right(ctx);
            if (typeof l !== 'number' || typeof r !== 'number') return null;
            switch (op) {
              case '+':
                return l + r;
              case '-':
                return l - r;
              case '*':
                return l * r;
              case '/':
                return r === 0 ? null : l / r;
              case '%':
                return r === 0 ? null : l % r;
            }
          };
        }
        default: {
          const op = expr.op;
          return (ctx) => {
            const l = left(ctx);
            const r = right(ctx);
            if (isNull(l) || isNull(r) || !comparable(l, r)) return null;
            const cmp = compareScalars(l, r);
            switch (op) {
              case '=':
                return cmp === 0;
              case '<>':
                return cmp !== 0;
              case '<':
                return cmp < 0;
              case '<=':
                return cmp <= 0;
              case '>':
                return cmp > 0;
              case '>=':
                return cmp >= 0;
            }
          };
        }
      }
    }
    case 'call': {
      const fn = scalarFunctions.get(expr.name.toLowerCase());
      if (!fn) {
        throw new RangeError(
          `function ${expr.name}: expected one of ${[...scalarFunctions.keys()].join(', ')}, received ${expr.name}`,
        );
      }
      if (expr.args.length < fn.minArgs || expr.args.length > fn.maxArgs) {
        throw new RangeError(
          `function ${expr.name}: expected ${fn.minArgs}..${fn.maxArgs} arguments, received ${expr.args.length}`,
        );
      }
      const args = expr.args.map(c);
      const impl = fn.impl;
      return (ctx) => impl(args.map((a) => a(ctx)));
    }
    case 'case': {
      const branches = expr.branches.map((b) => ({ when: c(b.when), then: c(b.then) }));
      const otherwise = expr.otherwise ? c(expr.otherwise) : () => null;
      return (ctx) => {
        for (const b of branches) if (b.when(ctx) === true) return b.then(ctx);
        return otherwise(ctx);
      };
    }
  }
}
