import { writeFile } from 'node:fs/promises';
import {
  createClickstreamSimulator,
  type ClickstreamSimulatorOptions,
} from '../../../src/lib/clickstream/simulator';

/** Writes simulated clickstream records as JSON Lines, each with EventEnqueuedUtcTime as its arrival. */
export async function writeSimulatedInput(
  path: string,
  count: number,
  overrides: Partial<ClickstreamSimulatorOptions> = {},
): Promise<string[]> {
  const simulator = createClickstreamSimulator({
    seed: 7,
    users: 300,
    products: 40,
    startTimeInMs: Date.UTC(2026, 0, 1, 12, 0, 0),
    eventsPerSecond: 200,
    ...overrides,
  });
  const lines = simulator.take(count).map((m) => {
    try {
      const body = JSON.parse(m.body) as unknown;
      if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
        return JSON.stringify({ ...body, EventEnqueuedUtcTime: new Date(m.enqueuedTimeInMs).toISOString() });
      }
    } catch {
      // A malformed body stays as it is: the replay must dead-letter it.
    }
    return m.body;
  });
  await writeFile(path, lines.join('\n') + '\n');
  return lines;
}

export interface OutputLine {
  output: string;
  row: Record<string, unknown>;
}

export function parseOutputLines(text: string): OutputLine[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as OutputLine);
}

/** Identity of a seed-job row: output, window end and group key. */
export const rowIdentity = (l: OutputLine): string =>
  JSON.stringify([l.output, l.row.WindowEnd, l.row.UserId, l.row.ProductId]);
