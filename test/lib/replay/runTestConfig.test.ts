import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueryLoadError } from '../../../src/lib/asaql/compileQueryFile';
import { runTestConfig } from '../../../src/lib/replay/runTestConfig';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

const query = `-- counts per make, and the raw events
SELECT Make, COUNT(*) AS n, System.Timestamp() AS WindowEnd
INTO Counts
FROM Input TIMESTAMP BY Time
GROUP BY Make, TumblingWindow(second, 10)

SELECT * INTO Raw FROM Input TIMESTAMP BY Time WHERE Make = 'b'
`;

const events = [
  { Make: 'a', Time: '2021-01-01T00:00:01Z' },
  { Make: 'a', Time: '2021-01-01T00:00:02Z' },
  { Make: 'b', Time: '2021-01-01T00:00:03Z' },
];

const jsonl = (rows: unknown[]): string => rows.map((r) => JSON.stringify(r) + '\n').join('');

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cp-testconfig-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const input = (
  alias: string,
  file: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  InputAlias: alias,
  Type: 'Data Stream',
  Format: 'JSON',
  FilePath: file,
  ScriptType: 'InputMock',
  ...extra,
});
const expected = (alias: string, file: string, required: unknown = true): Record<string, unknown> => ({
  OutputAlias: alias,
  FilePath: file,
  Required: required,
});

const options = (configPath: string): Parameters<typeof runTestConfig>[0] => ({
  configPath,
  storageConnectionString: azuriteConnectionString(),
  stateTablePrefix: uniqueName('asatest'),
});

describe('runTestConfig', () => {
  it('passes and fails cases, naming each output result as ASA does, and writes testResultSummary.json', async () => {
    const counts = [
      { Make: 'a', n: 2, WindowEnd: '2021-01-01T00:00:10.0000000Z' },
      { Make: 'b', n: 1, WindowEnd: '2021-01-01T00:00:10Z' },
    ];
    const dir = await project({
      'job.asaql': query,
      'in.json': JSON.stringify(events, null, 2).replace(/\n]$/, ',\n]'),
      'counts.json': jsonl(counts),
      'counts-wrong.json': jsonl([{ ...counts[0], n: 3 }, counts[1]]),
      'raw.json': jsonl([events[2]]),
      'testConfig.json': JSON.stringify({
        Script: 'job.asaql',
        TestCases: [
          {
            Name: 'passes',
            Inputs: [input('Input', 'in.json')],
            ExpectedOutputs: [expected('Counts', 'counts.json'), expected('raw', 'raw.json')],
          },
          {
            Name: 'differs',
            Inputs: [input('Input', 'in.json')],
            ExpectedOutputs: [expected('Counts', 'counts-wrong.json'), expected('Raw', 'raw.json', 'false')],
          },
          {
            Name: 'unexpected output',
            Inputs: [input('Input', 'in.json')],
            ExpectedOutputs: [expected('Counts', 'counts.json')],
          },
          { Name: 'no input', Inputs: [input('Other', 'in.json')], ExpectedOutputs: [] },
          { Name: 'csv', Inputs: [input('Input', 'in.json', { Format: 'CSV' })], ExpectedOutputs: [] },
          {
            Name: 'missing expected file',
            Inputs: [input('Input', 'in.json')],
            ExpectedOutputs: [expected('Counts', 'nope.json')],
          },
          {
            Name: 'reference',
            Inputs: [input('Input', 'in.json', { Type: 'Reference Data' })],
            ExpectedOutputs: [],
          },
          {
            Name: 'stray output',
            Inputs: [input('Input', 'in.json')],
            ExpectedOutputs: [expected('Cuonts', 'counts.json')],
          },
        ],
      }),
    });
    const out = join(dir, 'results');
    const seen: string[] = [];
    const summary = await runTestConfig({
      ...options(join(dir, 'testConfig.json')),
      outputPath: out,
      onCaseResult: (r) => seen.push(r.name),
    });
    expect(seen).toEqual(summary.results.map((r) => r.name));
    expect([summary.total, summary.passed, summary.failed]).toEqual([8, 1, 7]);
    const byName = new Map(summary.results.map((r) => [r.name, r]));
    expect(byName.get('passes')!.outputs.map((o) => [o.alias, o.status])).toEqual([
      ['Counts', 'matched'],
      ['raw', 'matched'],
    ]);
    const differs = byName.get('differs')!;
    expect(differs.outputs.map((o) => [o.alias, o.status])).toEqual([
      ['Counts', 'notEqual'],
      ['Raw', 'unrequired'],
    ]);
    expect(differs.outputs[0]!.comparison!.changed[0]!.columns).toEqual(['n']);
    expect(byName.get('unexpected output')!.outputs.map((o) => [o.alias, o.status])).toEqual([
      ['Counts', 'matched'],
      ['Raw', 'unexpected'],
    ]);
    expect(byName.get('no input')!.error).toMatch(
      /job\.asaql:4:6: expected an input or step \(Other\), received Input\n/,
    );
    expect(byName.get('csv')!.error).toBe('Inputs (Input): not supported yet: Format CSV (JSON only)');
    expect(byName.get('missing expected file')!.error).toMatch(/nope\.json: cannot be read \(ENOENT\)/);
    expect(byName.get('reference')!.error).toMatch(
      /job\.asaql:4:6: not supported yet: reading reference data input Input \(reference data JOINs\)/,
    );
    expect(byName.get('stray output')!.error).toBe(
      'ExpectedOutputs: expected an output of the query (Counts, Raw), received Cuonts',
    );
    const asa = JSON.parse(await readFile(join(out, 'testResultSummary.json'), 'utf8')) as {
      Total: number;
      Failed: number;
      Results: { Name: string; Status: number; OutputMatched: { OutputAlias: string; Output: string }[] }[];
    };
    expect([asa.Total, asa.Failed, asa.Results[0]!.Status, asa.Results[1]!.Status]).toEqual([8, 7, 0, 1]);
    const matched = asa.Results[0]!.OutputMatched.find((o) => o.OutputAlias === 'Counts')!;
    expect((await readFile(matched.Output, 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('takes the event-ordering policy from JobConfig.json beside the script', async () => {
    const dir = await project({
      'job.asaql': 'SELECT n, System.Timestamp() AS t INTO Out FROM Input TIMESTAMP BY EventTime',
      'JobConfig.json': JSON.stringify({
        EventsLateArrivalMaxDelayInSeconds: 15,
        EventsOutOfOrderMaxDelayInSeconds: 0,
        EventsOutOfOrderPolicy: 'Drop',
      }),
      'in.json': JSON.stringify([
        { n: 1, EventTime: '2021-01-01T00:10:00Z', EventEnqueuedUtcTime: '2021-01-01T00:10:40Z' },
        { n: 2, EventTime: '2021-01-01T00:10:41Z', EventEnqueuedUtcTime: '2021-01-01T00:10:41Z' },
      ]),
      'out.json': jsonl([{ n: 2, t: '2021-01-01T00:10:41Z' }]),
      'testConfig.json': JSON.stringify({
        Script: 'job.asaql',
        TestCases: [
          {
            Name: 'late dropped',
            Inputs: [input('Input', 'in.json')],
            ExpectedOutputs: [expected('Out', 'out.json')],
          },
        ],
      }),
    });
    const summary = await runTestConfig(options(join(dir, 'testConfig.json')));
    expect(summary.jobConfigPath).toBe(join(dir, 'JobConfig.json'));
    expect(summary.eventOrdering).toEqual({
      lateArrivalToleranceInSeconds: 15,
      outOfOrderToleranceInSeconds: 0,
      action: 'drop',
    });
    expect(summary.results[0]!.passed).toBe(true);
  });

  it('stops before any case on a query error, naming file:line:column', async () => {
    const dir = await project({
      'job.asaql': 'SELECT a\nINTO o\nFROM i\nWHERE LAG(a) OVER (LIMIT DURATION(second, 1)) = 1',
      'testConfig.json': JSON.stringify({
        Script: 'job.asaql',
        TestCases: [{ Name: 'x', Inputs: [], ExpectedOutputs: [] }],
      }),
    });
    const run = runTestConfig(options(join(dir, 'testConfig.json')));
    await expect(run).rejects.toBeInstanceOf(QueryLoadError);
    await expect(runTestConfig(options(join(dir, 'testConfig.json')))).rejects.toThrow(
      `${join(dir, 'job.asaql')}:4:7: not supported yet: the LAG analytic function\n  4 | WHERE LAG(a) OVER (LIMIT DURATION(second, 1)) = 1\n    |       ^`,
    );
  });
});
