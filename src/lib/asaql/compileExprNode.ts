import { parseAsaType } from '../engine/castValue';
import { parseDatePart } from '../engine/dateFunctions';
import { e, walkExpr, type AggregateFunction, type BinaryOperator, type Expr } from '../engine/expr';
import { exprKey } from '../engine/job';
import { scalarFunctions } from '../engine/scalarFunctions';
import { toEpochMs } from '../engine/toEpochMs';
import type { CallNode, ExprNode, NameSegment } from './ast';
import { QueryCompileError } from './queryCompileError';
import type { SourcePosition } from './queryError';

/** Where the names of an expression come from and what it may contain. */
export interface ExprScope {
  /** Lower-case names that may qualify a column: the FROM alias and the source's name. */
  readonly qualifiers: ReadonlySet<string>;
  /** Lower-case names of every input and step of the query: used as qualifiers out of scope, an error. */
  readonly knownSources: ReadonlySet<string>;
  /** The columns of the WITH step read; absent when fields are read from the input record. */
  readonly columns?: ReadonlyMap<string, Expr>;
  /** The step's name, for error messages. */
  readonly stepName?: string;
  /** Aggregates are allowed, or forbidden with the reason. */
  readonly aggregates: 'allowed' | { readonly forbiddenIn: string };
  /** HAVING: SELECT aliases, usable outside aggregates where they do not name a GROUP BY column. */
  readonly selectAliases?: {
    readonly byName: ReadonlyMap<string, Expr>;
    readonly groupKeys: ReadonlySet<string>;
  };
  /** Set where System.Timestamp() cannot appear (TIMESTAMP BY): the reason. */
  readonly timestampForbiddenIn?: string;
}

const aggregateFunctions: ReadonlySet<string> = new Set(['count', 'sum', 'avg', 'min', 'max']);

/** ASA functions the parser accepts that the compiler cannot run yet, with what they are. */
const unsupportedFunctions: Readonly<Record<string, string>> = {
  stdev: 'the STDEV aggregate',
  stdevp: 'the STDEVP aggregate',
  var: 'the VAR aggregate',
  varp: 'the VARP aggregate',
  topone: 'the TopOne() aggregate',
  collect: 'the Collect() aggregate',
  collecttop: 'the CollectTop() aggregate',
  percentile_cont: 'the PERCENTILE_CONT aggregate',
  percentile_disc: 'the PERCENTILE_DISC aggregate',
  lag: 'the LAG analytic function',
  last: 'the LAST analytic function',
  isfirst: 'the ISFIRST analytic function',
  anomalydetection_spikeanddip: 'AnomalyDetection_SpikeAndDip',
  anomalydetection_changepoint: 'AnomalyDetection_ChangePoint',
  getarrayelement: 'GetArrayElement',
  getarrayelements: 'GetArrayElements (CROSS APPLY)',
  getarraylength: 'GetArrayLength',
  getrecordproperties: 'GetRecordProperties (CROSS APPLY)',
  getmetadatapropertyvalue: 'GetMetadataPropertyValue',
  gettype: 'GetType',
  concat_ws: 'CONCAT_WS',
  datename: 'DATENAME',
  datetimefromparts: 'DATETIMEFROMPARTS',
  exp: 'EXP',
  power: 'POWER',
  round: 'ROUND',
  sign: 'SIGN',
  sqrt: 'SQRT',
  square: 'SQUARE',
  regexmatch: 'REGEXMATCH',
  replicate: 'REPLICATE',
  reverse: 'REVERSE',
  space: 'SPACE',
  stuff: 'STUFF',
  translate: 'TRANSLATE',
  unicode: 'UNICODE',
  nchar: 'NCHAR',
  json_parse: 'JSON_PARSE',
  createpoint: 'CreatePoint',
  createpolygon: 'CreatePolygon',
  createlinestring: 'CreateLineString',
  st_distance: 'ST_DISTANCE',
  st_intersects: 'ST_INTERSECTS',
  st_overlaps: 'ST_OVERLAPS',
  st_within: 'ST_WITHIN',
};

/** Window functions and their argument helpers: only valid inside GROUP BY (and LIMIT DURATION). */
export const windowFunctionNames: ReadonlySet<string> = new Set([
  'tumblingwindow',
  'tumbling',
  'hoppingwindow',
  'hopping',
  'slidingwindow',
  'sliding',
  'sessionwindow',
  'session',
  'windows',
  'window',
]);
const windowArgumentNames: ReadonlySet<string> = new Set([
  'duration',
  'hop',
  'offset',
  'timeout',
  'maxduration',
]);

/** DATEPART shorthands. */
const datePartFunctions: Readonly<Record<string, string>> = { year: 'year', month: 'month', day: 'day' };

const describeSegments = (path: readonly NameSegment[]): string => path.map((s) => s.name).join('.');
const invalid = (pos: SourcePosition, token: string, detail: string): QueryCompileError =>
  new QueryCompileError(pos, token, 'invalid', detail);
const unsupported = (pos: SourcePosition, token: string, detail: string): QueryCompileError =>
  new QueryCompileError(pos, token, 'unsupported', detail);

/** True when the tree reads System.Timestamp(). */
export function containsSystemTimestamp(expr: Expr): boolean {
  let found = false;
  walkExpr(expr, (n) => {
    if (n.kind === 'systemTimestamp') found = true;
  });
  return found;
}

/** The lower-case name of a call with a one-segment name, or undefined for dotted names (UDFs). */
export function simpleCallName(node: CallNode): string | undefined {
  return node.name.length === 1 ? node.name[0]!.name.toLowerCase() : undefined;
}

/**
 * Compiles an expression of the syntax tree into the engine's expression tree, resolving names in
 * `scope`. Throws a {@link QueryCompileError} at the node's position for anything outside the subset.
 */
export function compileExprNode(node: ExprNode, scope: ExprScope): Expr {
  const c = (n: ExprNode): Expr => compileExprNode(n, scope);
  switch (node.kind) {
    case 'literal':
      switch (node.value.type) {
        case 'null':
          return e.lit(null);
        case 'string':
          return e.lit(node.value.text);
        case 'number':
          return e.lit(numberValue(node.value.text, node.pos));
      }
      break;
    case 'name':
      return resolveName(node.path, node.pos, scope);
    case 'systemTimestamp':
      if (scope.timestampForbiddenIn !== undefined) {
        throw invalid(
          node.pos,
          'System.Timestamp()',
          `System.Timestamp() cannot be used in ${scope.timestampForbiddenIn}`,
        );
      }
      return e.timestamp();
    case 'unary': {
      if (node.op === 'bitNot') throw unsupported(node.pos, "'~'", 'bitwise operators');
      const operand = c(node.operand);
      if (node.op === 'plus') return operand;
      if (node.op === 'not') return e.not(operand);
      if (operand.kind === 'literal' && typeof operand.value === 'number') return e.lit(-operand.value);
      return { kind: 'unary', op: 'negate', operand };
    }
    case 'binary': {
      if (node.op === '&' || node.op === '|' || node.op === '^') {
        throw unsupported(node.pos, `'${node.op}'`, 'bitwise operators');
      }
      const left = c(node.left);
      const right = c(node.right);
      if (node.op === '+' && (isStringLiteral(left) || isStringLiteral(right))) {
        throw unsupported(node.pos, "'+'", "'+' on strings (use CONCAT)");
      }
      return comparison(node.op, left, right, node.pos);
    }
    case 'isNull':
      return { kind: 'unary', op: node.negated ? 'isNotNull' : 'isNull', operand: c(node.operand) };
    case 'between': {
      const operand = c(node.operand);
      const within = e.bin(
        'and',
        comparison('>=', operand, c(node.low), node.low.pos),
        comparison('<=', operand, c(node.high), node.high.pos),
      );
      return node.negated ? e.not(within) : within;
    }
    case 'in': {
      const operand = c(node.operand);
      const anyEqual = node.list
        .map((item) => comparison('=', operand, c(item), item.pos))
        .reduce((acc, next) => e.bin('or', acc, next));
      return node.negated ? e.not(anyEqual) : anyEqual;
    }
    case 'like': {
      const match = e.call('like', c(node.operand), c(node.pattern));
      return node.negated ? e.not(match) : match;
    }
    case 'case': {
      const operand = node.operand ? c(node.operand) : undefined;
      return {
        kind: 'case',
        branches: node.branches.map((b) => ({
          when: operand ? comparison('=', operand, c(b.when), b.when.pos) : c(b.when),
          then: c(b.then),
        })),
        ...(node.otherwise ? { otherwise: c(node.otherwise) } : {}),
      };
    }
    case 'cast': {
      const type = parseAsaType(node.typeName);
      if (!type) {
        throw invalid(
          node.typePos,
          `'${node.typeName}'`,
          `expected a type (bigint, float, nvarchar(max), datetime, bit, record, array), received '${node.typeName}'`,
        );
      }
      return e.call(node.isTry ? 'try_cast' : 'cast', c(node.operand), e.lit(type));
    }
    case 'member':
      throw unsupported(
        node.member.pos,
        `'.${node.member.name}'`,
        'a property of a computed value (use a record field path)',
      );
    case 'call':
      return compileCall(node, scope);
  }
  throw new TypeError(`unreachable: ${JSON.stringify(node)}`);
}

function isStringLiteral(x: Expr): x is { kind: 'literal'; value: string } {
  return x.kind === 'literal' && typeof x.value === 'string';
}

/** True for expressions that are datetimes whatever the input: System.Timestamp(), DATEADD, CAST AS datetime. */
function isDatetime(x: Expr): boolean {
  if (x.kind === 'systemTimestamp') return true;
  if (x.kind !== 'call') return false;
  if (x.name === 'dateadd') return true;
  const type = x.args[1];
  return (
    (x.name === 'cast' || x.name === 'try_cast') && type?.kind === 'literal' && type.value === 'datetime'
  );
}

const comparisonOperators = new Set(['=', '<>', '<', '<=', '>', '>=']);

/**
 * A binary operation; a comparison of a datetime with a string literal reads the literal as a datetime
 * (ASA converts it), so that it is not silently NULL.
 */
function comparison(op: BinaryOperator, left: Expr, right: Expr, pos: SourcePosition): Expr {
  if (comparisonOperators.has(op)) {
    const asDatetime = (x: Expr): Expr => {
      if (!isStringLiteral(x)) return x;
      if (toEpochMs(x.value) === undefined) {
        throw invalid(
          pos,
          `'${x.value}'`,
          `expected a datetime (ISO 8601) to compare with a datetime, received '${x.value}'`,
        );
      }
      return e.call('cast', x, e.lit('datetime'));
    };
    if (isDatetime(left)) return e.bin(op, left, asDatetime(right));
    if (isDatetime(right)) return e.bin(op, asDatetime(left), right);
  }
  return e.bin(op, left, right);
}

function numberValue(text: string, pos: SourcePosition): number {
  const value = Number(text);
  if (/^[0-9]+$/.test(text) && !Number.isSafeInteger(value)) {
    throw unsupported(pos, `'${text}'`, `an integer beyond ${Number.MAX_SAFE_INTEGER} (bigint precision)`);
  }
  if (!Number.isFinite(value)) throw invalid(pos, `'${text}'`, `expected a finite number, received ${text}`);
  return value;
}

function resolveName(path: readonly NameSegment[], pos: SourcePosition, scope: ExprScope): Expr {
  const first = path[0]!;
  const token = `'${describeSegments(path)}'`;
  if (path.length === 1 && !first.quoted && ['true', 'false'].includes(first.name.toLowerCase())) {
    throw unsupported(
      pos,
      token,
      'TRUE and FALSE literals (use 1 and 0; write [true] for a column named true)',
    );
  }
  if (scope.selectAliases && path.length === 1) {
    const aliased = scope.selectAliases.byName.get(first.name.toLowerCase());
    if (aliased) {
      let field: Expr | undefined;
      try {
        field = resolveField(path, pos, scope);
      } catch {
        field = undefined;
      }
      if (field && scope.selectAliases.groupKeys.has(exprKey(field))) {
        if (exprKey(field) !== exprKey(aliased)) {
          throw invalid(
            pos,
            token,
            `${first.name} is both a GROUP BY column and a SELECT alias of something else; rename the alias`,
          );
        }
        return field;
      }
      return aliased;
    }
  }
  return resolveField(path, pos, scope);
}

function resolveField(path: readonly NameSegment[], pos: SourcePosition, scope: ExprScope): Expr {
  let segments = path;
  const first = path[0]!;
  const firstLower = first.name.toLowerCase();
  if (path.length > 1 && scope.qualifiers.has(firstLower)) segments = path.slice(1);
  else if (path.length > 1 && scope.knownSources.has(firstLower)) {
    throw invalid(
      pos,
      `'${describeSegments(path)}'`,
      `${first.name} is not in this statement's FROM; expected one of ${[...scope.qualifiers].join(', ')}`,
    );
  }
  const names = segments.map((s) => s.name);
  if (!scope.columns) return e.field(...names);
  const column = scope.columns.get(names[0]!.toLowerCase());
  if (!column) {
    throw invalid(
      segments[0]!.pos,
      `'${names[0]!}'`,
      `expected a column of step ${scope.stepName ?? ''} (${[...scope.columns.keys()].join(', ')}), received ${names[0]!}`,
    );
  }
  if (names.length === 1) return column;
  if (column.kind === 'field') return e.field(...column.path, ...names.slice(1));
  throw unsupported(segments[1]!.pos, `'${names[1]!}'`, `a field of the computed step column ${names[0]!}`);
}

function compileCall(node: CallNode, scope: ExprScope): Expr {
  const token = `'${describeSegments(node.name)}'`;
  const name = simpleCallName(node);
  if (name === undefined) {
    const first = node.name[0]!.name.toLowerCase();
    if (first === 'system') throw unsupported(node.pos, token, `${describeSegments(node.name)}()`);
    throw unsupported(node.pos, token, `user-defined function ${describeSegments(node.name)}`);
  }
  const displayName = node.name[0]!.name;
  if (Object.hasOwn(unsupportedFunctions, name))
    throw unsupported(node.pos, token, unsupportedFunctions[name]!);
  if (windowFunctionNames.has(name) || windowArgumentNames.has(name)) {
    throw invalid(node.pos, token, `${displayName}(...) is only valid in GROUP BY`);
  }
  if (node.over) {
    throw unsupported(node.over.pos, "'OVER'", `${displayName}(...) OVER (...) (analytic functions)`);
  }
  if (aggregateFunctions.has(name)) return compileAggregate(node, name as AggregateFunction, scope);
  if (node.star) throw invalid(node.pos, token, `expected arguments of ${displayName}, received *`);
  if (node.quantifier)
    throw invalid(node.pos, token, `DISTINCT or ALL only apply to aggregates, not ${displayName}`);

  const c = (n: ExprNode): Expr => compileExprNode(n, scope);
  const arity = (min: number, max: number): void => {
    if (node.args.length < min || node.args.length > max) {
      throw invalid(
        node.pos,
        token,
        `expected ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'} for ${displayName}, received ${node.args.length}`,
      );
    }
  };
  if (name === 'dateadd' || name === 'datediff' || name === 'datepart') {
    arity(name === 'datepart' ? 2 : 3, name === 'datepart' ? 2 : 3);
    const [partNode, ...rest] = node.args;
    return e.call(name, e.lit(datePartArgument(partNode!)), ...rest.map(c));
  }
  if (Object.hasOwn(datePartFunctions, name)) {
    arity(1, 1);
    return e.call('datepart', e.lit(datePartFunctions[name]!), c(node.args[0]!));
  }
  const fn = scalarFunctions.get(name);
  if (!fn || name === 'cast' || name === 'try_cast' || name === 'like') {
    throw invalid(node.pos, token, `unknown function ${displayName}`);
  }
  arity(fn.minArgs, fn.maxArgs);
  return e.call(name, ...node.args.map(c));
}

function datePartArgument(node: ExprNode): string {
  if (node.kind === 'name' && node.path.length === 1) {
    const part = parseDatePart(node.path[0]!.name);
    if (part === 'microsecond') {
      throw unsupported(
        node.pos,
        `'${node.path[0]!.name}'`,
        'the microsecond date part (datetimes hold milliseconds)',
      );
    }
    if (part) return part;
  }
  const token = node.kind === 'name' ? `'${describeSegments(node.path)}'` : 'an expression';
  throw invalid(
    node.pos,
    token,
    `expected a date part (year, quarter, month, dayofyear, day, week, weekday, hour, minute, second, millisecond or an abbreviation), received ${token}`,
  );
}

function compileAggregate(node: CallNode, fn: AggregateFunction, scope: ExprScope): Expr {
  const token = `'${node.name[0]!.name}'`;
  if (scope.aggregates !== 'allowed') {
    throw invalid(
      node.pos,
      token,
      `aggregate ${node.name[0]!.name.toUpperCase()} cannot be used in ${scope.aggregates.forbiddenIn}`,
    );
  }
  if (node.star) {
    if (fn !== 'count')
      throw invalid(node.pos, token, `expected an argument for ${fn.toUpperCase()}, received *`);
    return e.countStar();
  }
  if (node.args.length !== 1) {
    throw invalid(
      node.pos,
      token,
      `expected 1 argument for ${fn.toUpperCase()}, received ${node.args.length}`,
    );
  }
  const distinct = node.quantifier === 'distinct';
  if (distinct && fn !== 'count') throw unsupported(node.pos, token, `${fn.toUpperCase()}(DISTINCT ...)`);
  const inner: ExprScope = {
    qualifiers: scope.qualifiers,
    knownSources: scope.knownSources,
    ...(scope.columns ? { columns: scope.columns } : {}),
    ...(scope.stepName !== undefined ? { stepName: scope.stepName } : {}),
    aggregates: { forbiddenIn: 'another aggregate' },
  };
  return e.agg(fn, compileExprNode(node.args[0]!, inner), distinct);
}
