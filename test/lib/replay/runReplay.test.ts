import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileQueryFile } from '../../../src/lib/asaql/compileQueryFile';
import { e } from '../../../src/lib/engine/expr';
import { defaultJob, type JobDefinition } from '../../../src/lib/engine/job';
import { ReplayInputError } from '../../../src/lib/replay/readReplayInput';
import { runReplay, type ReplayOptions } from '../../../src/lib/replay/runReplay';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';
import { parseOutputLines, rowIdentity, writeSimulatedInput } from './replayFixtures';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'cp-replay-'));

function options(dir: string, input: string, overrides: Partial<ReplayOptions> = {}): ReplayOptions {
  return {
    inputPath: input,
    outputPath: join(dir, 'out.jsonl'),
    outputIsDirectory: false,
    deadLetterPath: join(dir, 'dead.jsonl'),
    job: defaultJob,
    storageConnectionString: azuriteConnectionString(),
    stateTableName: uniqueName('replay'),
    ...overrides,
  };
}

/** COUNT(*) per (UserId, ProductId, 10 s tumbling window) computed the simplest way. */
function expectedCounts(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    const t = Date.parse(String(r.eventTime));
    const end = new Date(Math.ceil(t / 10_000) * 10_000).toISOString();
    const key = JSON.stringify(['PowerBIOutput', end, r.userId, r.productId ?? null]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe('runReplay', () => {
  it('emits the seed job rows of an in-order stream exactly as a one-pass count', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.jsonl');
    const lines = await writeSimulatedInput(input, 3000);
    const summary = await runReplay(options(dir, input, { batchSize: 37 }));
    const out = parseOutputLines(await readFile(join(dir, 'out.jsonl'), 'utf8'));
    const got = new Map(out.map((l) => [rowIdentity(l), l.row.ClickCount]));
    expect(got).toEqual(expectedCounts(lines));
    expect(summary.recordsRead).toBe(3000);
    expect(summary.totals.rowsEmitted.PowerBIOutput).toBe(out.length);
  });

  it('gives the same rows over several partitions as over one', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.jsonl');
    await writeSimulatedInput(input, 2000, {
      outOfOrderFractionOfEvents: 0.05,
      maxOutOfOrderDelayInMs: 2000,
    });
    await runReplay(options(dir, input, { outputPath: join(dir, 'one.jsonl') }));
    await runReplay(
      options(dir, input, {
        outputPath: join(dir, 'four.jsonl'),
        partitions: 4,
        partitionKeyField: 'userId',
      }),
    );
    const one = parseOutputLines(await readFile(join(dir, 'one.jsonl'), 'utf8'));
    const four = parseOutputLines(await readFile(join(dir, 'four.jsonl'), 'utf8'));
    const sort = (ls: typeof one): string[] => ls.map((l) => JSON.stringify(l)).sort();
    expect(sort(four)).toEqual(sort(one));
  });

  it('reads a JSON array file (ASA test input) and writes one file per output into a directory', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.json');
    const records = [
      { EventTime: '2021-01-01T00:00:01Z', User: 'a' },
      { EventTime: '2021-01-01T00:00:02Z', User: 'a' },
      { EventTime: '2021-01-01T00:00:03Z', User: 'b' },
    ];
    await writeFile(input, JSON.stringify(records, null, 2));
    const job: JobDefinition = {
      name: 'two-outputs',
      inputs: [{ name: 'Input', timestampBy: e.field('EventTime'), contract: 'none' }],
      eventOrdering: { lateArrivalToleranceInSeconds: -1, outOfOrderToleranceInSeconds: 0, action: 'adjust' },
      statements: [
        {
          output: 'Counts',
          input: 'Input',
          groupBy: { keys: [e.field('User')], window: { kind: 'tumbling', sizeInMs: 2000 } },
          select: [
            { alias: 'WindowEnd', expr: e.timestamp() },
            { alias: 'User', expr: e.field('user') },
            { alias: 'N', expr: e.countStar() },
          ],
        },
        { output: 'Raw', input: 'Input', where: e.bin('=', e.field('User'), e.lit('b')), select: '*' },
      ],
    };
    const outDir = join(dir, 'out');
    await runReplay(options(dir, input, { job, outputPath: outDir, outputIsDirectory: true }));
    const counts = parseOutputLines(await readFile(join(outDir, 'Counts.jsonl'), 'utf8'));
    // (start, end]: the event at :02 belongs to the window ending :02.
    expect(counts.map((l) => l.row)).toEqual([
      { WindowEnd: '2021-01-01T00:00:02.000Z', User: 'a', N: 2 },
      { WindowEnd: '2021-01-01T00:00:04.000Z', User: 'b', N: 1 },
    ]);
    const raw = parseOutputLines(await readFile(join(outDir, 'Raw.jsonl'), 'utf8'));
    expect(raw).toEqual([{ output: 'Raw', row: { EventTime: '2021-01-01T00:00:03Z', User: 'b' } }]);
  });

  it('dead-letters bad lines with their line numbers and goes on', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.jsonl');
    const good = {
      eventId: 'e1',
      eventType: 'click',
      eventTime: '2026-01-01T00:00:01Z',
      userId: 'u1',
      productId: 'p1',
    };
    await writeFile(
      input,
      [JSON.stringify(good), '{not json', '[1,2]', JSON.stringify({ ...good, eventType: 'teleport' })].join(
        '\n',
      ) + '\n',
    );
    const summary = await runReplay(options(dir, input));
    expect(summary.totals.deadLettered).toEqual({ notJson: 1, notAnObject: 1, contractViolation: 1 });
    const dead = (await readFile(join(dir, 'dead.jsonl'), 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { lineNumber: number; reason: string; bodyText: string });
    expect(dead.map((d) => [d.lineNumber, d.reason, d.bodyText])).toEqual([
      [2, 'notJson', '{not json'],
      [3, 'notAnObject', '[1,2]'],
      [4, 'contractViolation', JSON.stringify({ ...good, eventType: 'teleport' })],
    ]);
    const out = parseOutputLines(await readFile(join(dir, 'out.jsonl'), 'utf8'));
    expect(out.map((l) => l.row.ClickCount)).toEqual([1]);
  });

  it('fails with the file name when the input cannot be read or a JSON array does not parse', async () => {
    const dir = await tempDir();
    await expect(runReplay(options(dir, join(dir, 'missing.jsonl')))).rejects.toThrow(
      /missing\.jsonl: cannot be read/,
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '[\n{"a": 1},\n{"a": }\n]');
    const failure = runReplay(options(dir, broken));
    await expect(failure).rejects.toBeInstanceOf(ReplayInputError);
    await expect(runReplay(options(dir, broken))).rejects.toThrow(/broken\.json:3: not a valid JSON array/);
  });

  it('accepts a trailing comma in a JSON array input, as ASA does', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.json');
    await writeFile(
      input,
      '[\n  {"EventTime": "2021-01-01T00:00:01Z", "User": "a"},\n  {"EventTime": "2021-01-01T00:00:02Z", "User": "b"},\n]\n',
    );
    const job: JobDefinition = {
      name: 'trailing-comma',
      inputs: [{ name: 'Input', timestampBy: e.field('EventTime'), contract: 'none' }],
      eventOrdering: { lateArrivalToleranceInSeconds: -1, outOfOrderToleranceInSeconds: 0, action: 'adjust' },
      statements: [{ output: 'Raw', input: 'Input', select: '*' }],
    };
    const summary = await runReplay(options(dir, input, { job }));
    expect(summary.recordsRead).toBe(2);
    expect(parseOutputLines(await readFile(join(dir, 'out.jsonl'), 'utf8')).map((l) => l.row.User)).toEqual([
      'a',
      'b',
    ]);
  });

  it("gives the seed query (jobs/clicks-per-user-product.asaql) exactly the default job's rows and dead letters", async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.jsonl');
    await writeSimulatedInput(input, 3000, {
      malformedFraction: 0.03,
      outOfOrderFractionOfEvents: 0.05,
      maxOutOfOrderDelayInMs: 3000,
    });
    const query = join(__dirname, '../../../jobs/clicks-per-user-product.asaql');
    const fromQuery = await compileQueryFile(query, { contract: 'clickstream' });
    const run = async (job: JobDefinition, name: string): Promise<[string[], string[]]> => {
      await runReplay(
        options(dir, input, {
          job,
          outputPath: join(dir, `${name}.jsonl`),
          deadLetterPath: join(dir, `${name}.dead.jsonl`),
        }),
      );
      const rows = (await readFile(join(dir, `${name}.jsonl`), 'utf8')).split('\n').filter(Boolean).sort();
      const dead = (await readFile(join(dir, `${name}.dead.jsonl`), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .sort();
      return [rows, dead];
    };
    const [seedRows, seedDead] = await run(defaultJob, 'seed');
    const [queryRows, queryDead] = await run(fromQuery, 'query');
    expect(seedRows.length).toBeGreaterThan(100);
    expect(seedDead.length).toBeGreaterThan(10);
    expect(queryRows).toEqual(seedRows);
    expect(queryDead).toEqual(seedDead);
  });

  it('runs the per-user entities and fraud rules on a clickstream input, once per event even when rerun', async () => {
    const dir = await tempDir();
    const input = join(dir, 'in.jsonl');
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    await writeSimulatedInput(input, 4000, {
      incidents: [{ kind: 'fraudBurst', key: 'user-0007', startMs: start + 3000, durationMs: 15_000 }],
    });
    const anomaliesPath = join(dir, 'anomalies.jsonl');
    const opts = options(dir, input, { anomaliesPath, partitions: 2, partitionKeyField: 'userId' });
    const first = await runReplay(opts);
    const found = (await readFile(anomaliesPath, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { key: string; rule: string });
    expect(found.some((a) => a.key === 'user-0007')).toBe(true);
    expect(first.anomalies).toEqual({ count: found.length, path: anomaliesPath });
    // Rerun with the same state: every event was applied, so no entity changes and nothing new.
    const again = await runReplay(opts);
    expect(again.anomalies?.count).toBe(0);
  });
});
