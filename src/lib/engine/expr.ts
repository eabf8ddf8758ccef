/**
 * Expression trees of the job model. The ASA SQL compiler (a later issue) targets these nodes; nothing
 * in the engine hard-codes a field name.
 */
export type Expr =
  | { readonly kind: 'literal'; readonly value: null | boolean | number | string }
  /** A field of the input record; `path` has one entry per nesting level. Case-insensitive. */
  | { readonly kind: 'field'; readonly path: readonly string[] }
  /** System.Timestamp(): the event time of the row, or the window end of a windowed aggregate. */
  | { readonly kind: 'systemTimestamp' }
  | { readonly kind: 'unary'; readonly op: UnaryOperator; readonly operand: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | {
      readonly kind: 'case';
      readonly branches: readonly { readonly when: Expr; readonly then: Expr }[];
      readonly otherwise?: Expr;
    }
  /** An aggregate over the rows of a group; only valid in a grouped statement's SELECT and HAVING. */
  | {
      readonly kind: 'aggregate';
      readonly fn: AggregateFunction;
      readonly arg?: Expr;
      readonly distinct?: boolean;
    };

export type UnaryOperator = 'not' | 'negate' | 'isNull' | 'isNotNull';
export type BinaryOperator =
  '+' | '-' | '*' | '/' | '%' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or';
/** COUNT without `arg` is COUNT(*). */
export type AggregateFunction = 'count' | 'sum' | 'avg' | 'min' | 'max';

/** Small constructors that keep job definitions readable. */
export const e = {
  field: (...path: string[]): Expr => ({ kind: 'field', path }),
  lit: (value: null | boolean | number | string): Expr => ({ kind: 'literal', value }),
  timestamp: (): Expr => ({ kind: 'systemTimestamp' }),
  bin: (op: BinaryOperator, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right }),
  not: (operand: Expr): Expr => ({ kind: 'unary', op: 'not', operand }),
  call: (name: string, ...args: Expr[]): Expr => ({ kind: 'call', name, args }),
  countStar: (): Expr => ({ kind: 'aggregate', fn: 'count' }),
  agg: (fn: AggregateFunction, arg: Expr, distinct = false): Expr => ({
    kind: 'aggregate',
    fn,
    arg,
    distinct,
  }),
};

/** The direct children of a node. */
export function directChildren(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'call':
      return [...expr.args];
    case 'case':
      return [...expr.branches.flatMap((b) => [b.when, b.then]), ...(expr.otherwise ? [expr.otherwise] : [])];
    case 'aggregate':
      return expr.arg ? [expr.arg] : [];
    case 'literal':
    case 'field':
    case 'systemTimestamp':
      return [];
  }
}

/** Calls `visit` on every node of the tree, parents before children. */
export function walkExpr(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case 'unary':
      walkExpr(expr.operand, visit);
      break;
    case 'binary':
      walkExpr(expr.left, visit);
      walkExpr(expr.right, visit);
      break;
    case 'call':
      for (const a of expr.args) walkExpr(a, visit);
      break;
    case 'case':
      for (const b of expr.branches) {
        walkExpr(b.when, visit);
        walkExpr(b.then, visit);
      }
      if (expr.otherwise) walkExpr(expr.otherwise, visit);
      break;
    case 'aggregate':
      if (expr.arg) walkExpr(expr.arg, visit);
      break;
    case 'literal':
    case 'field':
    case 'systemTimestamp':
      break;
  }
}

/** True when the tree contains an aggregate node. */
export function containsAggregate(expr: Expr): boolean {
  let found = false;
  walkExpr(expr, (n) => {
    if (n.kind === 'aggregate') found = true;
  });
  return found;
}
