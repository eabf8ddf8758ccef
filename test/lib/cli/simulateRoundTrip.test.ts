import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';
import { simulateCommand } from '../../../src/lib/cli/simulateCommand';
import { defaultJob } from '../../../src/lib/engine/job';
import { runReplay, type ReplayOptions } from '../../../src/lib/replay/runReplay';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

/** Runs `clickpulse simulate` in-process; fails the test on a non-zero exit. */
async function simulate(argv: string[]): Promise<void> {
  let stderr = '';
  const code = await simulateCommand(argv, {
    stdout: () => Promise.resolve(),
    stderr: (text) => {
      stderr += text;
    },
  });
  expect(code, stderr).toBe(0);
}

/** 1-based line numbers of the lines a replay must dead-letter: not JSON objects, or breaking the contract. */
function badLineNumbers(lines: readonly string[]): number[] {
  const bad: number[] = [];
  lines.forEach((line, index) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      bad.push(index + 1);
      return;
    }
    if (!validateClickEvent(value).ok) bad.push(index + 1);
  });
  return bad;
}

describe('clickpulse simulate --output f.jsonl, then clickpulse replay --input f.jsonl', () => {
  it.each<[string, string[], Partial<ReplayOptions>]>([
    ['defaults (incidents, bots) with malformed bodies', ['--malformed', '0.02'], {}],
    [
      'a diurnal curve over 4 partitions keyed by user',
      ['--diurnal', '--rate', '40', '--start', '2026-05-04T17:30:00Z', '--seed', '77', '--malformed', '0.01'],
      { partitions: 4, partitionKeyField: 'userId', batchSize: 64 },
    ],
  ])('round-trips: %s', async (_label, flags, replayOptions) => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-roundtrip-'));
    const input = join(dir, 'f.jsonl');
    await simulate(['--output', input, '--events', '4000', ...flags]);
    const lines = (await readFile(input, 'utf8')).split('\n').filter((line) => line.length > 0);
    expect(lines).toHaveLength(4000);
    const bad = badLineNumbers(lines);
    expect(bad.length).toBeGreaterThan(0);

    const summary = await runReplay({
      inputPath: input,
      outputPath: join(dir, 'r.jsonl'),
      outputIsDirectory: false,
      deadLetterPath: join(dir, 'r.deadletters.jsonl'),
      job: defaultJob,
      storageConnectionString: azuriteConnectionString(),
      stateTableName: uniqueName('simulate'),
      ...replayOptions,
    });

    // Every record is read; exactly the malformed ones are dead-lettered, nothing is early or dropped.
    expect(summary.recordsRead).toBe(4000);
    expect(summary.totals.inputEvents).toBe(4000);
    const deadLettered = Object.values(summary.totals.deadLettered).reduce((sum, count) => sum + count, 0);
    expect(deadLettered).toBe(bad.length);
    const deadLines = (await readFile(join(dir, 'r.deadletters.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => (JSON.parse(line) as { lineNumber: number }).lineNumber)
      .sort((a, b) => a - b);
    expect(deadLines).toEqual(bad);
    expect(summary.totals.early).toBe(0);
    expect(summary.totals.lateDropped).toBe(0);
    expect(summary.totals.outOfOrderDropped).toBe(0);

    // The seed job counted every well-formed event once.
    const rows = (await readFile(join(dir, 'r.jsonl'), 'utf8'))
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { row: { ClickCount: number } });
    expect(rows.reduce((sum, line) => sum + line.row.ClickCount, 0)).toBe(4000 - bad.length);
    expect(summary.totals.rowsEmitted.PowerBIOutput).toBe(rows.length);
  });
});
