import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { EventHubsConnection } from '../../../src/lib/adapters/eventhubs/createEventHubsProducer';
import type { IncidentLabel } from '../../../src/lib/clickstream/incidentSchedule';
import { parseIsoDateTimeToMs } from '../../../src/lib/clickstream/parseIsoDateTime';
import { validateClickEvent } from '../../../src/lib/clickstream/validateClickEvent';
import { pacingDelayInMs } from '../../../src/lib/cli/pacingDelayInMs';
import { simulateCommand, type SimulateCommandDependencies } from '../../../src/lib/cli/simulateCommand';
import { FakeProducer } from '../adapters/eventhubs/fakeEventBatchProducer';

const tempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'cp-simulate-'));
const CONNECTION =
  'Endpoint=sb://fake.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=secret;EntityPath=clicks';

/** A virtual clock: `sleep` moves it forward, nothing really waits. */
function virtualClock(startMs: number): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let time = startMs;
  return {
    now: () => time,
    sleep: (ms) => {
      time += ms;
      return Promise.resolve();
    },
  };
}

/** Runs the command, capturing stdout and stderr. */
async function run(
  argv: string[],
  dependencies: SimulateCommandDependencies = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await simulateCommand(argv, {
    stdout: (text) => {
      stdout += text;
      return Promise.resolve();
    },
    stderr: (text) => {
      stderr += text;
    },
    ...dependencies,
  });
  return { code, stdout, stderr };
}

const readLines = async (path: string): Promise<string[]> =>
  (await readFile(path, 'utf8')).split('\n').filter((line) => line.length > 0);

describe('simulateCommand', () => {
  it('writes JSON Lines with EventEnqueuedUtcTime and a labels file beside them', async () => {
    const dir = await tempDir();
    const output = join(dir, 'f.jsonl');
    const r = await run(['--output', output, '--events', '5000', '--seed', '8']);
    expect(r.code, r.stderr).toBe(0);
    const lines = await readLines(output);
    expect(lines).toHaveLength(5000);
    let previous = Number.NEGATIVE_INFINITY;
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(record).at(-1)).toBe('EventEnqueuedUtcTime');
      const enqueued = parseIsoDateTimeToMs(record.EventEnqueuedUtcTime as string) as number;
      expect(enqueued).toBeGreaterThanOrEqual(previous);
      expect(enqueued).toBeGreaterThanOrEqual(parseIsoDateTimeToMs(record.eventTime as string) as number);
      previous = enqueued;
      expect(validateClickEvent(record).ok).toBe(true);
    }
    expect(JSON.parse(lines[0]!)).toMatchObject({ eventTime: '2026-01-01T00:00:00.000Z' });

    const labels = (await readLines(join(dir, 'f.labels.jsonl'))).map(
      (line) => JSON.parse(line) as IncidentLabel,
    );
    expect(labels.map((label) => label.kind).sort()).toEqual(
      ['botStorm', 'cartAbandonmentSurge', 'fraudBurst', 'priceGlitch', 'stockOut'].sort(),
    );
    const lastEventMs = parseIsoDateTimeToMs((JSON.parse(lines.at(-1)!) as { eventTime: string }).eventTime)!;
    for (const label of labels) {
      expect(Date.parse(label.start)).toBeLessThan(Date.parse(label.end));
      expect(Date.parse(label.end)).toBeLessThanOrEqual(lastEventMs + 1);
    }
    expect(r.stdout).toMatch(/^events:\s+5000 \(/m);
    expect(r.stdout).toContain(`5 labelled -> ${join(dir, 'f.labels.jsonl')}`);
  });

  it('is reproducible with --seed, and another seed gives other events', async () => {
    const dir = await tempDir();
    const common = ['--events', '2000', '--malformed', '0.05', '--diurnal'];
    await run(['--output', join(dir, 'a.jsonl'), '--seed', '3', ...common]);
    await run(['--output', join(dir, 'b.jsonl'), '--seed', '3', ...common]);
    await run(['--output', join(dir, 'c.jsonl'), '--seed', '4', ...common]);
    const a = await readFile(join(dir, 'a.jsonl'), 'utf8');
    expect(await readFile(join(dir, 'b.jsonl'), 'utf8')).toBe(a);
    expect(await readFile(join(dir, 'a.labels.jsonl'), 'utf8')).toBe(
      await readFile(join(dir, 'b.labels.jsonl'), 'utf8'),
    );
    expect(await readFile(join(dir, 'c.jsonl'), 'utf8')).not.toBe(a);
  });

  it('stops at --duration seconds of simulated time and labels only what the run covered', async () => {
    const dir = await tempDir();
    const output = join(dir, 'd.jsonl');
    const labelsPath = join(dir, 'truth.jsonl');
    const r = await run([
      '--output',
      output,
      '--duration',
      '30',
      '--rate',
      '50',
      '--start',
      '2026-07-01T18:00:00Z',
      '--incidents',
      'botStorm,stockOut',
      '--labels',
      labelsPath,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const times = (await readLines(output)).map((line) =>
      parseIsoDateTimeToMs((JSON.parse(line) as { eventTime: string }).eventTime)!,
    );
    const start = Date.UTC(2026, 6, 1, 18);
    expect(Math.min(...times)).toBe(start);
    expect(Math.max(...times)).toBeLessThan(start + 30_000);
    expect(times.length).toBeGreaterThan(30 * 50 * 0.85);
    const labels = (await readLines(labelsPath)).map((line) => JSON.parse(line) as IncidentLabel);
    expect(labels.map((label) => label.kind).sort()).toEqual(['botStorm', 'stockOut']);
    expect(r.stdout).toContain('simulated time:    2026-07-01T18:00:00.000Z to 2026-07-01T18:00:30.000Z');
  });

  it('writes events to stdout and the summary, with the labels, to stderr', async () => {
    const r = await run(['--events', '300', '--incidents', 'priceGlitch']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(300);
    expect(r.stderr).toMatch(/^events:\s+300 /m);
    expect(r.stderr).toMatch(/^ {2}\{"kind":"priceGlitch","key":"product-\d{4}",/m);
  });

  it('exits 2 with every problem and the usage, and 0 with the usage on --help', async () => {
    const bad = await run(['--rate', 'fast', '--output']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('clickpulse simulate: --output: expected a value, received none');
    expect(bad.stderr).toContain('--rate: expected a number above 0 up to 1000000, received "fast"');
    expect(bad.stderr).toContain('Usage: clickpulse simulate');
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--namespace NS --event-hub NAME');
  });

  it('exits 1 naming the file when the output cannot be written', async () => {
    const dir = await tempDir();
    const r = await run(['--output', join(dir, 'missing', 'f.jsonl'), '--events', '10']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('f.jsonl: cannot be written (ENOENT)');
  });

  describe('to an event hub (fake producer)', () => {
    it('sends every event once, one partition key per batch, in order per user, then closes', async () => {
      const producer = new FakeProducer(20);
      let connection: EventHubsConnection | undefined;
      const clock = virtualClock(Date.UTC(2026, 11, 1, 12));
      const r = await run(['--connection', CONNECTION, '--events', '3000', '--seed', '9'], {
        ...clock,
        createProducer: (c) => {
          connection = c;
          return producer;
        },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(connection).toEqual({ kind: 'connectionString', connectionString: CONNECTION });
      expect(producer.closed).toBe(true);
      const bodies = producer.bodies();
      expect(bodies).toHaveLength(3000);
      for (const { batch } of producer.sent) {
        expect(batch.count).toBeLessThanOrEqual(20);
        for (const event of batch.events) {
          expect(event.contentType).toBe('application/json');
          const body = JSON.parse(Buffer.from(event.body).toString('utf8')) as Record<string, unknown>;
          expect(body.userId).toBe(batch.partitionKey);
          // The service sets the enqueued time; the body is the plain event.
          expect(body.EventEnqueuedUtcTime).toBeUndefined();
        }
      }
      // Same events, in the same order per user, as the file target with the same start.
      const dir = await tempDir();
      const start = new Date(
        Math.min(...bodies.map((b) => Date.parse((JSON.parse(b) as { eventTime: string }).eventTime))),
      ).toISOString();
      await run(['--output', join(dir, 'same.jsonl'), '--events', '3000', '--seed', '9', '--start', start]);
      const fileEvents = (await readLines(join(dir, 'same.jsonl'))).map((line) => {
        const { EventEnqueuedUtcTime: _dropped, ...event } = JSON.parse(line) as Record<string, unknown>;
        return event;
      });
      const byUser = (events: Record<string, unknown>[]): Map<unknown, string[]> => {
        const map = new Map<unknown, string[]>();
        for (const event of events)
          map.set(event.userId, [...(map.get(event.userId) ?? []), JSON.stringify(event)]);
        return map;
      };
      expect(byUser(bodies.map((b) => JSON.parse(b) as Record<string, unknown>))).toEqual(byUser(fileEvents));
      // Without --realtime the run ends "now": no event time lies in the future.
      const latest = Math.max(...fileEvents.map((e) => Date.parse(e.eventTime as string)));
      expect(latest).toBeLessThanOrEqual(clock.now());
      expect(r.stdout).toMatch(/output:\s+event hub clicks: 3000 events sent in \d+ batches/);
    });

    it('exits 1 with one line when sending fails, and still closes the connection', async () => {
      const producer = new FakeProducer(
        20,
        () => 0,
        () => Promise.reject(new Error('Unauthorized access')),
      );
      const r = await run(['--connection', CONNECTION, '--events', '100'], {
        createProducer: () => producer,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        'clickpulse simulate: event hub clicks: 0 events sent in 0 batches; sending failed: Unauthorized access\n',
      );
      expect(producer.closed).toBe(true);
    });

    it('passes --namespace and --event-hub to the producer (DefaultAzureCredential)', async () => {
      let connection: EventHubsConnection | undefined;
      const r = await run(['--namespace', 'shop', '--event-hub', 'clicks', '--events', '10'], {
        createProducer: (c) => {
          connection = c;
          return new FakeProducer();
        },
      });
      expect(r.code).toBe(0);
      expect(connection).toEqual({
        kind: 'namespace',
        fullyQualifiedNamespace: 'shop.servicebus.windows.net',
        eventHubName: 'clicks',
      });
    });

    it('with --realtime, sends each event no earlier than its time and soon after it', async () => {
      const wallStart = Date.UTC(2026, 11, 1, 12);
      const clock = virtualClock(wallStart);
      const producer = new FakeProducer(500, clock.now);
      const r = await run(['--connection', CONNECTION, '--realtime', '--duration', '20', '--rate', '30'], {
        ...clock,
        createProducer: () => producer,
      });
      expect(r.code, r.stderr).toBe(0);
      // Event times start at the wall clock's now.
      expect(producer.sent.length).toBeGreaterThan(20);
      for (const { batch, atMs } of producer.sent) {
        for (const event of batch.events) {
          const eventMs = Date.parse(
            (JSON.parse(Buffer.from(event.body).toString()) as { eventTime: string }).eventTime,
          );
          expect(eventMs).toBeGreaterThanOrEqual(wallStart);
          expect(atMs).toBeGreaterThanOrEqual(eventMs);
          expect(atMs - eventMs).toBeLessThan(1_000);
        }
      }
      expect(clock.now() - wallStart).toBeGreaterThan(19_000);
      expect(clock.now() - wallStart).toBeLessThan(21_000);
      expect(r.stderr).toMatch(/^simulate: \d+ events \(\d+\/s\), simulated time /m);
    });
  });
});

describe('pacingDelayInMs', () => {
  const base = { simulatedStartInMs: 1_000_000, wallStartInMs: 5_000 };

  it('waits until simulated time has advanced as far on the wall clock', () => {
    expect(pacingDelayInMs({ ...base, simulatedTimeInMs: 1_002_500, wallNowInMs: 6_000 })).toBe(1_500);
    expect(pacingDelayInMs({ ...base, simulatedTimeInMs: 1_000_000, wallNowInMs: 5_000 })).toBe(0);
  });

  it('does not wait when behind', () => {
    expect(pacingDelayInMs({ ...base, simulatedTimeInMs: 1_001_000, wallNowInMs: 9_000 })).toBe(0);
  });
});
