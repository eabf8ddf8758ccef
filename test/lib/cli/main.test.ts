import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
