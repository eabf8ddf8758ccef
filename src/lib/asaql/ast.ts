import type { SourcePosition } from './queryError';

/**
 * The syntax tree of an ASA query, as written: names keep their spelling, every node keeps its position.
 * The parser builds it for the whole grammar it knows; the compiler decides what it can run.
 */

/** One segment of a dotted name: `Input`, `[my field]`. */
export interface NameSegment {
  readonly name: string;
  readonly quoted: boolean;
  readonly pos: SourcePosition;
}

export interface OverClause {
  readonly pos: SourcePosition;
  readonly partitionBy: readonly ExprNode[];
  readonly orderBy: readonly { readonly expr: ExprNode; readonly descending: boolean }[];
  /** LIMIT DURATION(unit, n), kept as a call node. */
  readonly limitDuration?: CallNode;
  readonly when?: ExprNode;
}

export interface CallNode {
  readonly kind: 'call';
  readonly pos: SourcePosition;
  /** The function name segments: `COUNT`, or `udf`, `myFunction`. */
  readonly name: readonly NameSegment[];
  readonly args: readonly ExprNode[];
  /** COUNT(*). */
  readonly star: boolean;
  readonly quantifier?: 'distinct' | 'all';
  readonly over?: OverClause;
}

export type BinaryOperatorNode =
  '+' | '-' | '*' | '/' | '%' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'and' | 'or' | '&' | '|' | '^';

export type ExprNode =
  | {
      readonly kind: 'literal';
      readonly pos: SourcePosition;
      /** Numbers keep their text, so that the compiler can check their range. */
      readonly value:
        | { readonly type: 'number'; readonly text: string }
        | { readonly type: 'string'; readonly text: string }
        | { readonly type: 'null' };
    }
  | { readonly kind: 'name'; readonly pos: SourcePosition; readonly path: readonly NameSegment[] }
  /** System.Timestamp or System.Timestamp(). */
  | { readonly kind: 'systemTimestamp'; readonly pos: SourcePosition }
  | {
      readonly kind: 'unary';
      readonly pos: SourcePosition;
      readonly op: 'not' | 'negate' | 'plus' | 'bitNot';
      readonly operand: ExprNode;
    }
  | {
      readonly kind: 'binary';
      readonly pos: SourcePosition;
      readonly op: BinaryOperatorNode;
      readonly left: ExprNode;
      readonly right: ExprNode;
    }
  | {
      readonly kind: 'isNull';
      readonly pos: SourcePosition;
      readonly operand: ExprNode;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'between';
      readonly pos: SourcePosition;
      readonly operand: ExprNode;
      readonly low: ExprNode;
      readonly high: ExprNode;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'in';
      readonly pos: SourcePosition;
      readonly operand: ExprNode;
      readonly list: readonly ExprNode[];
      readonly negated: boolean;
    }
  | {
      readonly kind: 'like';
      readonly pos: SourcePosition;
      readonly operand: ExprNode;
      readonly pattern: ExprNode;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'case';
      readonly pos: SourcePosition;
      /** The simple form's input expression: CASE x WHEN v THEN ... */
      readonly operand?: ExprNode;
      readonly branches: readonly { readonly when: ExprNode; readonly then: ExprNode }[];
      readonly otherwise?: ExprNode;
    }
  | {
      readonly kind: 'cast';
      readonly pos: SourcePosition;
      readonly operand: ExprNode;
      /** The type as written, e.g. 'nvarchar(max)'. */
      readonly typeName: string;
      readonly typePos: SourcePosition;
      /** TRY_CAST. */
      readonly isTry: boolean;
    }
  | CallNode
  /** A property of a computed value: `System.Window().Id`, `GetArrayElement(a, 0).x`. */
  | {
      readonly kind: 'member';
      readonly pos: SourcePosition;
      readonly object: ExprNode;
      readonly member: NameSegment;
    };

export type SelectItemNode =
  | { readonly kind: 'star'; readonly pos: SourcePosition; readonly qualifier?: NameSegment }
  | {
      readonly kind: 'expr';
      readonly pos: SourcePosition;
      readonly expr: ExprNode;
      readonly alias?: NameSegment;
    };

export interface SourceNode {
  readonly pos: SourcePosition;
  readonly name: NameSegment;
  readonly alias?: NameSegment;
  readonly timestampBy?: {
    readonly pos: SourcePosition;
    readonly expr: ExprNode;
    /** TIMESTAMP BY ... OVER key, ... (substreams). */
    readonly over?: readonly ExprNode[];
  };
  readonly partitionBy?: { readonly pos: SourcePosition; readonly keys: readonly ExprNode[] };
}

export interface JoinNode {
  readonly pos: SourcePosition;
  readonly type: 'inner' | 'left' | 'right' | 'full' | 'cross';
  readonly source: SourceNode;
  readonly on?: ExprNode;
}

export interface ApplyNode {
  readonly pos: SourcePosition;
  readonly type: 'cross' | 'outer';
  readonly call: ExprNode;
  readonly alias?: NameSegment;
}

export interface SelectNode {
  readonly kind: 'select';
  readonly pos: SourcePosition;
  readonly quantifier?: { readonly pos: SourcePosition; readonly kind: 'distinct' | 'all' };
  readonly items: readonly SelectItemNode[];
  readonly into?: NameSegment;
  readonly from: SourceNode;
  readonly joins: readonly JoinNode[];
  readonly applies: readonly ApplyNode[];
  readonly where?: ExprNode;
  readonly groupBy?: { readonly pos: SourcePosition; readonly items: readonly ExprNode[] };
  readonly having?: ExprNode;
  /** UNION [ALL] with the next select. */
  readonly union?: { readonly pos: SourcePosition; readonly all: boolean; readonly select: SelectNode };
}

export interface CreateTableNode {
  readonly kind: 'createTable';
  readonly pos: SourcePosition;
  readonly name: NameSegment;
  readonly columns: readonly {
    readonly name: NameSegment;
    readonly typeName: string;
    readonly typePos: SourcePosition;
  }[];
}

export interface WithStepNode {
  readonly pos: SourcePosition;
  readonly name: NameSegment;
  readonly select: SelectNode;
}

/** A WITH clause: steps visible to every statement after it. */
export interface WithNode {
  readonly kind: 'with';
  readonly pos: SourcePosition;
  readonly steps: readonly WithStepNode[];
}

export type StatementNode = CreateTableNode | WithNode | SelectNode;

export interface ScriptNode {
  readonly statements: readonly StatementNode[];
}
