import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJob } from '../../../src/lib/app/loadJob';
import { compileJob } from '../../../src/lib/engine/compileJob';
import { defaultJob } from '../../../src/lib/engine/job';

describe('loadJob', () => {
  it('compiles the shipped seed query to exactly the seed job', async () => {
    const job = await loadJob(join(__dirname, '../../../jobs/clicks-per-user-product.asaql'));
    expect(job.definition).toEqual(compileJob(defaultJob).definition);
  });

  it('finds the shipped query by its path relative to the app root, from any working directory', async () => {
    const cwd = process.cwd();
    process.chdir(tmpdir());
    try {
      const job = await loadJob('jobs/clicks-per-user-product.asaql');
      expect(job.definition.name).toBe('clicks-per-user-product');
    } finally {
      process.chdir(cwd);
    }
  });

  it('takes the event-ordering policy from a JobConfig.json beside the query', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-job-'));
    await writeFile(
      join(dir, 'q.asaql'),
      'SELECT COUNT(*) AS N INTO o FROM i TIMESTAMP BY T GROUP BY TumblingWindow(s, 5)',
    );
    await writeFile(
      join(dir, 'JobConfig.json'),
      JSON.stringify({
        EventsLateArrivalMaxDelayInSeconds: 10,
        EventsOutOfOrderMaxDelayInSeconds: 2,
        EventsOutOfOrderPolicy: 'Drop',
      }),
    );
    const job = await loadJob(join(dir, 'q.asaql'));
    expect(job.definition.eventOrdering).toEqual({
      lateArrivalToleranceInSeconds: 10,
      outOfOrderToleranceInSeconds: 2,
      action: 'drop',
    });
    expect(job.definition.name).toBe('q');
  });

  it('fails start with file:line:column for a bad query', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-job-'));
    await writeFile(
      join(dir, 'bad.asaql'),
      'SELECT COUNT(*) AS N\nINTO o FROM i GROUP BY TumblingWindow(fortnight, 5)',
    );
    await expect(loadJob(join(dir, 'bad.asaql'))).rejects.toThrow(/bad\.asaql:2:\d+/);
  });
});
