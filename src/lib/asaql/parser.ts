import type {
  ApplyNode,
  BinaryOperatorNode,
  CallNode,
  CreateTableNode,
  ExprNode,
  JoinNode,
  NameSegment,
  OverClause,
  ScriptNode,
  SelectItemNode,
  SelectNode,
  SourceNode,
  StatementNode,
  WithNode,
} from './ast';
import { describeToken, tokenize, type Token } from './lexer';
import { QueryCompileError } from './queryCompileError';
import { QuerySyntaxError } from './querySyntaxError';

/** Words that cannot be bare names or aliases (write them in [brackets] to use them as names). */
const reserved = new Set([
  'ALL',
  'AND',
  'APPLY',
  'AS',
  'BETWEEN',
  'BY',
  'CASE',
  'CAST',
  'CREATE',
  'CROSS',
  'DISTINCT',
  'ELSE',
  'END',
  'ESCAPE',
  'FROM',
  'FULL',
  'GROUP',
  'HAVING',
  'IN',
  'INNER',
  'INTO',
  'IS',
  'JOIN',
  'LEFT',
  'LIKE',
  'LIMIT',
  'MATCH_RECOGNIZE',
  'NOT',
  'NULL',
  'ON',
  'OR',
  'ORDER',
  'OUTER',
  'OVER',
  'PARTITION',
  'RIGHT',
  'SELECT',
  'TABLE',
  'THEN',
  'TIMESTAMP',
  'TOP',
  'TRY_CAST',
  'UNION',
  'WHEN',
  'WHERE',
  'WITH',
]);

/** Reserved words that are also function names when a '(' follows. */
const reservedFunctionNames = new Set(['LEFT', 'RIGHT']);

const comparisonOperators: Readonly<Record<string, BinaryOperatorNode>> = {
  '=': '=',
  '<>': '<>',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '!<': '>=',
  '!>': '<=',
};

/**
 * Parses an ASA query (one or more statements: CREATE TABLE, WITH steps, SELECT ... INTO ... FROM ...)
 * into a {@link ScriptNode}. Keywords and names are matched without regard to case. Throws a
 * {@link QuerySyntaxError} naming line:column, the offending token and what was expected; constructs
 * that are recognised but not parsed here (subqueries, MATCH_RECOGNIZE, TOP, ESCAPE) throw a
 * {@link QueryCompileError} saying they are not supported yet.
 */
export function parseQuery(text: string): ScriptNode {
  return new Parser(tokenize(text)).script();
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  script(): ScriptNode {
    const statements: StatementNode[] = [];
    for (;;) {
      while (this.acceptOperator(';')) {
        // empty statements are allowed
      }
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (this.isKeyword(t, 'CREATE')) statements.push(this.createTable());
      else if (this.isKeyword(t, 'WITH')) {
        statements.push(this.withClause());
        if (!this.isKeyword(this.peek(), 'SELECT')) this.fail(['SELECT after the WITH steps']);
      } else if (this.isKeyword(t, 'SELECT')) statements.push(this.select());
      else
        this.fail(
          statements.length === 0
            ? ['SELECT', 'WITH', 'CREATE TABLE']
            : ['SELECT', 'WITH', "';'", 'end of input'],
        );
    }
    if (statements.length === 0) this.fail(['SELECT', 'WITH', 'CREATE TABLE']);
    return { statements };
  }

  // ---- statements -------------------------------------------------------------------------------------

  private createTable(): CreateTableNode {
    const pos = this.expectKeyword('CREATE');
    this.expectKeyword('TABLE');
    const name = this.nameSegment('a table name (the input alias)');
    this.expectOperator('(');
    const columns: CreateTableNode['columns'][number][] = [];
    do {
      const column = this.nameSegment('a column name');
      const type = this.typeName();
      columns.push({ name: column, typeName: type.name, typePos: type.pos });
    } while (this.acceptOperator(','));
    this.expectOperator(')', ["','", "')'"]);
    return { kind: 'createTable', pos, name, columns };
  }

  private withClause(): WithNode {
    const pos = this.expectKeyword('WITH');
    const steps: WithNode['steps'][number][] = [];
    do {
      const name = this.nameSegment('a step name');
      this.expectKeyword('AS');
      this.expectOperator('(');
      const select = this.select();
      this.expectOperator(')');
      steps.push({ pos: name.pos, name, select });
    } while (this.acceptOperator(','));
    return { kind: 'with', pos, steps };
  }

  private select(): SelectNode {
    const pos = this.expectKeyword('SELECT');
    let quantifier: SelectNode['quantifier'];
    const q = this.peek();
    if (this.isKeyword(q, 'DISTINCT') || this.isKeyword(q, 'ALL')) {
      this.next();
      quantifier = { pos: q, kind: q.upper === 'DISTINCT' ? 'distinct' : 'all' };
    }
    if (this.isKeyword(this.peek(), 'TOP')) this.unsupported(this.peek(), 'SELECT TOP');
    const items: SelectItemNode[] = [];
    do items.push(this.selectItem());
    while (this.acceptOperator(','));
    let into: NameSegment | undefined;
    if (this.acceptKeyword('INTO')) into = this.nameSegment('an output name');
    if (!this.isKeyword(this.peek(), 'FROM')) this.fail(into ? ['FROM'] : ["','", 'INTO', 'FROM']);
    this.next();
    const from = this.source();
    const joins: JoinNode[] = [];
    const applies: ApplyNode[] = [];
    for (;;) {
      const join = this.joinOrApply();
      if (!join) break;
      if ('call' in join) applies.push(join);
      else joins.push(join);
    }
    if (this.isKeyword(this.peek(), 'MATCH_RECOGNIZE')) this.unsupported(this.peek(), 'MATCH_RECOGNIZE');
    const where = this.acceptKeyword('WHERE') ? this.expr() : undefined;
    let groupBy: SelectNode['groupBy'];
    const groupToken = this.peek();
    if (this.acceptKeyword('GROUP')) {
      this.expectKeyword('BY');
      const list: ExprNode[] = [];
      do list.push(this.expr());
      while (this.acceptOperator(','));
      groupBy = { pos: groupToken, items: list };
    }
    const having = this.acceptKeyword('HAVING') ? this.expr() : undefined;
    let union: SelectNode['union'];
    const unionToken = this.peek();
    if (this.acceptKeyword('UNION')) {
      const all = this.acceptKeyword('ALL') !== undefined;
      union = { pos: unionToken, all, select: this.select() };
    }
    const node: SelectNode = {
      kind: 'select',
      pos,
      ...(quantifier ? { quantifier } : {}),
      items,
      ...(into ? { into } : {}),
      from,
      joins,
      applies,
      ...(where ? { where } : {}),
      ...(groupBy ? { groupBy } : {}),
      ...(having ? { having } : {}),
      ...(union ? { union } : {}),
    };
    this.expectStatementEnd(node);
    return node;
  }

  /** After a SELECT, only a statement boundary may follow; name the clauses that were still possible. */
  private expectStatementEnd(node: SelectNode): void {
    const t = this.peek();
    if (
      t.kind === 'eof' ||
      (t.kind === 'operator' && (t.value === ';' || t.value === ')')) ||
      this.isKeyword(t, 'SELECT') ||
      this.isKeyword(t, 'WITH') ||
      this.isKeyword(t, 'CREATE')
    ) {
      return;
    }
    const expected: string[] = [];
    if (!node.where && !node.groupBy && !node.having) expected.push('WHERE');
    if (!node.groupBy && !node.having) expected.push('GROUP BY');
    if (!node.having) expected.push('HAVING');
    expected.push('UNION', "';'", 'the next SELECT', 'end of input');
    this.fail(expected);
  }

  private selectItem(): SelectItemNode {
    const t = this.peek();
    if (this.isOperator(t, '*')) {
      this.next();
      return { kind: 'star', pos: t };
    }
    if (
      (t.kind === 'word' || t.kind === 'quoted') &&
      this.isOperator(this.peek(1), '.') &&
      this.isOperator(this.peek(2), '*')
    ) {
      const qualifier = this.nameSegment('a name');
      this.next();
      this.next();
      return { kind: 'star', pos: t, qualifier };
    }
    // `column_alias = expression`
    if (this.isNameToken(t) && this.isOperator(this.peek(1), '=')) {
      const alias = this.nameSegment('a column alias');
      this.next();
      const expr = this.expr();
      return { kind: 'expr', pos: t, expr, alias };
    }
    const expr = this.expr();
    const alias = this.optionalAlias();
    return { kind: 'expr', pos: t, expr, ...(alias ? { alias } : {}) };
  }

  private optionalAlias(): NameSegment | undefined {
    if (this.acceptKeyword('AS')) return this.nameSegment('an alias');
    const t = this.peek();
    if (t.kind === 'quoted' || (t.kind === 'word' && !reserved.has(t.upper)))
      return this.nameSegment('an alias');
    return undefined;
  }

  private source(): SourceNode {
    const t = this.peek();
    if (this.isOperator(t, '(')) this.unsupported(t, 'a subquery in FROM (use a WITH step)');
    const name = this.nameSegment('an input or step name');
    const alias = this.optionalAlias();
    let timestampBy: SourceNode['timestampBy'];
    let partitionBy: SourceNode['partitionBy'];
    for (;;) {
      const k = this.peek();
      if (!timestampBy && this.acceptKeyword('TIMESTAMP')) {
        this.expectKeyword('BY');
        const expr = this.expr();
        let over: ExprNode[] | undefined;
        if (this.acceptKeyword('OVER')) {
          over = [];
          do over.push(this.expr());
          while (this.acceptOperator(','));
        }
        timestampBy = { pos: k, expr, ...(over ? { over } : {}) };
      } else if (!partitionBy && this.acceptKeyword('PARTITION')) {
        this.expectKeyword('BY');
        const keys: ExprNode[] = [];
        do keys.push(this.expr());
        while (this.acceptOperator(','));
        partitionBy = { pos: k, keys };
      } else break;
    }
    return {
      pos: t,
      name,
      ...(alias ? { alias } : {}),
      ...(timestampBy ? { timestampBy } : {}),
      ...(partitionBy ? { partitionBy } : {}),
    };
  }

  private joinOrApply(): JoinNode | ApplyNode | undefined {
    const t = this.peek();
    let type: JoinNode['type'] | undefined;
    if (this.isKeyword(t, 'JOIN')) type = 'inner';
    else if (this.isKeyword(t, 'INNER')) {
      this.next();
      type = 'inner';
    } else if (this.isKeyword(t, 'LEFT') || this.isKeyword(t, 'RIGHT') || this.isKeyword(t, 'FULL')) {
      this.next();
      this.acceptKeyword('OUTER');
      type = t.upper === 'LEFT' ? 'left' : t.upper === 'RIGHT' ? 'right' : 'full';
    } else if (this.isKeyword(t, 'CROSS') || this.isKeyword(t, 'OUTER')) {
      this.next();
      if (this.acceptKeyword('APPLY')) {
        const call = this.expr();
        const alias = this.optionalAlias();
        return { pos: t, type: t.upper === 'CROSS' ? 'cross' : 'outer', call, ...(alias ? { alias } : {}) };
      }
      if (t.upper === 'OUTER') this.fail(['APPLY']);
      type = 'cross';
    } else return undefined;
    this.expectKeyword('JOIN');
    const source = this.source();
    if (type === 'cross') return { pos: t, type, source };
    this.expectKeyword('ON');
    const on = this.expr();
    return { pos: t, type, source, on };
  }

  // ---- expressions -------------------------------------------------------------------------------------

  expr(): ExprNode {
    return this.orExpr();
  }

  private orExpr(): ExprNode {
    let left = this.andExpr();
    for (;;) {
      const t = this.peek();
      if (!this.acceptKeyword('OR')) return left;
      left = { kind: 'binary', pos: t, op: 'or', left, right: this.andExpr() };
    }
  }

  private andExpr(): ExprNode {
    let left = this.notExpr();
    for (;;) {
      const t = this.peek();
      if (!this.acceptKeyword('AND')) return left;
      left = { kind: 'binary', pos: t, op: 'and', left, right: this.notExpr() };
    }
  }

  private notExpr(): ExprNode {
    const t = this.peek();
    if (this.acceptKeyword('NOT')) return { kind: 'unary', pos: t, op: 'not', operand: this.notExpr() };
    return this.predicate();
  }

  private predicate(): ExprNode {
    const left = this.additive();
    const t = this.peek();
    if (t.kind === 'operator' && comparisonOperators[t.value] !== undefined) {
      this.next();
      return { kind: 'binary', pos: t, op: comparisonOperators[t.value]!, left, right: this.additive() };
    }
    if (this.acceptKeyword('IS')) {
      const negated = this.acceptKeyword('NOT') !== undefined;
      this.expectKeyword('NULL', negated ? ['NULL'] : ['NOT', 'NULL']);
      return { kind: 'isNull', pos: t, operand: left, negated };
    }
    let negated = false;
    if (this.isKeyword(t, 'NOT')) {
      const n = this.peek(1);
      if (!this.isKeyword(n, 'BETWEEN') && !this.isKeyword(n, 'IN') && !this.isKeyword(n, 'LIKE')) {
        this.next();
        this.fail(['BETWEEN', 'IN', 'LIKE']);
      }
      this.next();
      negated = true;
    }
    const k = this.peek();
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.additive();
      this.expectKeyword('AND');
      const high = this.additive();
      return { kind: 'between', pos: k, operand: left, low, high, negated };
    }
    if (this.acceptKeyword('IN')) {
      this.expectOperator('(');
      if (this.isKeyword(this.peek(), 'SELECT')) this.unsupported(this.peek(), 'a subquery in IN (...)');
      const list: ExprNode[] = [];
      do list.push(this.expr());
      while (this.acceptOperator(','));
      this.expectOperator(')', ["','", "')'"]);
      return { kind: 'in', pos: k, operand: left, list, negated };
    }
    if (this.acceptKeyword('LIKE')) {
      const pattern = this.additive();
      if (this.isKeyword(this.peek(), 'ESCAPE')) this.unsupported(this.peek(), 'LIKE ... ESCAPE');
      return { kind: 'like', pos: k, operand: left, pattern, negated };
    }
    return left;
  }

  private additive(): ExprNode {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'operator' || !['+', '-', '&', '|', '^'].includes(t.value)) return left;
      this.next();
      left = {
        kind: 'binary',
        pos: t,
        op: t.value as BinaryOperatorNode,
        left,
        right: this.multiplicative(),
      };
    }
  }

  private multiplicative(): ExprNode {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'operator' || !['*', '/', '%'].includes(t.value)) return left;
      this.next();
      left = { kind: 'binary', pos: t, op: t.value as BinaryOperatorNode, left, right: this.unary() };
    }
  }

  private unary(): ExprNode {
    const t = this.peek();
    if (t.kind === 'operator' && (t.value === '-' || t.value === '+' || t.value === '~')) {
      this.next();
      const op = t.value === '-' ? 'negate' : t.value === '+' ? 'plus' : 'bitNot';
      return { kind: 'unary', pos: t, op, operand: this.unary() };
    }
    let node = this.primary();
    while ((node.kind === 'call' || node.kind === 'member') && this.isOperator(this.peek(), '.')) {
      const dot = this.next();
      const member = this.memberSegment();
      node = { kind: 'member', pos: dot, object: node, member };
    }
    return node;
  }

  private primary(): ExprNode {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'literal', pos: t, value: { type: 'number', text: t.value } };
      case 'string':
        this.next();
        return { kind: 'literal', pos: t, value: { type: 'string', text: t.value } };
      case 'operator':
        if (t.value === '(') {
          this.next();
          if (this.isKeyword(this.peek(), 'SELECT'))
            this.unsupported(this.peek(), 'a subquery in an expression');
          const inner = this.expr();
          this.expectOperator(')');
          return inner;
        }
        break;
      case 'word':
        if (t.upper === 'NULL') {
          this.next();
          return { kind: 'literal', pos: t, value: { type: 'null' } };
        }
        if (t.upper === 'CASE') return this.caseExpr();
        if (t.upper === 'CAST' || t.upper === 'TRY_CAST') return this.cast();
        if (reservedFunctionNames.has(t.upper) && this.isOperator(this.peek(1), '(')) {
          this.next();
          return this.call([{ name: t.value, quoted: false, pos: t }], t);
        }
        if (!reserved.has(t.upper)) return this.nameOrCall();
        break;
      case 'quoted':
        return this.nameOrCall();
      case 'eof':
        break;
    }
    return this.fail(['an expression']);
  }

  private nameOrCall(): ExprNode {
    const start = this.peek();
    const path: NameSegment[] = [this.nameSegment('a name')];
    while (this.isOperator(this.peek(), '.') && this.isNameOrWord(this.peek(1))) {
      this.next();
      path.push(this.memberSegment());
    }
    const [first, second] = path;
    const isSystemTimestamp =
      path.length === 2 &&
      !first!.quoted &&
      !second!.quoted &&
      first!.name.toUpperCase() === 'SYSTEM' &&
      second!.name.toUpperCase() === 'TIMESTAMP';
    if (isSystemTimestamp) {
      if (this.acceptOperator('(')) this.expectOperator(')', ["')' (System.Timestamp() takes no arguments)"]);
      return { kind: 'systemTimestamp', pos: start };
    }
    if (this.isOperator(this.peek(), '(')) return this.call(path, start);
    return { kind: 'name', pos: start, path };
  }

  private call(name: readonly NameSegment[], start: Token): CallNode {
    this.expectOperator('(');
    let star = false;
    let quantifier: CallNode['quantifier'];
    const args: ExprNode[] = [];
    if (this.isOperator(this.peek(), '*') && this.isOperator(this.peek(1), ')')) {
      this.next();
      star = true;
    } else if (!this.isOperator(this.peek(), ')')) {
      if (this.acceptKeyword('DISTINCT')) quantifier = 'distinct';
      else if (this.acceptKeyword('ALL')) quantifier = 'all';
      do args.push(this.expr());
      while (this.acceptOperator(','));
    }
    this.expectOperator(')', args.length > 0 ? ["','", "')'"] : ["')'"]);
    let over: OverClause | undefined;
    if (this.isKeyword(this.peek(), 'OVER') && this.isOperator(this.peek(1), '(')) over = this.over();
    return {
      kind: 'call',
      pos: start,
      name,
      args,
      star,
      ...(quantifier ? { quantifier } : {}),
      ...(over ? { over } : {}),
    };
  }

  private over(): OverClause {
    const pos = this.expectKeyword('OVER');
    this.expectOperator('(');
    const partitionBy: ExprNode[] = [];
    const orderBy: { expr: ExprNode; descending: boolean }[] = [];
    let limitDuration: CallNode | undefined;
    let when: ExprNode | undefined;
    if (this.acceptKeyword('PARTITION')) {
      this.expectKeyword('BY');
      do partitionBy.push(this.expr());
      while (this.acceptOperator(','));
    }
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do {
        const expr = this.expr();
        let descending = false;
        const d = this.peek();
        if (d.kind === 'word' && (d.upper === 'ASC' || d.upper === 'DESC')) {
          this.next();
          descending = d.upper === 'DESC';
        }
        orderBy.push({ expr, descending });
      } while (this.acceptOperator(','));
    }
    if (this.acceptKeyword('LIMIT')) {
      const d = this.peek();
      if (d.kind !== 'word' || d.upper !== 'DURATION') this.fail(['DURATION']);
      this.next();
      limitDuration = this.call([{ name: d.value, quoted: false, pos: d }], d);
    }
    if (this.acceptKeyword('WHEN')) when = this.expr();
    const expected: string[] = [];
    if (partitionBy.length === 0 && orderBy.length === 0 && !limitDuration && !when)
      expected.push('PARTITION BY');
    if (orderBy.length === 0 && !limitDuration && !when) expected.push('ORDER BY');
    if (!limitDuration && !when) expected.push('LIMIT DURATION');
    if (!when) expected.push('WHEN');
    this.expectOperator(')', [...expected, "')'"]);
    return {
      pos,
      partitionBy,
      orderBy,
      ...(limitDuration ? { limitDuration } : {}),
      ...(when ? { when } : {}),
    };
  }

  private caseExpr(): ExprNode {
    const pos = this.expectKeyword('CASE');
    const operand = this.isKeyword(this.peek(), 'WHEN') ? undefined : this.expr();
    const branches: { when: ExprNode; then: ExprNode }[] = [];
    while (this.acceptKeyword('WHEN')) {
      const when = this.expr();
      this.expectKeyword('THEN');
      branches.push({ when, then: this.expr() });
    }
    if (branches.length === 0) this.fail(['WHEN']);
    const otherwise = this.acceptKeyword('ELSE') ? this.expr() : undefined;
    this.expectKeyword('END', otherwise ? ['END'] : ['WHEN', 'ELSE', 'END']);
    return {
      kind: 'case',
      pos,
      ...(operand ? { operand } : {}),
      branches,
      ...(otherwise ? { otherwise } : {}),
    };
  }

  private cast(): ExprNode {
    const start = this.next();
    this.expectOperator('(');
    const operand = this.expr();
    this.expectKeyword('AS');
    const type = this.typeName();
    this.expectOperator(')');
    return {
      kind: 'cast',
      pos: start,
      operand,
      typeName: type.name,
      typePos: type.pos,
      isTry: start.upper === 'TRY_CAST',
    };
  }

  private typeName(): { name: string; pos: Token } {
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'quoted')
      this.fail(['a data type (bigint, float, nvarchar(max), datetime, bit, record, array)']);
    this.next();
    let name = t.value;
    if (this.acceptOperator('(')) {
      const arg = this.peek();
      if (arg.kind !== 'word' && arg.kind !== 'number') this.fail(['MAX']);
      this.next();
      this.expectOperator(')');
      name += `(${arg.value})`;
    }
    return { name, pos: t };
  }

  // ---- tokens -----------------------------------------------------------------------------------------

  private nameSegment(what: string): NameSegment {
    const t = this.peek();
    if (t.kind === 'quoted' || (t.kind === 'word' && !reserved.has(t.upper))) {
      this.next();
      return { name: t.value, quoted: t.kind === 'quoted', pos: t };
    }
    return this.fail(
      [what],
      t.kind === 'word' ? 'a keyword; write it in [brackets] to use it as a name' : undefined,
    );
  }

  /** A name after a '.': keywords are names there (System.Timestamp, Input.[From]). */
  private memberSegment(): NameSegment {
    const t = this.peek();
    if (!this.isNameOrWord(t)) this.fail(['a name after the dot']);
    this.next();
    return { name: t.value, quoted: t.kind === 'quoted', pos: t };
  }

  private isNameToken(t: Token): boolean {
    return t.kind === 'quoted' || (t.kind === 'word' && !reserved.has(t.upper));
  }

  private isNameOrWord(t: Token): boolean {
    return t.kind === 'quoted' || t.kind === 'word';
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (this.index < this.tokens.length - 1) this.index++;
    return t;
  }

  private isKeyword(t: Token, keyword: string): boolean {
    return t.kind === 'word' && t.upper === keyword;
  }

  private isOperator(t: Token, op: string): boolean {
    return t.kind === 'operator' && t.value === op;
  }

  private acceptKeyword(keyword: string): Token | undefined {
    return this.isKeyword(this.peek(), keyword) ? this.next() : undefined;
  }

  private acceptOperator(op: string): Token | undefined {
    return this.isOperator(this.peek(), op) ? this.next() : undefined;
  }

  private expectKeyword(keyword: string, expected: readonly string[] = [keyword]): Token {
    return this.acceptKeyword(keyword) ?? this.fail(expected);
  }

  private expectOperator(op: string, expected: readonly string[] = [`'${op}'`]): Token {
    return this.acceptOperator(op) ?? this.fail(expected);
  }

  private fail(expected: readonly string[], note?: string): never {
    const t = this.peek();
    throw new QuerySyntaxError(t, describeToken(t), expected, note);
  }

  private unsupported(t: Token, what: string): never {
    throw new QueryCompileError(t, describeToken(t), 'unsupported', what);
  }
}
