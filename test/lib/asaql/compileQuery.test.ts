import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileQuery, type CompileQueryOptions } from '../../../src/lib/asaql/compileQuery';
import { QueryCompileError } from '../../../src/lib/asaql/queryCompileError';
import { compileJob } from '../../../src/lib/engine/compileJob';
import { e, type Expr } from '../../../src/lib/engine/expr';
import { defaultJob, type JobDefinition, type StatementDefinition } from '../../../src/lib/engine/job';

const compile = (text: string, options: Partial<CompileQueryOptions> = {}): JobDefinition =>
  compileQuery(text, { name: 'test', ...options });

const statement = (text: string, options: Partial<CompileQueryOptions> = {}): StatementDefinition =>
  compile(text, options).statements[0]!;

/** The compiled expression of `SELECT <expr> AS x INTO o FROM i`. */
const exprOf = (expr: string): Expr => {
  const select = statement(`SELECT ${expr} AS x INTO o FROM i`).select;
  if (select === '*') throw new Error('*');
  return select[0]!.expr;
};

const whereOf = (condition: string): Expr | undefined =>
  statement(`SELECT a INTO o FROM i WHERE ${condition}`).where;

function compileError(text: string, options: Partial<CompileQueryOptions> = {}): QueryCompileError {
  try {
    compile(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(QueryCompileError);
    return error as QueryCompileError;
  }
  throw new Error(`expected ${text} to fail`);
}

const f = (...path: string[]): Expr => e.field(...path);
const lit = e.lit;

describe('compileQuery', () => {
  it('compiles the seed query (jobs/clicks-per-user-product.asaql) into exactly the default job', () => {
    const text = readFileSync(join(__dirname, '../../../jobs/clicks-per-user-product.asaql'), 'utf8');
    const job = compileQuery(text, { name: 'clicks-per-user-product', contract: 'clickstream' });
    expect(job).toEqual(defaultJob);
    expect(() => compileJob(job)).not.toThrow();
  });

  it('names the job and its input, and takes the event-ordering policy and contract from the options', () => {
    const policy = {
      lateArrivalToleranceInSeconds: -1,
      outOfOrderToleranceInSeconds: 3,
      action: 'drop',
    } as const;
    const job = compile('SELECT * INTO Out FROM Events', { name: 'my-job', eventOrdering: policy });
    expect(job).toEqual({
      name: 'my-job',
      inputs: [{ name: 'Events', contract: 'none' }],
      eventOrdering: policy,
      statements: [{ output: 'Out', input: 'Events', select: '*' }],
    });
  });

  it('compiles projections: aliases, names from fields, nested paths, qualifiers and [quoted] names', () => {
    const s =
      statement(`SELECT i.Make, Device.Os.Name, [my field] AS [Field Two], Total = a * 2, System.Timestamp AS t
      INTO o FROM Input i`);
    expect(s.select).toEqual([
      { alias: 'Make', expr: f('Make') },
      { alias: 'Name', expr: f('Device', 'Os', 'Name') },
      { alias: 'Field Two', expr: f('my field') },
      { alias: 'Total', expr: e.bin('*', f('a'), lit(2)) },
      { alias: 't', expr: e.timestamp() },
    ]);
    expect(statement('SELECT Input.* INTO o FROM Input').select).toBe('*');
  });

  it('compiles TIMESTAMP BY a field or an expression', () => {
    expect(compile('SELECT * INTO o FROM i TIMESTAMP BY t').inputs[0]!.timestampBy).toEqual(f('t'));
    expect(
      compile("SELECT * INTO o FROM i TIMESTAMP BY DATEADD(millisecond, epochtime, '1970-01-01T00:00:00Z')")
        .inputs[0]!.timestampBy,
    ).toEqual(e.call('dateadd', lit('millisecond'), f('epochtime'), lit('1970-01-01T00:00:00Z')));
  });

  it.each([
    ['TumblingWindow(second, 10)', { kind: 'tumbling', sizeInMs: 10_000 }],
    ['Tumbling(mi, 5)', { kind: 'tumbling', sizeInMs: 300_000 }],
    ['TUMBLINGWINDOW(minute, 60, 30)', { kind: 'tumbling', sizeInMs: 3_600_000, offsetInMs: 1_800_000 }],
    ['TumblingWindow(hh, 1)', { kind: 'tumbling', sizeInMs: 3_600_000 }],
    [
      'TumblingWindow(Duration(hour, 1), Offset(millisecond, -1))',
      { kind: 'tumbling', sizeInMs: 3_600_000, offsetInMs: -1 },
    ],
    ['TumblingWindow(d, 1)', { kind: 'tumbling', sizeInMs: 86_400_000 }],
    ['TumblingWindow(dd, 1)', { kind: 'tumbling', sizeInMs: 86_400_000 }],
    ['TumblingWindow(n, 2)', { kind: 'tumbling', sizeInMs: 120_000 }],
    ['TumblingWindow(ss, 3)', { kind: 'tumbling', sizeInMs: 3000 }],
    ['TumblingWindow(s, 3)', { kind: 'tumbling', sizeInMs: 3000 }],
    ['TumblingWindow(ms, 250)', { kind: 'tumbling', sizeInMs: 250 }],
    ['TumblingWindow(mcs, 5000)', { kind: 'tumbling', sizeInMs: 5 }],
    ['TumblingWindow(microsecond, 1000)', { kind: 'tumbling', sizeInMs: 1 }],
    ['TumblingWindow(Duration(second, 1.5))', { kind: 'tumbling', sizeInMs: 1500 }],
    ['HoppingWindow(second, 10, 5)', { kind: 'hopping', sizeInMs: 10_000, hopInMs: 5000 }],
    [
      'Hopping(minute, 10, 5, 1)',
      { kind: 'hopping', sizeInMs: 600_000, hopInMs: 300_000, offsetInMs: 60_000 },
    ],
    [
      'HoppingWindow(Duration(hour, 1), Hop(minute, 5), Offset(millisecond, -1))',
      { kind: 'hopping', sizeInMs: 3_600_000, hopInMs: 300_000, offsetInMs: -1 },
    ],
    ['SlidingWindow(minute, 5)', { kind: 'sliding', sizeInMs: 300_000 }],
    ['Sliding(Duration(second, 10))', { kind: 'sliding', sizeInMs: 10_000 }],
    ['SessionWindow(minute, 1, 60)', { kind: 'session', timeoutInMs: 60_000, maxDurationInMs: 3_600_000 }],
    [
      'Session(Timeout(second, 5), MaxDuration(minute, 1))',
      { kind: 'session', timeoutInMs: 5000, maxDurationInMs: 60_000 },
    ],
  ])('compiles GROUP BY %s', (window, spec) => {
    const s = statement(`SELECT COUNT(*) AS n INTO o FROM i GROUP BY ${window}`);
    expect(s.groupBy).toEqual({ keys: [], window: spec });
  });

  it('compiles a snapshot window (GROUP BY System.Timestamp()) with keys', () => {
    const s = statement('SELECT Topic, COUNT(*) AS n INTO o FROM i GROUP BY Topic, System.Timestamp()');
    expect(s.groupBy).toEqual({ keys: [f('Topic')], window: { kind: 'snapshot' } });
  });

  it('accepts a session window partitioned by exactly its GROUP BY columns', () => {
    const s = statement(
      'SELECT u, COUNT(*) AS n INTO o FROM i GROUP BY u, SessionWindow(minute, 1, 60) OVER (PARTITION BY U)',
    );
    expect(s.groupBy?.keys).toEqual([f('u')]);
  });

  it('compiles aggregates, HAVING with SELECT aliases, and expressions over keys', () => {
    const s =
      statement(`SELECT Make, COUNT(*) AS [Count], COUNT(x) AS c, COUNT(DISTINCT x) AS d, COUNT(ALL x) AS a,
        SUM(w) AS s, AVG(w) AS v, MIN(w) AS lo, MAX(w) AS hi, UPPER(Make) AS up
      INTO o FROM i GROUP BY Make, TumblingWindow(second, 10)
      HAVING [Count] >= 3 AND MAX(w) > 1`);
    expect(s.select).toEqual([
      { alias: 'Make', expr: f('Make') },
      { alias: 'Count', expr: e.countStar() },
      { alias: 'c', expr: e.agg('count', f('x')) },
      { alias: 'd', expr: e.agg('count', f('x'), true) },
      { alias: 'a', expr: e.agg('count', f('x')) },
      { alias: 's', expr: e.agg('sum', f('w')) },
      { alias: 'v', expr: e.agg('avg', f('w')) },
      { alias: 'lo', expr: e.agg('min', f('w')) },
      { alias: 'hi', expr: e.agg('max', f('w')) },
      { alias: 'up', expr: e.call('upper', f('Make')) },
    ]);
    expect(s.having).toEqual(
      e.bin('and', e.bin('>=', e.countStar(), lit(3)), e.bin('>', e.agg('max', f('w')), lit(1))),
    );
  });

  it('reads a name in HAVING as a GROUP BY column before a SELECT alias of the same expression', () => {
    const s = statement(
      "SELECT Make AS Make, COUNT(*) AS n INTO o FROM i GROUP BY Make, TumblingWindow(s, 1) HAVING Make = 'x' AND n > 1",
    );
    expect(s.having).toEqual(
      e.bin('and', e.bin('=', f('Make'), lit('x')), e.bin('>', e.countStar(), lit(1))),
    );
  });

  it('compiles several SELECT ... INTO statements over one input', () => {
    const job = compile(`SELECT * INTO Archive FROM Input TIMESTAMP BY Time
      SELECT Make, COUNT(*) AS n INTO Alerts FROM Input TIMESTAMP BY Time GROUP BY Make, TumblingWindow(second, 10)`);
    expect(job.statements.map((s) => [s.output, s.input])).toEqual([
      ['Archive', 'Input'],
      ['Alerts', 'Input'],
    ]);
    expect(job.inputs).toEqual([{ name: 'Input', timestampBy: f('Time'), contract: 'none' }]);
  });

  it('inlines WITH steps that filter and project, also chained and read by several statements', () => {
    const job =
      compile(`WITH Valid AS (SELECT Make, CAST(Weight AS bigint) AS W, Time FROM Input TIMESTAMP BY Time WHERE Weight IS NOT NULL),
        Heavy AS (SELECT * FROM Valid WHERE W > 1000)
      SELECT Make, SUM(v.W) AS Total INTO Sums FROM Valid v GROUP BY Make, TumblingWindow(second, 10)
      SELECT * INTO HeavyOnes FROM Heavy`);
    const weight = e.call('cast', f('Weight'), lit('bigint'));
    const valid: Expr = { kind: 'unary', op: 'isNotNull', operand: f('Weight') };
    expect(job.inputs).toEqual([{ name: 'Input', timestampBy: f('Time'), contract: 'none' }]);
    expect(job.statements[0]).toEqual({
      output: 'Sums',
      input: 'Input',
      where: valid,
      groupBy: { keys: [f('Make')], window: { kind: 'tumbling', sizeInMs: 10_000 } },
      select: [
        { alias: 'Make', expr: f('Make') },
        { alias: 'Total', expr: e.agg('sum', weight) },
      ],
    });
    expect(job.statements[1]).toEqual({
      output: 'HeavyOnes',
      input: 'Input',
      where: e.bin('and', valid, e.bin('>', weight, lit(1000))),
      select: [
        { alias: 'Make', expr: f('Make') },
        { alias: 'W', expr: weight },
        { alias: 'Time', expr: f('Time') },
      ],
    });
  });

  it('merges HAVING without GROUP BY into WHERE, as ASA documents', () => {
    expect(statement('SELECT a INTO o FROM i WHERE a > 1 HAVING a < 5').where).toEqual(
      e.bin('and', e.bin('>', f('a'), lit(1)), e.bin('<', f('a'), lit(5))),
    );
  });

  it('compiles predicates and CASE into engine expressions with SQL NULL semantics', () => {
    expect(whereOf('a BETWEEN 1 AND 2')).toEqual(
      e.bin('and', e.bin('>=', f('a'), lit(1)), e.bin('<=', f('a'), lit(2))),
    );
    expect(whereOf('a NOT IN (1, 2)')).toEqual(
      e.not(e.bin('or', e.bin('=', f('a'), lit(1)), e.bin('=', f('a'), lit(2)))),
    );
    expect(whereOf("a NOT LIKE 'x%'")).toEqual(e.not(e.call('like', f('a'), lit('x%'))));
    expect(whereOf('a IS NULL')).toEqual({ kind: 'unary', op: 'isNull', operand: f('a') });
    expect(whereOf('NOT a = -1')).toEqual(e.not(e.bin('=', f('a'), lit(-1))));
    expect(exprOf("CASE t WHEN 'S' THEN 'Sedan' ELSE NULL END")).toEqual({
      kind: 'case',
      branches: [{ when: e.bin('=', f('t'), lit('S')), then: lit('Sedan') }],
      otherwise: lit(null),
    });
  });

  it('compiles CAST, date functions and their date parts, and the scalar functions', () => {
    expect(exprOf('CAST(w AS NVARCHAR(MAX))')).toEqual(e.call('cast', f('w'), lit('nvarchar(max)')));
    expect(exprOf('TRY_CAST(w AS float)')).toEqual(e.call('try_cast', f('w'), lit('float')));
    expect(exprOf('DATEADD(mi, 5, t)')).toEqual(e.call('dateadd', lit('minute'), lit(5), f('t')));
    expect(exprOf('DATEDIFF(ss, a, b)')).toEqual(e.call('datediff', lit('second'), f('a'), f('b')));
    expect(exprOf('DATEPART(dw, t)')).toEqual(e.call('datepart', lit('weekday'), f('t')));
    expect(exprOf('YEAR(t)')).toEqual(e.call('datepart', lit('year'), f('t')));
    expect(exprOf('SUBSTRING(a, 1, 2)')).toEqual(e.call('substring', f('a'), lit(1), lit(2)));
    expect(exprOf("GetRecordPropertyValue(r, 'k')")).toEqual(
      e.call('getrecordpropertyvalue', f('r'), lit('k')),
    );
  });

  it('reads a string compared with a datetime as a datetime', () => {
    expect(whereOf("System.Timestamp() > '2021-01-01T00:00:00Z'")).toEqual(
      e.bin('>', e.timestamp(), e.call('cast', lit('2021-01-01T00:00:00Z'), lit('datetime'))),
    );
    expect(compileError("SELECT a INTO o FROM i WHERE System.Timestamp() > 'soon'").message).toBe(
      "1:49: expected a datetime (ISO 8601) to compare with a datetime, received 'soon'",
    );
  });

  it.each([
    [
      'CREATE TABLE i (a bigint);\nSELECT a INTO o FROM i',
      '1:1: not supported yet: CREATE TABLE (typed input schemas)',
    ],
    [
      'SELECT a INTO o FROM i\n  JOIN r ON DATEDIFF(minute, i, r) BETWEEN 0 AND 10',
      '2:3: not supported yet: JOIN (stream-to-stream and reference-data joins)',
    ],
    [
      'SELECT a INTO o FROM i CROSS APPLY GetArrayElements(i.x) AS e',
      '1:24: not supported yet: CROSS APPLY / OUTER APPLY',
    ],
    ['SELECT a INTO o FROM i UNION SELECT a FROM j', '1:24: not supported yet: UNION'],
    ['SELECT DISTINCT a INTO o FROM i', '1:8: not supported yet: SELECT DISTINCT'],
    [
      'SELECT a INTO o FROM i WHERE LAG(a, 1) OVER (LIMIT DURATION(minute, 1)) <> a',
      '1:30: not supported yet: the LAG analytic function',
    ],
    [
      "SELECT LAST(t) OVER (PARTITION BY u LIMIT DURATION(hour, 1) WHEN e = 'start') AS l INTO o FROM i",
      '1:8: not supported yet: the LAST analytic function',
    ],
    [
      'SELECT a INTO o FROM i WHERE IsFirst(minute, 10) = 1',
      '1:30: not supported yet: the ISFIRST analytic function',
    ],
    [
      'SELECT TopOne() OVER (ORDER BY t DESC) AS top1 INTO o FROM i GROUP BY TumblingWindow(minute, 1)',
      '1:8: not supported yet: the TopOne() aggregate',
    ],
    [
      'SELECT STDEV(a) AS s INTO o FROM i GROUP BY TumblingWindow(minute, 1)',
      '1:8: not supported yet: the STDEV aggregate',
    ],
    [
      'SELECT SUM(a) OVER (PARTITION BY b LIMIT DURATION(hour, 1)) AS s INTO o FROM i',
      '1:15: not supported yet: SUM(...) OVER (...) (analytic functions)',
    ],
    [
      "SELECT AnomalyDetection_SpikeAndDip(v, 95, 120, 'spikesanddips') OVER (LIMIT DURATION(second, 120)) AS s INTO o FROM i",
      '1:8: not supported yet: AnomalyDetection_SpikeAndDip',
    ],
    [
      'SELECT AnomalyDetection_ChangePoint(v, 80, 1200) OVER (LIMIT DURATION(minute, 20)) AS s INTO o FROM i',
      '1:8: not supported yet: AnomalyDetection_ChangePoint',
    ],
    [
      'SELECT SUM(DISTINCT a) AS s INTO o FROM i GROUP BY TumblingWindow(minute, 1)',
      '1:8: not supported yet: SUM(DISTINCT ...)',
    ],
    ['SELECT udf.parse(a) AS p INTO o FROM i', '1:8: not supported yet: user-defined function udf.parse'],
    [
      'SELECT System.Window().Id AS w INTO o FROM i',
      '1:24: not supported yet: a property of a computed value (use a record field path)',
    ],
    [
      'SELECT a INTO o FROM i PARTITION BY PartitionId',
      '1:24: not supported yet: PARTITION BY in FROM (per-partition processing)',
    ],
    [
      'SELECT a INTO o FROM i TIMESTAMP BY t OVER TollId',
      '1:24: not supported yet: TIMESTAMP BY ... OVER (substreams)',
    ],
    [
      'WITH s AS (SELECT a, COUNT(*) AS n FROM i GROUP BY a, TumblingWindow(minute, 1))\nSELECT * INTO o FROM s',
      '1:43: not supported yet: WITH step s with GROUP BY read by another statement (multi-step queries)',
    ],
    [
      'SELECT a INTO o FROM i\nSELECT b INTO p FROM j',
      '2:22: not supported yet: statements reading different inputs (i and j); the engine streams one input',
    ],
    [
      'SELECT a INTO o FROM i TIMESTAMP BY t\nSELECT b INTO p FROM i',
      '2:22: not supported yet: statements reading input i with different TIMESTAMP BY',
    ],
    [
      'SELECT u, COUNT(*) AS n INTO o FROM i GROUP BY u, SessionWindow(second, 5, 10)',
      '1:51: not supported yet: a SessionWindow without OVER (PARTITION BY <exactly the GROUP BY columns>): the engine keeps one session per group, ASA one per partition key',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY Windows(TumblingWindow(minute, 1), HoppingWindow(minute, 2, 1))',
      '1:45: not supported yet: Windows(...) (several windows in one GROUP BY)',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY System.Timestamp(), TumblingWindow(hour, 2)',
      '1:45: not supported yet: System.Timestamp() as a GROUP BY key beside a window',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY HoppingWindow(hour, 1, 1)\nSELECT COUNT(*) AS n INTO p FROM i GROUP BY HoppingWindow(minute, 60, 0.5)',
      '2:45: not supported yet: a hopping window with more than 100 windows per event (size 3600000 ms / hop 30000 ms)',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(mcs, 1500)',
      '1:65: not supported yet: a window duration that is not a whole number of milliseconds (1500 x 1 microseconds)',
    ],
    [
      'SELECT DATEPART(microsecond, t) AS m INTO o FROM i',
      '1:17: not supported yet: the microsecond date part (datetimes hold milliseconds)',
    ],
    ["SELECT 'a' + b AS c INTO o FROM i", "1:12: not supported yet: '+' on strings (use CONCAT)"],
    ['SELECT a & 1 AS c INTO o FROM i', '1:10: not supported yet: bitwise operators'],
    [
      'SELECT a INTO o FROM i WHERE flag = true',
      '1:37: not supported yet: TRUE and FALSE literals (use 1 and 0; write [true] for a column named true)',
    ],
    [
      'SELECT 9007199254740993 AS big INTO o FROM i',
      '1:8: not supported yet: an integer beyond 9007199254740991 (bigint precision)',
    ],
    ['SELECT ROUND(a, 1) AS r INTO o FROM i', '1:8: not supported yet: ROUND'],
  ])('rejects %j as not supported yet, at line:column', (text, message) => {
    const error = compileError(text);
    expect(error.reason).toBe('unsupported');
    expect(error.message).toBe(message);
  });

  it('rejects reading reference data, and names the declared inputs when FROM names another', () => {
    const inputs = [
      { name: 'Stream', kind: 'stream' as const },
      { name: 'Products', kind: 'reference' as const },
    ];
    expect(compileError('SELECT * INTO o FROM Products', { inputs }).message).toBe(
      '1:22: not supported yet: reading reference data input Products (reference data JOINs)',
    );
    expect(compileError('SELECT * INTO o FROM Strem', { inputs }).message).toBe(
      '1:22: expected an input or step (Stream, Products), received Strem',
    );
  });

  it.each([
    ['SELECT a FROM i', '1:1: expected INTO <output> in a SELECT that is not a WITH step, received none'],
    [
      'SELECT a INTO [out put] FROM i',
      "1:15: expected an output name of letters, digits, '_' or '-' (1 to 63, starting with a letter), received out put",
    ],
    [
      'SELECT a + 1 INTO o FROM i',
      '1:8: expected AS <alias> after a computed column (it needs a name), received none',
    ],
    ['SELECT a, b AS A INTO o FROM i', '1:16: expected a unique column name, received A again'],
    [
      'SELECT COUNT(*) AS n INTO o FROM i',
      '1:8: aggregate COUNT cannot be used in a SELECT without GROUP BY (an aggregate needs a window in GROUP BY)',
    ],
    [
      'SELECT a INTO o FROM i WHERE COUNT(*) > 1',
      '1:30: aggregate COUNT cannot be used in WHERE (use HAVING)',
    ],
    [
      'SELECT SUM(MAX(a)) AS s INTO o FROM i GROUP BY TumblingWindow(s, 1)',
      '1:12: aggregate MAX cannot be used in another aggregate',
    ],
    [
      'SELECT a, COUNT(*) AS n INTO o FROM i GROUP BY b',
      '1:39: expected a window in GROUP BY (TumblingWindow, HoppingWindow, SlidingWindow, SessionWindow or System.Timestamp()), received none',
    ],
    [
      'SELECT a, COUNT(*) AS n INTO o FROM i GROUP BY b, TumblingWindow(s, 1)',
      '1:8: expected a in GROUP BY or inside an aggregate, received it bare',
    ],
    [
      'SELECT b, COUNT(*) AS n INTO o FROM i GROUP BY b, TumblingWindow(s, 1) HAVING c > 1',
      '1:79: expected c in GROUP BY or inside an aggregate, received it bare',
    ],
    [
      'SELECT * INTO o FROM i GROUP BY TumblingWindow(s, 1)',
      '1:8: expected explicit columns with GROUP BY, received *',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(s, 1), HoppingWindow(s, 2, 1)',
      '1:67: expected one window in GROUP BY, received a second (use Windows(...))',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(secs, 1)',
      "1:60: expected a time unit: day (dd, d), hour (hh), minute (mi, n), second (ss, s), millisecond (ms), microsecond (mcs); received 'secs'",
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(second, 0)',
      '1:68: expected a positive window size, received 0',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(day, 8)',
      '1:45: TumblingWindow.sizeInMs: expected an integer number of ms in 1..604800000, received 691200000',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY HoppingWindow(second, 5, 10)',
      '1:45: HoppingWindow.hopInMs: expected at most sizeInMs (5000), received 10000',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(second)',
      '1:45: expected TumblingWindow(unit, size[, offset]) or TumblingWindow(Duration(unit, size)[, Offset(unit, offset)]), received 1 arguments',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY TumblingWindow(Offset(second, 1))',
      '1:45: expected TumblingWindow(unit, size[, offset]) or TumblingWindow(Duration(unit, size)[, Offset(unit, offset)])',
    ],
    [
      'SELECT COUNT(*) AS n INTO o FROM i GROUP BY DATEPART(minute, System.Timestamp())',
      '1:45: an expression with System.Timestamp() in GROUP BY is not a window (a window must be specified)',
    ],
    ['SELECT TumblingWindow(s, 1) AS w INTO o FROM i', '1:8: TumblingWindow(...) is only valid in GROUP BY'],
    ['SELECT FOO(a) AS b INTO o FROM i', '1:8: unknown function FOO'],
    ['SELECT LOWER(a, b) AS b INTO o FROM i', '1:8: expected 1 argument for LOWER, received 2'],
    [
      'SELECT DATEADD(fortnight, 1, t) AS d INTO o FROM i',
      "1:16: expected a date part (year, quarter, month, dayofyear, day, week, weekday, hour, minute, second, millisecond or an abbreviation), received 'fortnight'",
    ],
    [
      'SELECT CAST(a AS int) AS b INTO o FROM i',
      "1:18: expected a type (bigint, float, nvarchar(max), datetime, bit, record, array), received 'int'",
    ],
    [
      'SELECT * INTO o FROM i TIMESTAMP BY System.Timestamp()',
      '1:37: System.Timestamp() cannot be used in TIMESTAMP BY (it sets System.Timestamp())',
    ],
    [
      'WITH s AS (SELECT a AS b FROM i)\nSELECT c INTO o FROM s',
      '2:8: expected a column of step s (b), received c',
    ],
    ['WITH s AS (SELECT a FROM s)\nSELECT * INTO o FROM s', '1:26: step s reads itself'],
    ['WITH s AS (SELECT a INTO x FROM i)\nSELECT * INTO o FROM s', '1:26: expected no INTO in WITH step s'],
    [
      'WITH s AS (SELECT a FROM i), s AS (SELECT b FROM i)\nSELECT * INTO o FROM s',
      '1:30: expected a new step name, received s again',
    ],
    [
      'SELECT j.a INTO o FROM i\nSELECT b INTO p FROM j',
      "1:8: j is not in this statement's FROM; expected one of i",
    ],
    [
      "SELECT Make AS m, COUNT(*) AS Make INTO o FROM i GROUP BY Make, TumblingWindow(s, 1) HAVING Make = 'x'",
      '1:93: Make is both a GROUP BY column and a SELECT alias of something else; rename the alias',
    ],
  ])('rejects the mistake %j at line:column, saying what was expected', (text, message) => {
    const error = compileError(text);
    expect(error.reason).toBe('invalid');
    expect(error.message).toBe(message);
  });

  it('compiles every query it accepts into a job the engine validates', () => {
    const queries = [
      'SELECT * INTO o FROM i',
      "SELECT a, CASE WHEN b > 1 THEN 'x' END AS c INTO o FROM i WHERE a LIKE '%y' AND b IN (1, 2, 3)",
      'SELECT Topic, COUNT(*) AS n, System.Timestamp() AS t INTO o FROM i TIMESTAMP BY CreatedAt GROUP BY Topic, SlidingWindow(second, 10) HAVING COUNT(*) >= 3',
      'WITH r AS (SELECT * FROM i TIMESTAMP BY t) SELECT * INTO a FROM r SELECT x, COUNT(*) AS n INTO b FROM r GROUP BY x, HoppingWindow(minute, 10, 5)',
    ];
    for (const q of queries) expect(() => compileJob(compile(q)), q).not.toThrow();
  });
});
