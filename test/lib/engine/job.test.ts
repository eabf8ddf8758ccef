import { describe, expect, it } from 'vitest';

import { compileJob } from '../../../src/lib/engine/compileJob';
import { e, type Expr } from '../../../src/lib/engine/expr';
import {
  defaultJob,
  exprKey,
  jobProblems,
  validateJob,
  type JobDefinition,
  type StatementDefinition,
} from '../../../src/lib/engine/job';

const statement0 = defaultJob.statements[0]!;

/** The default job with its first statement replaced by `patch` applied to it. */
const withStatement = (patch: Partial<StatementDefinition>): JobDefinition => ({
  ...defaultJob,
  statements: [{ ...statement0, ...patch }],
});

describe('the default job', () => {
  it('is valid', () => {
    expect(jobProblems(defaultJob)).toEqual([]);
    expect(validateJob(defaultJob)).toBe(defaultJob);
  });

  it('is the seed query: clicks per user and product, tumbling 10 s, TIMESTAMP BY EventTime, the clickstream contract', () => {
    expect(defaultJob.inputs).toEqual([
      { name: 'EventHubInput', timestampBy: e.field('EventTime'), contract: 'clickstream' },
    ]);
    expect(statement0.groupBy?.window).toEqual({ kind: 'tumbling', sizeInMs: 10_000 });
    expect(statement0.groupBy?.keys).toEqual([e.field('UserId'), e.field('ProductId')]);
    expect(statement0.select).toEqual([
      { alias: 'WindowEnd', expr: e.timestamp() },
      { alias: 'UserId', expr: e.field('UserId') },
      { alias: 'ProductId', expr: e.field('ProductId') },
      { alias: 'ClickCount', expr: e.countStar() },
    ]);
  });

  it('is JSON-serialisable: its JSON form is equal and valid', () => {
    const copy = JSON.parse(JSON.stringify(defaultJob)) as JobDefinition;
    expect(copy).toEqual(defaultJob);
    expect(jobProblems(copy)).toEqual([]);
  });

  it('compiles', () => {
    const job = compileJob(defaultJob);
    expect(job.outputs).toEqual(['PowerBIOutput']);
    expect(job.input.contract).toBe('clickstream');
    expect(job.input.maxEventSizeInBytes).toBe(1024 * 1024);
    expect(job.statements[0]!.aggregates.map((a) => a.kind)).toEqual(['countStar']);
  });
});

describe('jobProblems, one problem at a time', () => {
  const w = 'job.statements[0]';
  it.each<[string, JobDefinition, string]>([
    [
      'an empty name',
      { ...defaultJob, name: '' },
      'job.name: expected a string of 1..128 characters, received ""',
    ],
    [
      'a name of 129 characters',
      { ...defaultJob, name: 'n'.repeat(129) },
      `job.name: expected a string of 1..128 characters, received "${'n'.repeat(129)}"`,
    ],
    [
      'a bad late tolerance',
      { ...defaultJob, eventOrdering: { ...defaultJob.eventOrdering, lateArrivalToleranceInSeconds: -2 } },
      'job.eventOrdering.lateArrivalToleranceInSeconds: expected an integer in -1..1814399, received -2',
    ],
    [
      'an aggregate in TIMESTAMP BY',
      {
        ...defaultJob,
        inputs: [{ ...defaultJob.inputs[0]!, timestampBy: e.agg('max', e.field('EventTime')) }],
      },
      'job.inputs[0].timestampBy: expected a scalar expression, received an aggregate',
    ],
    [
      'a fractional max event size',
      { ...defaultJob, inputs: [{ ...defaultJob.inputs[0]!, maxEventSizeInBytes: 1.5 }] },
      'job.inputs[0].maxEventSizeInBytes: expected a positive integer, received 1.5',
    ],
    [
      'no statement',
      { ...defaultJob, statements: [] },
      'job.statements: expected at least 1 statement, received 0',
    ],
    [
      'an unknown input',
      withStatement({ input: 'Elsewhere' }),
      `${w}.input: expected one of eventhubinput, received Elsewhere`,
    ],
    [
      'a bad output name',
      withStatement({ output: '1st output' }),
      `${w}.output: expected a name of letters, digits, '_' or '-' (1..63), received 1st output`,
    ],
    [
      'an aggregate in WHERE',
      withStatement({ where: e.bin('>', e.countStar(), e.lit(1)) }),
      `${w}.where: expected a scalar condition, received an aggregate (use HAVING)`,
    ],
    [
      'a bad window',
      withStatement({
        groupBy: { keys: statement0.groupBy!.keys, window: { kind: 'tumbling', sizeInMs: 0 } },
      }),
      `${w}.groupBy.window.sizeInMs: expected an integer number of ms in 1..604800000, received 0`,
    ],
    [
      'an ungrouped column',
      withStatement({ select: [...(statement0.select as []), { alias: 'Page', expr: e.field('page') }] }),
      `${w}.select[4] (Page): expected page in GROUP BY or inside an aggregate, received it bare`,
    ],
    [
      'an ungrouped column inside a scalar function',
      withStatement({
        select: [...(statement0.select as []), { alias: 'P', expr: e.call('lower', e.field('page')) }],
      }),
      `${w}.select[4] (P): expected page in GROUP BY or inside an aggregate, received it bare`,
    ],
    [
      'an ungrouped nested column',
      withStatement({
        select: [...(statement0.select as []), { alias: 'Os', expr: e.field('device', 'os') }],
      }),
      `${w}.select[4] (Os): expected device.os in GROUP BY or inside an aggregate, received it bare`,
    ],
    [
      'an ungrouped column in HAVING',
      withStatement({ having: e.bin('=', e.field('Country'), e.lit('US')) }),
      `${w}.having: expected Country in GROUP BY or inside an aggregate, received it bare`,
    ],
    [
      'SELECT * with GROUP BY',
      withStatement({ select: '*' }),
      `${w}.select: expected explicit columns with GROUP BY, received *`,
    ],
    [
      'an aggregate group key',
      withStatement({
        groupBy: { keys: [e.countStar()], window: { kind: 'tumbling', sizeInMs: 10_000 } },
        select: [{ alias: 'N', expr: e.countStar() }],
      }),
      `${w}.groupBy.keys[0]: expected a scalar expression, received an aggregate`,
    ],
    [
      'HAVING without GROUP BY',
      {
        ...defaultJob,
        statements: [{ output: 'Out', input: 'EventHubInput', select: '*', having: e.lit(true) }],
      },
      `${w}.having: expected only with GROUP BY, received a HAVING clause`,
    ],
    [
      'an aggregate without GROUP BY',
      {
        ...defaultJob,
        statements: [
          { output: 'Out', input: 'EventHubInput', select: [{ alias: 'N', expr: e.countStar() }] },
        ],
      },
      `${w}.select[0] (N): expected a scalar expression without GROUP BY, received an aggregate`,
    ],
    [
      'duplicate aliases differing only in case',
      withStatement({ select: [...(statement0.select as []), { alias: 'clickcount', expr: e.countStar() }] }),
      `${w}.select[4].alias: expected a unique column name, received clickcount`,
    ],
    [
      'an empty alias',
      withStatement({ select: [...(statement0.select as []), { alias: '', expr: e.countStar() }] }),
      `${w}.select[4].alias: expected 1..255 characters, received ""`,
    ],
  ])('%s', (_description, job, expected) => {
    expect(jobProblems(job)).toEqual([expected]);
  });
});

describe('jobProblems, everything at once', () => {
  it('without inputs, reports the missing input and the statement reading from it', () => {
    expect(jobProblems({ ...defaultJob, inputs: [] })).toEqual([
      'job.inputs: expected exactly 1 input, received 0',
      'job.statements[0].input: expected one of , received EventHubInput',
    ]);
  });

  it('lists every problem of a job with many of them, in one call', () => {
    const aggregateTs: Expr = e.agg('max', e.field('EventTime'));
    const job: JobDefinition = {
      name: '',
      inputs: [
        { name: 'In', timestampBy: aggregateTs, contract: 'none' },
        { name: 'in', contract: 'none', maxEventSizeInBytes: 0 },
      ],
      eventOrdering: {
        lateArrivalToleranceInSeconds: -2,
        outOfOrderToleranceInSeconds: -1,
        action: 'keep' as 'drop',
      },
      statements: [
        {
          output: 'bad output!',
          input: 'Nope',
          where: e.bin('>', e.countStar(), e.lit(1)),
          groupBy: {
            keys: [e.field('UserId'), e.countStar()],
            window: { kind: 'hopping', sizeInMs: 10, hopInMs: 20 },
          },
          select: [
            { alias: 'UserId', expr: e.field('userid') },
            { alias: 'Page', expr: e.field('Page') },
            { alias: 'Count', expr: e.countStar() },
            { alias: 'COUNT', expr: e.agg('count', e.field('x')) },
          ],
          having: e.bin('>', e.field('Amount'), e.lit(5)),
        },
        { output: 'Out2', input: 'In', select: [{ alias: 'N', expr: e.countStar() }], having: e.lit(true) },
        { output: 'Out3', input: 'in', groupBy: { keys: [], window: { kind: 'snapshot' } }, select: '*' },
      ],
    };
    const expected = [
      'job.name: expected a string of 1..128 characters, received ""',
      'job.eventOrdering.lateArrivalToleranceInSeconds: expected an integer in -1..1814399, received -2',
      'job.eventOrdering.outOfOrderToleranceInSeconds: expected an integer in 0..1814399, received -1',
      `job.eventOrdering.action: expected 'adjust' or 'drop', received "keep"`,
      'job.inputs: expected exactly 1 input, received 2',
      'job.inputs[0].timestampBy: expected a scalar expression, received an aggregate',
      'job.inputs[1].name: expected a unique name, received in',
      'job.inputs[1].maxEventSizeInBytes: expected a positive integer, received 0',
      'job.statements[0].input: expected one of in, received Nope',
      "job.statements[0].output: expected a name of letters, digits, '_' or '-' (1..63), received bad output!",
      'job.statements[0].where: expected a scalar condition, received an aggregate (use HAVING)',
      'job.statements[0].groupBy.window.hopInMs: expected at most sizeInMs (10), received 20',
      'job.statements[0].select[1] (Page): expected Page in GROUP BY or inside an aggregate, received it bare',
      'job.statements[0].having: expected Amount in GROUP BY or inside an aggregate, received it bare',
      'job.statements[0].groupBy.keys[1]: expected a scalar expression, received an aggregate',
      'job.statements[0].select[3].alias: expected a unique column name, received COUNT',
      'job.statements[1].having: expected only with GROUP BY, received a HAVING clause',
      'job.statements[1].select[0] (N): expected a scalar expression without GROUP BY, received an aggregate',
      'job.statements[2].select: expected explicit columns with GROUP BY, received *',
    ];
    const problems = jobProblems(job);
    expect([...problems].sort()).toEqual([...expected].sort());
  });

  it('validateJob throws one RangeError that lists every problem', () => {
    const job: JobDefinition = { ...defaultJob, name: '', statements: [] };
    expect(() => validateJob(job)).toThrow(RangeError);
    expect(() => validateJob(job)).toThrow(
      'Invalid job "":\n  - job.name: expected a string of 1..128 characters, received ""\n' +
        '  - job.statements: expected at least 1 statement, received 0',
    );
  });

  it('compileJob refuses an invalid job with the same RangeError', () => {
    expect(() => compileJob({ ...defaultJob, statements: [] })).toThrow(
      'Invalid job "clicks-per-user-product":\n  - job.statements: expected at least 1 statement, received 0',
    );
  });
});

describe('grouping rules', () => {
  const groupedBy = (keys: Expr[], select: { alias: string; expr: Expr }[], having?: Expr): JobDefinition =>
    withStatement({
      groupBy: { keys, window: { kind: 'tumbling', sizeInMs: 1000 } },
      select,
      ...(having ? { having } : {}),
    });

  it('matches a selected column to its GROUP BY key without regard to case', () => {
    expect(jobProblems(groupedBy([e.field('userid')], [{ alias: 'U', expr: e.field('USERID') }]))).toEqual(
      [],
    );
  });

  it('accepts an expression that equals a GROUP BY expression, and columns inside aggregates', () => {
    const key = e.call('lower', e.field('Page'));
    const select = [
      { alias: 'P', expr: e.call('lower', e.field('page')) },
      { alias: 'L', expr: e.call('len', e.call('lower', e.field('PAGE'))) },
      { alias: 'Total', expr: e.agg('sum', e.field('amount')) },
      { alias: 'T', expr: e.timestamp() },
    ];
    expect(
      jobProblems(groupedBy([key], select, e.bin('>', e.agg('max', e.field('amount')), e.lit(1)))),
    ).toEqual([]);
  });

  it('matches a GROUP BY expression whose function name differs in case (ASA function names are case-insensitive)', () => {
    const key = e.call('LOWER', e.field('Page'));
    expect(exprKey(e.call('lower', e.field('page')))).toBe(exprKey(key));
    expect(jobProblems(groupedBy([key], [{ alias: 'P', expr: e.call('lower', e.field('page')) }]))).toEqual(
      [],
    );
  });

  it('rejects the bare column when only an expression of it is grouped', () => {
    expect(
      jobProblems(
        groupedBy(
          [e.call('lower', e.field('Page'))],
          [{ alias: 'P', expr: e.call('upper', e.field('Page')) }],
        ),
      ),
    ).toEqual([
      'job.statements[0].select[0] (P): expected Page in GROUP BY or inside an aggregate, received it bare',
    ]);
  });

  it('accepts a nested GROUP BY key', () => {
    expect(
      jobProblems(groupedBy([e.field('device', 'os')], [{ alias: 'Os', expr: e.field('Device', 'OS') }])),
    ).toEqual([]);
  });

  it('exprKey ignores the case of field names only', () => {
    expect(exprKey(e.field('UserId'))).toBe(exprKey(e.field('userid')));
    expect(exprKey(e.lit('A'))).not.toBe(exprKey(e.lit('a')));
    expect(exprKey(e.call('lower', e.field('A')))).toBe(exprKey(e.call('lower', e.field('a'))));
  });
});
