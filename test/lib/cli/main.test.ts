import { spawn, spawnSync } from 'node:child_process';
import { copyFile, cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReplayArgs, UsageError } from '../../../src/lib/cli/parseReplayArgs';
import { azuriteConnectionString } from '../../support/azurite';
import { parseOutputLines, rowIdentity, writeSimulatedInput } from '../replay/replayFixtures';

// The CLI as users run it: the compiled entry point (npm test builds first).
const cli = join(__dirname, '../../../dist/src/lib/cli/main.js');

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI and SIGKILLs it after `killAfterMs`; resolves true when it finished on its own. */
function runAndKill(args: string[], killAfterMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0) resolve(true);
      else reject(new Error(`clickpulse exited with ${code}`));
    });
  });
}

describe('clickpulse CLI', () => {
  it('exits 2 and names every usage problem', () => {
    const r = run(['replay', '--partitions', 'zero', '--order-policy', 'sideways']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--input: expected a file path, received none');
    expect(r.stderr).toContain('--output: expected a file or directory path, received none');
    expect(r.stderr).toContain('--partitions: expected an integer >= 1, received "zero"');
    expect(r.stderr).toContain('--order-policy: expected adjust or drop, received "sideways"');
  });

  it('exits 2 on an unknown command and 1 with the file name on an unreadable input', async () => {
    expect(run(['frobnicate']).status).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'cp-cli-'));
    const r = run(['replay', '--input', join(dir, 'nope.jsonl'), '--output', join(dir, 'o.jsonl')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nope.jsonl: cannot be read');
  });

  it('prints a summary with counts by reason and per output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-cli-'));
    const input = join(dir, 'in.jsonl');
    await writeSimulatedInput(input, 1500, { malformedFraction: 0.02 });
    const r = run(['replay', '--input', input, '--output', join(dir, 'out.jsonl'), '--late-tolerance', '10']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/records read:\s+1500/);
    expect(r.stdout).toMatch(/dead-lettered:\s+[1-9]\d* \(/);
    expect(r.stdout).toMatch(/rows emitted:\s+PowerBIOutput: [1-9]/);
  });

  it('killed with SIGKILL at any moment and rerun, holds every row of an uninterrupted run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-kill-'));
    const input = join(dir, 'in.jsonl');
    await writeSimulatedInput(input, 30_000, {
      outOfOrderFractionOfEvents: 0.03,
      maxOutOfOrderDelayInMs: 3000,
    });
    // The uninterrupted run reads a copy, so that its state (keyed by the input path) is its own.
    const copy = join(dir, 'copy.jsonl');
    await copyFile(input, copy);
    const storage = azuriteConnectionString();
    const common = [
      '--partitions',
      '3',
      '--partition-key',
      'userId',
      '--batch-size',
      '50',
      '--storage',
      storage,
    ];
    const clean = run(['replay', '--input', copy, '--output', join(dir, 'clean.jsonl'), ...common]);
    expect(clean.status, clean.stderr).toBe(0);

    const args = ['replay', '--input', input, '--output', join(dir, 'killed.jsonl'), ...common];
    const kills = [700, 1100, 1500, 2100];
    let finished = false;
    let killed = 0;
    for (const delay of kills) {
      finished = await runAndKill(args, delay);
      if (finished) break;
      killed++;
    }
    if (!finished) expect(run(args).status).toBe(0);
    expect(killed).toBeGreaterThan(0);

    const expected = parseOutputLines(await readFile(join(dir, 'clean.jsonl'), 'utf8'));
    const got = parseOutputLines(await readFile(join(dir, 'killed.jsonl'), 'utf8'));
    const byId = new Map<string, string>();
    for (const line of got) {
      const id = rowIdentity(line);
      const text = JSON.stringify(line);
      const seen = byId.get(id);
      // A row that appears twice is identical.
      if (seen !== undefined) expect(text).toBe(seen);
      byId.set(id, text);
    }
    expect(new Set(byId.values())).toEqual(new Set(expected.map((l) => JSON.stringify(l))));
  }, 240_000);
});

const repo = join(__dirname, '../../..');
const seedQuery = join(repo, 'jobs/clicks-per-user-product.asaql');
const docCase = (name: string): string => join(repo, 'test/fixtures/asa-testcases', name);

describe('clickpulse replay --query', () => {
  it('runs the seed query unchanged and gives exactly the rows of the default job', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-query-'));
    const input = join(dir, 'in.jsonl');
    await writeSimulatedInput(input, 2000, {
      outOfOrderFractionOfEvents: 0.05,
      maxOutOfOrderDelayInMs: 2000,
    });
    const storage = azuriteConnectionString();
    const seed = run(['replay', '--input', input, '--output', join(dir, 'seed.jsonl'), '--storage', storage]);
    expect(seed.status, seed.stderr).toBe(0);
    const query = run([
      'replay',
      '--query',
      seedQuery,
      '--input',
      `EventHubInput=${input}`,
      '--output',
      join(dir, 'query.jsonl'),
      '--storage',
      storage,
    ]);
    expect(query.status, query.stderr).toBe(0);
    const rows = async (name: string): Promise<string[]> =>
      (await readFile(join(dir, name), 'utf8')).split('\n').filter(Boolean).sort();
    const expected = await rows('seed.jsonl');
    expect(expected.length).toBeGreaterThan(100);
    expect(await rows('query.jsonl')).toEqual(expected);
  });

  it('takes the event-ordering policy from --job-config, flags overriding it, and writes one file per output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-query-'));
    const c = docCase('event-ordering-table-adjust');
    const out = join(dir, 'out') + '/';
    const r = run([
      'replay',
      '--query',
      join(c, 'query.asaql'),
      '--input',
      join(c, 'input-Input.json'),
      '--output',
      out,
      '--job-config',
      join(c, 'JobConfig.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/late:\s+1 adjusted, 0 dropped/);
    expect(r.stdout).toMatch(/out of order:\s+1 adjusted, 0 dropped/);
    const dropped = run([
      'replay',
      '--query',
      join(c, 'query.asaql'),
      '--input',
      `Input=${join(c, 'input-Input.json')}`,
      '--output',
      join(dir, 'drop') + '/',
      '--job-config',
      join(c, 'JobConfig.json'),
      '--order-policy',
      'drop',
    ]);
    expect(dropped.status, dropped.stderr).toBe(0);
    expect(dropped.stdout).toMatch(/late:\s+0 adjusted, 1 dropped/);
    expect(
      parseOutputLines(await readFile(join(dir, 'drop', 'Output.jsonl'), 'utf8')).map((l) => l.row.eventNo),
    ).toEqual([2, 3, 4]);
  });

  it('fails at load with file:line:column, the offending token and what was expected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-query-'));
    const bad = join(dir, 'bad.asaql');
    await writeFile(
      bad,
      'SELECT Make, COUNT(*) AS n\nINTO Out\nFROM Input TIMESTAMP BY Time\nGROUP BY Make TumblingWindow(second, 10)\n',
    );
    const r = run([
      'replay',
      '--query',
      bad,
      '--input',
      join(dir, 'none.json'),
      '--output',
      join(dir, 'o.jsonl'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      `${bad}:4:15: expected HAVING, UNION, ';', the next SELECT or end of input, received 'TumblingWindow'\n` +
        '  4 | GROUP BY Make TumblingWindow(second, 10)\n' +
        '    |               ^',
    );
    await writeFile(bad, 'SELECT Make INTO Out FROM Input JOIN Ref ON Input.k = Ref.k');
    const unsupported = run([
      'replay',
      '--query',
      bad,
      '--input',
      join(dir, 'none.json'),
      '--output',
      join(dir, 'o.jsonl'),
    ]);
    expect(unsupported.status).toBe(1);
    expect(unsupported.stderr).toContain(
      ':1:33: not supported yet: JOIN (stream-to-stream and reference-data joins)',
    );
  });

  it('exits 2 on inconsistent input flags', () => {
    const r = run([
      'replay',
      '--query',
      seedQuery,
      '--job',
      'j.json',
      '--input',
      'a.json',
      '--input',
      'b.json',
      '--output',
      'o',
      '--contract',
      'strict',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '--input: expected ALIAS=FILE for each of several inputs, received a file without an alias',
    );
    expect(r.stderr).toContain('--query: expected either --query or --job, received both');
    expect(r.stderr).toContain('--contract: expected clickstream or none, received "strict"');
  });
});

describe('parseReplayArgs', () => {
  it('reads --input as FILE or ALIAS=FILE, repeatable, and --reference as ALIAS=FILE', () => {
    const args = parseReplayArgs([
      '--query',
      'q.asaql',
      '--input',
      'Clicks=data/a=b.json',
      '--input',
      'Other=x.json',
      '--reference',
      'Products=p.json',
      '--output',
      'out/',
      '--job-config',
      'JobConfig.json',
      '--contract',
      'none',
    ]);
    expect(args.inputs).toEqual([
      { alias: 'Clicks', path: 'data/a=b.json' },
      { alias: 'Other', path: 'x.json' },
    ]);
    expect(args.references).toEqual([{ alias: 'Products', path: 'p.json' }]);
    expect([args.queryFile, args.jobConfigFile, args.contract]).toEqual([
      'q.asaql',
      'JobConfig.json',
      'none',
    ]);
    expect(parseReplayArgs(['--input', './a=b.json', '--output', 'o']).inputs).toEqual([
      { alias: undefined, path: './a=b.json' },
    ]);
  });

  it('names every problem in one UsageError', () => {
    try {
      parseReplayArgs([
        '--input',
        'a.json',
        '--reference',
        'nope',
        '--input',
        'X=b.json',
        '--reference',
        'x=c.json',
        '--output',
        'o',
      ]);
      throw new Error('expected a UsageError');
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message.split('\n')).toEqual([
        '--input: expected ALIAS=FILE for each of several inputs, received a file without an alias',
        '--reference: expected ALIAS=FILE, received "nope"',
        '--input/--reference: expected each alias once, received x twice',
        '--input: expected ALIAS=FILE when --reference is given, received a file without an alias',
        '--reference: expected with --query only, received it without',
      ]);
    }
  });
});

describe('clickpulse test', () => {
  it('runs a transcribed documentation example and exits 0', () => {
    const r = run([
      'test',
      join(docCase('query-patterns-multiple-outputs'), 'testConfig.json'),
      '--storage',
      azuriteConnectionString(),
    ]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}query-patterns-multiple-outputs \(/m);
    expect(r.stdout).toContain('1 passed, 0 failed, 1 total');
  });

  it('exits 1 with a readable diff when a case fails', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-test-'));
    await cp(docCase('query-patterns-data-conversion'), dir, { recursive: true });
    await writeFile(
      join(dir, 'expected-Output.json'),
      '{"Make":"Make1","Weight":3001}\n{"Make":"Make9","Weight":1}\n',
    );
    const r = run([
      'test',
      join(dir, 'testConfig.json'),
      '--storage',
      azuriteConnectionString(),
      '--output-path',
      join(dir, 'results'),
    ]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAIL  query-patterns-data-conversion');
    expect(r.stdout).toContain('Output: rows differ (expected 2, received 1)');
    expect(r.stdout).toContain('changed: {"Make":"Make1","Weight":3001}');
    expect(r.stdout).toContain('Weight: expected 3001, received 3000');
    expect(r.stdout).toContain('missing (expected, not produced):\n          {"Make":"Make9","Weight":1}');
    expect(r.stdout).toContain('0 passed, 1 failed, 1 total');
    const summary = JSON.parse(await readFile(join(dir, 'results', 'testResultSummary.json'), 'utf8')) as {
      Failed: number;
    };
    expect(summary.Failed).toBe(1);
  });

  it('exits 2 on a configuration or query error, and on usage errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-test-'));
    const missing = run(['test', join(dir, 'testConfig.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('testConfig.json: cannot be read (ENOENT)');
    await writeFile(join(dir, 'q.asaql'), 'SELECT a INTO o FROM i GROUP BY a');
    await writeFile(
      join(dir, 'testConfig.json'),
      JSON.stringify({ Script: 'q.asaql', TestCases: [{ Name: 'a', Inputs: [], ExpectedOutputs: [] }] }),
    );
    const bad = run(['test', join(dir, 'testConfig.json'), '--storage', azuriteConnectionString()]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('q.asaql:1:24: expected a window in GROUP BY');
    expect(run(['test']).status).toBe(2);
    const help = run(['test', '--help']);
    expect([help.status, help.stdout.startsWith('Usage: clickpulse test TEST_CONFIG')]).toEqual([0, true]);
  });
});
