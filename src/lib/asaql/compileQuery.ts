import { defaultEventOrderingPolicy, type EventOrderingPolicy } from '../engine/eventOrderingPolicy';
import { e, type Expr } from '../engine/expr';
import {
  exprKey,
  jobProblems,
  type JobDefinition,
  type SelectItem,
  type StatementDefinition,
  ungroupedReferences,
} from '../engine/job';
import type { WindowSpec } from '../engine/windows';
import type { ExprNode, ScriptNode, SelectItemNode, SelectNode, SourceNode, WithStepNode } from './ast';
import { compileExprNode, containsSystemTimestamp, simpleCallName, type ExprScope } from './compileExprNode';
import { compileWindow, windowKindOf, type CompiledWindow } from './compileWindow';
import { parseQuery } from './parser';
import { QueryCompileError } from './queryCompileError';
import type { SourcePosition } from './queryError';

/** An input the job has, as ASA's job configuration declares it. */
export interface QueryInputDeclaration {
  readonly name: string;
  readonly kind: 'stream' | 'reference';
}

export interface CompileQueryOptions {
  /** The job's name (names its state). */
  readonly name: string;
  /** Default: late arrival 5 s, out of order 0 s, adjust. */
  readonly eventOrdering?: EventOrderingPolicy;
  /** The job's inputs; without them, every FROM name that is not a WITH step is a stream input. */
  readonly inputs?: readonly QueryInputDeclaration[];
  /** The validated contract of the stream input. Default 'none' (any JSON object). */
  readonly contract?: 'clickstream' | 'none';
  readonly maxEventSizeInBytes?: number;
}

/** What a FROM reads once WITH steps are inlined: an input, its time, a filter and the columns. */
interface ResolvedSource {
  readonly input: string;
  readonly inputPos: SourcePosition;
  readonly timestampBy?: Expr;
  readonly timestampPos?: SourcePosition;
  readonly where?: Expr;
  /** A step's columns in order; absent when the input record passes through. */
  readonly columns?: readonly { readonly name: string; readonly expr: Expr }[];
  readonly stepName?: string;
}

const outputNamePattern = /^[A-Za-z][A-Za-z0-9_-]{0,62}$/;
const maxAliasLength = 255;

const invalid = (pos: SourcePosition, token: string, detail: string): QueryCompileError =>
  new QueryCompileError(pos, token, 'invalid', detail);
const unsupported = (pos: SourcePosition, token: string, detail: string): QueryCompileError =>
  new QueryCompileError(pos, token, 'unsupported', detail);

const and = (a: Expr | undefined, b: Expr | undefined): Expr | undefined =>
  a && b ? e.bin('and', a, b) : (a ?? b);

/**
 * Compiles an ASA query into the engine's job model. What the engine cannot run is rejected with a
 * {@link QueryCompileError} at its line:column ("not supported yet: ..."), never compiled into something
 * else; syntax errors are {@link QuerySyntaxError}s. A WITH step that only filters and projects one input
 * (no GROUP BY, aggregates, JOIN or analytic functions) is inlined into the statements that read it.
 *
 * @param query - the query text, or a tree from {@link parseQuery}
 */
export function compileQuery(query: string | ScriptNode, options: CompileQueryOptions): JobDefinition {
  const script = typeof query === 'string' ? parseQuery(query) : query;
  return new QueryCompiler(script, options).compile();
}

class QueryCompiler {
  private readonly steps = new Map<string, WithStepNode>();
  private readonly knownSources = new Set<string>();

  constructor(
    private readonly script: ScriptNode,
    private readonly options: CompileQueryOptions,
  ) {
    for (const input of options.inputs ?? []) this.knownSources.add(input.name.toLowerCase());
    const visit = (select: SelectNode): void => {
      this.knownSources.add(select.from.name.name.toLowerCase());
      for (const j of select.joins) this.knownSources.add(j.source.name.name.toLowerCase());
      if (select.union) visit(select.union.select);
    };
    for (const statement of script.statements) {
      if (statement.kind === 'select') visit(statement);
      if (statement.kind === 'with') {
        for (const step of statement.steps) {
          this.knownSources.add(step.name.name.toLowerCase());
          visit(step.select);
        }
      }
    }
  }

  compile(): JobDefinition {
    const tops: { node: SelectNode; steps: ReadonlyMap<string, WithStepNode> }[] = [];
    for (const statement of this.script.statements) {
      switch (statement.kind) {
        case 'createTable':
          throw unsupported(statement.pos, "'CREATE'", 'CREATE TABLE (typed input schemas)');
        case 'with':
          for (const step of statement.steps) {
            const lower = step.name.name.toLowerCase();
            if (this.steps.has(lower)) {
              throw invalid(
                step.name.pos,
                `'${step.name.name}'`,
                `expected a new step name, received ${step.name.name} again`,
              );
            }
            if (this.options.inputs?.some((i) => i.name.toLowerCase() === lower)) {
              throw invalid(
                step.name.pos,
                `'${step.name.name}'`,
                `expected a step name that is not an input's, received ${step.name.name}`,
              );
            }
            this.steps.set(lower, step);
          }
          break;
        case 'select':
          tops.push({ node: statement, steps: new Map(this.steps) });
          break;
      }
    }
    const compiled = tops.map((t) => this.compileTop(t.node, t.steps));
    const first = compiled[0]!;
    for (const c of compiled.slice(1)) {
      if (c.source.input.toLowerCase() !== first.source.input.toLowerCase()) {
        throw unsupported(
          c.source.inputPos,
          `'${c.source.input}'`,
          `statements reading different inputs (${first.source.input} and ${c.source.input}); the engine streams one input`,
        );
      }
      const key = (x: Expr | undefined): string => (x ? exprKey(x) : '');
      if (key(c.source.timestampBy) !== key(first.source.timestampBy)) {
        throw unsupported(
          c.source.timestampPos ?? c.source.inputPos,
          "'TIMESTAMP'",
          `statements reading input ${first.source.input} with different TIMESTAMP BY`,
        );
      }
    }
    const job: JobDefinition = {
      name: this.options.name,
      inputs: [
        {
          name: first.source.input,
          ...(first.source.timestampBy ? { timestampBy: first.source.timestampBy } : {}),
          contract: this.options.contract ?? 'none',
          ...(this.options.maxEventSizeInBytes !== undefined
            ? { maxEventSizeInBytes: this.options.maxEventSizeInBytes }
            : {}),
        },
      ],
      eventOrdering: this.options.eventOrdering ?? defaultEventOrderingPolicy,
      statements: compiled.map((c) => ({ ...c.statement, input: first.source.input })),
    };
    const problems = jobProblems(job);
    if (problems.length > 0) {
      throw invalid(
        { line: 1, column: 1, offset: 0 },
        'the query',
        `the compiled job is invalid: ${problems.join('; ')}`,
      );
    }
    return job;
  }

  /** A top-level SELECT ... INTO; what it computes is checked before its INTO, the more telling error. */
  private compileTop(
    node: SelectNode,
    steps: ReadonlyMap<string, WithStepNode>,
  ): { source: ResolvedSource; statement: StatementDefinition } {
    checkSelectShape(node);
    const compiled = this.compileBody(node, steps, node.into?.name ?? '');
    if (!node.into) {
      throw invalid(
        node.pos,
        "'SELECT'",
        'expected INTO <output> in a SELECT that is not a WITH step, received none',
      );
    }
    if (!outputNamePattern.test(node.into.name)) {
      throw invalid(
        node.into.pos,
        `'${node.into.name}'`,
        `expected an output name of letters, digits, '_' or '-' (1 to 63, starting with a letter), received ${node.into.name}`,
      );
    }
    return compiled;
  }

  private compileBody(
    node: SelectNode,
    steps: ReadonlyMap<string, WithStepNode>,
    output: string,
  ): { source: ResolvedSource; statement: StatementDefinition } {
    const source = this.resolveSource(node.from, steps, []);
    const scope = this.scopeFor(node.from, source, 'allowed');
    const rowScope: ExprScope = { ...scope, aggregates: { forbiddenIn: 'WHERE (use HAVING)' } };
    let where = and(source.where, node.where ? compileExprNode(node.where, rowScope) : undefined);
    if (!node.groupBy) {
      if (node.having) {
        where = and(
          where,
          compileExprNode(node.having, { ...scope, aggregates: { forbiddenIn: 'HAVING without GROUP BY' } }),
        );
      }
      const select = this.compileItems(
        node.items,
        source,
        {
          ...scope,
          aggregates: { forbiddenIn: 'a SELECT without GROUP BY (an aggregate needs a window in GROUP BY)' },
        },
        false,
      );
      return { source, statement: { output, input: source.input, ...(where ? { where } : {}), select } };
    }
    const groupBy = this.compileGroupBy(node.groupBy, scope);
    const select = this.compileItems(node.items, source, scope, true);
    if (select === '*') throw new TypeError('unreachable: * with GROUP BY');
    const keys = new Set(groupBy.keys.map(exprKey));
    node.items.forEach((item, i) => {
      const bare = ungroupedReferences(select[i]!.expr, keys);
      if (bare.length > 0) {
        throw invalid(
          item.kind === 'expr' ? namePosition(item.expr, bare[0]!) : item.pos,
          `'${bare[0]!}'`,
          `expected ${bare[0]!} in GROUP BY or inside an aggregate, received it bare`,
        );
      }
    });
    let having: Expr | undefined;
    if (node.having) {
      const byName = new Map(select.map((s) => [s.alias.toLowerCase(), s.expr] as const));
      having = compileExprNode(node.having, { ...scope, selectAliases: { byName, groupKeys: keys } });
      const bare = ungroupedReferences(having, keys);
      if (bare.length > 0) {
        throw invalid(
          namePosition(node.having, bare[0]!),
          `'${bare[0]!}'`,
          `expected ${bare[0]!} in GROUP BY or inside an aggregate, received it bare`,
        );
      }
    }
    return {
      source,
      statement: {
        output,
        input: source.input,
        ...(where ? { where } : {}),
        groupBy,
        select,
        ...(having ? { having } : {}),
      },
    };
  }

  private resolveSource(
    from: SourceNode,
    steps: ReadonlyMap<string, WithStepNode>,
    stack: readonly string[],
  ): ResolvedSource {
    if (from.partitionBy) {
      throw unsupported(
        from.partitionBy.pos,
        "'PARTITION'",
        'PARTITION BY in FROM (per-partition processing)',
      );
    }
    if (from.timestampBy?.over) {
      throw unsupported(from.timestampBy.pos, "'TIMESTAMP'", 'TIMESTAMP BY ... OVER (substreams)');
    }
    const name = from.name.name;
    const lower = name.toLowerCase();
    const step = steps.get(lower);
    if (step) {
      if (from.timestampBy) {
        throw unsupported(
          from.timestampBy.pos,
          "'TIMESTAMP'",
          `TIMESTAMP BY on step ${name} (write it where the input is read)`,
        );
      }
      if (stack.includes(lower)) throw invalid(from.name.pos, `'${name}'`, `step ${name} reads itself`);
      return this.compileStep(step, steps, [...stack, lower]);
    }
    const declared = this.options.inputs;
    if (declared) {
      const input = declared.find((i) => i.name.toLowerCase() === lower);
      if (!input) {
        const names = [...declared.map((i) => i.name), ...[...steps.values()].map((s) => s.name.name)];
        throw invalid(
          from.name.pos,
          `'${name}'`,
          `expected an input or step (${names.join(', ')}), received ${name}`,
        );
      }
      if (input.kind === 'reference') {
        throw unsupported(
          from.name.pos,
          `'${name}'`,
          `reading reference data input ${name} (reference data JOINs)`,
        );
      }
    }
    let timestampBy: Expr | undefined;
    if (from.timestampBy) {
      timestampBy = compileExprNode(from.timestampBy.expr, {
        qualifiers: qualifiersOf(from),
        knownSources: this.knownSources,
        aggregates: { forbiddenIn: 'TIMESTAMP BY' },
        timestampForbiddenIn: 'TIMESTAMP BY (it sets System.Timestamp())',
      });
    }
    return {
      input: name,
      inputPos: from.name.pos,
      ...(timestampBy ? { timestampBy } : {}),
      ...(from.timestampBy ? { timestampPos: from.timestampBy.pos } : {}),
    };
  }

  /** Inlines a WITH step that filters and projects: its WHERE and its columns, over what it reads. */
  private compileStep(
    step: WithStepNode,
    steps: ReadonlyMap<string, WithStepNode>,
    stack: readonly string[],
  ): ResolvedSource {
    const node = step.select;
    const stepName = step.name.name;
    checkSelectShape(node);
    if (node.into)
      throw invalid(node.into.pos, `'${node.into.name}'`, `expected no INTO in WITH step ${stepName}`);
    if (node.groupBy) {
      throw unsupported(
        node.groupBy.pos,
        "'GROUP'",
        `WITH step ${stepName} with GROUP BY read by another statement (multi-step queries)`,
      );
    }
    for (const item of node.items) {
      const aggregate = item.kind === 'expr' ? findAggregateCall(item.expr) : undefined;
      if (aggregate) {
        throw unsupported(
          aggregate.pos,
          `'${aggregate.name[0]!.name}'`,
          `an aggregate in WITH step ${stepName} read by another statement (multi-step queries)`,
        );
      }
    }
    const source = this.resolveSource(node.from, steps, stack);
    const scope = this.scopeFor(node.from, source, { forbiddenIn: `WITH step ${stepName}` });
    let where = and(source.where, node.where ? compileExprNode(node.where, scope) : undefined);
    if (node.having) where = and(where, compileExprNode(node.having, scope));
    const items = this.compileItems(node.items, source, scope, false);
    return {
      input: source.input,
      inputPos: source.inputPos,
      ...(source.timestampBy ? { timestampBy: source.timestampBy } : {}),
      ...(source.timestampPos ? { timestampPos: source.timestampPos } : {}),
      ...(where ? { where } : {}),
      ...(items === '*' ? {} : { columns: items.map((i) => ({ name: i.alias, expr: i.expr })) }),
      stepName,
    };
  }

  private scopeFor(from: SourceNode, source: ResolvedSource, aggregates: ExprScope['aggregates']): ExprScope {
    return {
      qualifiers: qualifiersOf(from),
      knownSources: this.knownSources,
      ...(source.columns
        ? { columns: new Map(source.columns.map((c) => [c.name.toLowerCase(), c.expr] as const)) }
        : {}),
      ...(source.stepName !== undefined ? { stepName: source.stepName } : {}),
      aggregates,
    };
  }

  private compileItems(
    items: readonly SelectItemNode[],
    source: ResolvedSource,
    scope: ExprScope,
    grouped: boolean,
  ): SelectItem[] | '*' {
    const star = items.find((i) => i.kind === 'star');
    if (star && star.kind === 'star') {
      if (items.length > 1) throw unsupported(star.pos, "'*'", '* together with other columns in one SELECT');
      if (star.qualifier && !scope.qualifiers.has(star.qualifier.name.toLowerCase())) {
        throw invalid(
          star.qualifier.pos,
          `'${star.qualifier.name}'`,
          `expected ${[...scope.qualifiers].join(' or ')}.*, received ${star.qualifier.name}.*`,
        );
      }
      if (grouped) throw invalid(star.pos, "'*'", 'expected explicit columns with GROUP BY, received *');
      return source.columns ? source.columns.map((c) => ({ alias: c.name, expr: c.expr })) : '*';
    }
    const seen = new Set<string>();
    return items.map((item) => {
      if (item.kind !== 'expr') throw new TypeError('unreachable: star handled above');
      const expr = compileExprNode(item.expr, scope);
      let alias: string;
      let aliasPos: SourcePosition;
      if (item.alias) {
        alias = item.alias.name;
        aliasPos = item.alias.pos;
      } else if (item.expr.kind === 'name') {
        const last = item.expr.path[item.expr.path.length - 1]!;
        alias = last.name;
        aliasPos = last.pos;
      } else {
        throw invalid(
          item.pos,
          describeItem(item.expr),
          'expected AS <alias> after a computed column (it needs a name), received none',
        );
      }
      if (alias.length === 0 || alias.length > maxAliasLength) {
        throw invalid(aliasPos, `'${alias}'`, `expected a column name of 1 to ${maxAliasLength} characters`);
      }
      const lower = alias.toLowerCase();
      if (seen.has(lower))
        throw invalid(aliasPos, `'${alias}'`, `expected a unique column name, received ${alias} again`);
      seen.add(lower);
      return { alias, expr };
    });
  }

  private compileGroupBy(
    groupBy: NonNullable<SelectNode['groupBy']>,
    scope: ExprScope,
  ): { keys: Expr[]; window: WindowSpec } {
    const keyScope: ExprScope = { ...scope, aggregates: { forbiddenIn: 'GROUP BY' } };
    let window: { node: ExprNode; compiled: CompiledWindow } | undefined;
    let snapshot: SourcePosition | undefined;
    const keys: Expr[] = [];
    for (const item of groupBy.items) {
      if (item.kind === 'systemTimestamp') {
        if (snapshot)
          throw invalid(item.pos, "'System.Timestamp'", 'expected System.Timestamp() once in GROUP BY');
        snapshot = item.pos;
      } else if (item.kind === 'call' && windowKindOf(item) !== undefined) {
        if (window) {
          throw invalid(
            item.pos,
            `'${item.name[0]!.name}'`,
            'expected one window in GROUP BY, received a second (use Windows(...))',
          );
        }
        window = { node: item, compiled: compileWindow(item, scope) };
      } else {
        const key = compileExprNode(item, keyScope);
        if (containsSystemTimestamp(key)) {
          throw invalid(
            item.pos,
            describeItem(item),
            'an expression with System.Timestamp() in GROUP BY is not a window (a window must be specified)',
          );
        }
        keys.push(key);
      }
    }
    if (window && snapshot) {
      throw unsupported(
        snapshot,
        "'System.Timestamp'",
        'System.Timestamp() as a GROUP BY key beside a window',
      );
    }
    if (!window) {
      if (!snapshot) {
        throw invalid(
          groupBy.pos,
          "'GROUP'",
          'expected a window in GROUP BY (TumblingWindow, HoppingWindow, SlidingWindow, SessionWindow or System.Timestamp()), received none',
        );
      }
      return { keys, window: { kind: 'snapshot' } };
    }
    const spec = window.compiled.spec;
    if (spec.kind === 'session') {
      const keySet = new Set(keys.map(exprKey));
      const partition = new Set((window.compiled.partitionBy ?? []).map(exprKey));
      const same = keySet.size === partition.size && [...keySet].every((k) => partition.has(k));
      if (!same) {
        throw unsupported(
          window.node.pos,
          describeItem(window.node),
          keys.length === 0
            ? 'SessionWindow OVER (PARTITION BY ...) without those columns in GROUP BY'
            : 'a SessionWindow without OVER (PARTITION BY <exactly the GROUP BY columns>): the engine keeps one session per group, ASA one per partition key',
        );
      }
    }
    return { keys, window: spec };
  }
}

function qualifiersOf(from: SourceNode): Set<string> {
  const q = new Set([from.name.name.toLowerCase()]);
  if (from.alias) q.add(from.alias.name.toLowerCase());
  return q;
}

function checkSelectShape(node: SelectNode): void {
  if (node.union) throw unsupported(node.union.pos, "'UNION'", 'UNION');
  const join = node.joins[0];
  if (join)
    throw unsupported(
      join.pos,
      `'${join.type === 'inner' ? 'JOIN' : join.type.toUpperCase()}'`,
      'JOIN (stream-to-stream and reference-data joins)',
    );
  const apply = node.applies[0];
  if (apply) throw unsupported(apply.pos, `'${apply.type.toUpperCase()}'`, 'CROSS APPLY / OUTER APPLY');
  if (node.quantifier?.kind === 'distinct')
    throw unsupported(node.quantifier.pos, "'DISTINCT'", 'SELECT DISTINCT');
}

function describeItem(node: ExprNode): string {
  switch (node.kind) {
    case 'name':
      return `'${node.path.map((s) => s.name).join('.')}'`;
    case 'call':
      return `'${node.name.map((s) => s.name).join('.')}'`;
    case 'systemTimestamp':
      return "'System.Timestamp'";
    default:
      return 'an expression';
  }
}

/** The first node of an expression tree (parents before children, left to right) that `test` accepts. */
function findNode(node: ExprNode, test: (n: ExprNode) => boolean): ExprNode | undefined {
  let found: ExprNode | undefined;
  const visit = (n: ExprNode | undefined): void => {
    if (!n || found) return;
    if (test(n)) {
      found = n;
      return;
    }
    switch (n.kind) {
      case 'call':
        return n.args.forEach(visit);
      case 'unary':
      case 'isNull':
        return visit(n.operand);
      case 'binary':
        visit(n.left);
        return visit(n.right);
      case 'between':
        visit(n.operand);
        visit(n.low);
        return visit(n.high);
      case 'in':
        visit(n.operand);
        return n.list.forEach(visit);
      case 'like':
        visit(n.operand);
        return visit(n.pattern);
      case 'case':
        visit(n.operand);
        n.branches.forEach((b) => {
          visit(b.when);
          visit(b.then);
        });
        return visit(n.otherwise);
      case 'cast':
        return visit(n.operand);
      case 'member':
        return visit(n.object);
      default:
        return;
    }
  };
  visit(node);
  return found;
}

/** The first aggregate call (COUNT, SUM, AVG, MIN, MAX without OVER) in an expression, if any. */
function findAggregateCall(node: ExprNode): Extract<ExprNode, { kind: 'call' }> | undefined {
  const found = findNode(node, (n) => {
    if (n.kind !== 'call' || n.over) return false;
    const name = simpleCallName(n);
    return name !== undefined && ['count', 'sum', 'avg', 'min', 'max'].includes(name);
  });
  return found?.kind === 'call' ? found : undefined;
}

/** Where a name ending in `field` (a dotted path) is written in an expression; else where it starts. */
function namePosition(node: ExprNode, field: string): SourcePosition {
  const wanted = field.toLowerCase();
  const depth = wanted.split('.').length;
  const found = findNode(
    node,
    (n) =>
      n.kind === 'name' &&
      n.path
        .slice(-depth)
        .map((p) => p.name.toLowerCase())
        .join('.') === wanted,
  );
  if (found) return found.pos;
  let start = node;
  for (;;) {
    if (start.kind === 'binary') start = start.left;
    else if (
      start.kind === 'isNull' ||
      start.kind === 'between' ||
      start.kind === 'in' ||
      start.kind === 'like'
    ) {
      start = start.operand;
    } else if (start.kind === 'member') start = start.object;
    else return start.pos;
  }
}
