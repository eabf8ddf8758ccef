import { describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../../src/lib/local/localRuntime';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

describe('LocalRuntime (npm start)', () => {
  it('emits windows from simulated traffic through the Functions handlers within seconds', async () => {
    const lines: string[] = [];
    const runtime = new LocalRuntime({
      partitions: 2,
      eventsPerSecond: 150,
      seed: 3,
      users: 200,
      products: 30,
      durationInMs: 14_000,
      summaryIntervalInMs: 2000,
      env: {
        AzureWebJobsStorage: azuriteConnectionString(),
        CLICKPULSE_STATE_TABLE: uniqueName('local'),
        CLICKPULSE_ARCHIVE_CONTAINER: uniqueName('archive'),
        CLICKPULSE_DEADLETTER_CONTAINER: uniqueName('dead'),
      },
      write: (line) => lines.push(line),
    });
    const result = await runtime.run();
    expect(result.eventsSent).toBeGreaterThan(1000);
    expect(result.windowsEmitted).toBeGreaterThan(0);
    expect(result.rowsEmitted).toBeGreaterThan(0);
    expect(lines[0]).toContain('ClickPulse local runtime');
    expect(lines.some((l) => /events\/s \| watermark delay \d+\.\d s \| windows emitted [1-9]/.test(l))).toBe(
      true,
    );
  }, 60_000);
});
