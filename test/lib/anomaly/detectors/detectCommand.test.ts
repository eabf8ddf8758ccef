import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { detectCommand } from '../../../../src/lib/cli/detectCommand';
import { noisySeries } from './seriesFixtures';

async function runDetect(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await detectCommand(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('clickpulse detect', () => {
  let dir: string;
  let input: string;
  const values = noisySeries(400, { seed: 31 }).map((v) => v.toFixed(3));
  values[350] = '99.5';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clickpulse-detect-'));
    input = join(dir, 'series.csv');
    const rows = values.map(
      (v, i) =>
        `2014-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00,${v}`,
    );
    await writeFile(input, `timestamp,value\n${rows.join('\n')}\n`);
  });

  it('writes timestamp,value,anomaly_score, one row per input row, values as read', async () => {
    const output = join(dir, 'scored.csv');
    const r = await runDetect(['--input', input, '--output', output]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toContain('400 rows scored with contextual');
    const lines = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(401);
    const parsed = lines.slice(1).map((l) => l.split(','));
    expect(parsed.map((f) => f[1])).toEqual(values);
    expect(parsed[0]![0]).toBe('2014-01-01 00:00:00');
    const scores = parsed.map((f) => Number(f[2]));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    expect(scores[350]).toBe(1);
  });

  it('runs the ASA detectors with their parameters', async () => {
    const output = join(dir, 'spike.csv');
    const r = await runDetect([
      '--input',
      input,
      '--output',
      output,
      '--detector',
      'spikeanddip',
      '--confidence',
      '99',
      '--history-size=50',
      '--mode',
      'spikes',
    ]);
    expect(r.code).toBe(0);
    const scores = (await readFile(output, 'utf8'))
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => Number(l.split(',')[2]));
    expect(scores.slice(0, 49).every((s) => s === 0)).toBe(true);
    expect(scores[350]).toBeGreaterThan(0.99);
  });

  it('exits 2 naming every usage problem', async () => {
    const r = await runDetect([
      'extra',
      '--detector',
      'magic',
      '--confidence',
      'high',
      '--history-size',
      '1.5',
      '--colour',
      'red',
      '--mode',
    ]);
    expect(r.code).toBe(2);
    for (const problem of [
      'unknown option --colour',
      '--mode: expected a value, received none',
      'unexpected arguments: extra red',
      '--input: expected a file path, received none',
      '--output: expected a file path, received none',
      '--confidence: expected a number from 1 to 100, received "high"',
      '--history-size: expected an integer, received "1.5"',
      '--detector: expected one of contextual, spikeanddip, changepoint, received "magic"',
    ]) {
      expect(r.stderr).toContain(problem);
    }
    expect(r.stderr).toContain('Usage: clickpulse detect');
  });

  it('exits 2 for parameters out of range for the chosen detector', async () => {
    const r = await runDetect([
      '--input',
      input,
      '--output',
      join(dir, 'x.csv'),
      '--history-size',
      '5',
      '--mode',
      'dips',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '--history-size: expected an integer from 32 to 100000 for contextual, received 5',
    );
    expect(r.stderr).toContain('--mode: applies to the spikeanddip detector only, not contextual');
  });

  it('exits 1 naming the bad line of a bad input', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,oops\n');
    const r = await runDetect(['--input', bad, '--output', join(dir, 'bad-out.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('line 3: expected a number as the value, received "oops"');
  });

  it('exits 1 when the input cannot be read, and 0 with the usage for --help', async () => {
    const r = await runDetect(['--input', join(dir, 'missing.csv'), '--output', join(dir, 'o.csv')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--input: cannot read');
    expect(r.stderr).toContain('ENOENT');
    const help = await runDetect(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--history-size N');
  });
});
