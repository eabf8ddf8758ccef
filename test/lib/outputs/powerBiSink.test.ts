import type { AccessToken, TokenCredential } from '@azure/identity';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PowerBiRestClient } from '../../../src/lib/adapters/powerbi/powerBiRestClient';
import type { EmittedRow } from '../../../src/lib/engine/applyBatch';
import {
  powerBiSink,
  type PowerBiSinkEvent,
  type PowerBiSinkOptions,
} from '../../../src/lib/outputs/powerBiSink';
import { PowerBiFake } from '../../support/fakeServers/powerBiFake';

class StaticCredential implements TokenCredential {
  calls = 0;
  constructor(private readonly token: string) {}
  getToken(): Promise<AccessToken> {
    this.calls++;
    return Promise.resolve({ token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 });
  }
}

const t0 = Date.parse('2026-03-01T10:00:10.000Z');
const row = (end: number, user: string, count: number): EmittedRow => ({
  output: 'PowerBIOutput',
  timestampMs: end,
  row: { WindowEnd: new Date(end).toISOString(), UserId: user, ProductId: null, ClickCount: count },
});

describe('powerBiSink (the REST client with fetch against a local Power BI fake)', () => {
  let fake: PowerBiFake;
  let clock: number;
  let sleeps: number[];
  let events: PowerBiSinkEvent[];
  const make = (
    overrides: Partial<PowerBiSinkOptions> = {},
    clientOverrides: { timeoutInMs?: number } = {},
  ) => {
    const sleep = (ms: number): Promise<void> => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    };
    const api = new PowerBiRestClient({
      workspaceId: fake.groupId,
      credential: new StaticCredential(fake.token),
      baseUrl: fake.server.origin,
      sleep,
      now: () => clock,
      ...clientOverrides,
    });
    return powerBiSink({
      api,
      targets: [{ output: 'PowerBIOutput', dataset: 'ClickPulse', table: 'Clicks' }],
      now: () => clock,
      sleep,
      onEvent: (e) => events.push(e),
      ...overrides,
    });
  };

  beforeEach(async () => {
    fake = await PowerBiFake.start();
    clock = t0;
    sleeps = [];
    events = [];
  });
  afterEach(() => fake.close());

  it('creates the push dataset once (basicFIFO, ASA type mapping) and posts one window in one POST', async () => {
    const sink = make();
    await sink.writeWindowRows([
      row(t0, 'u1', 3),
      row(t0, 'u2', 1),
      { ...row(t0, 'u3', 2), output: 'Other' },
    ]);
    await sink.writeWindowRows([row(t0 + 10_000, 'u1', 5)]);
    const [dataset] = [...fake.datasets.values()];
    expect(fake.datasets.size).toBe(1);
    expect(dataset).toMatchObject({ name: 'ClickPulse', defaultMode: 'Push', retention: 'basicFIFO' });
    expect(dataset!.tables.get('Clicks')!.columns).toEqual([
      { name: 'WindowEnd', dataType: 'DateTime' },
      { name: 'UserId', dataType: 'String' },
      { name: 'ProductId', dataType: 'String' },
      { name: 'ClickCount', dataType: 'Int64' },
    ]);
    expect(fake.rowPosts).toHaveLength(2);
    expect(fake.rows('ClickPulse', 'Clicks')).toEqual([
      { WindowEnd: '2026-03-01T10:00:10.000Z', UserId: 'u1', ProductId: null, ClickCount: 3 },
      { WindowEnd: '2026-03-01T10:00:10.000Z', UserId: 'u2', ProductId: null, ClickCount: 1 },
      { WindowEnd: '2026-03-01T10:00:20.000Z', UserId: 'u1', ProductId: null, ClickCount: 5 },
    ]);
    expect(fake.server.matching('POST', /\/datasets$/)).toHaveLength(1);
  });

  it('finds an existing dataset by name instead of creating a duplicate', async () => {
    await make().writeWindowRows([row(t0, 'u1', 1)]);
    await make().writeWindowRows([row(t0 + 10_000, 'u1', 1)]);
    expect(fake.datasets.size).toBe(1);
    expect(fake.rows('ClickPulse', 'Clicks')).toHaveLength(2);
  });

  it('chunks a window of 25,000 rows into POSTs of at most 10,000', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => row(t0, `u${i}`, i));
    await make().writeWindowRows(rows);
    expect(fake.rowPosts.map((r) => (JSON.parse(r.body) as { rows: unknown[] }).rows.length)).toEqual([
      10_000, 10_000, 5_000,
    ]);
    expect(fake.rows('ClickPulse', 'Clicks')).toHaveLength(25_000);
  });

  it('retries 429 (honouring Retry-After), 500 and a timeout', async () => {
    const sink = make({}, { timeoutInMs: 300 });
    await sink.writeWindowRows([row(t0, 'u1', 1)]);
    fake.server.inject(
      (r) => r.path.endsWith('/rows'),
      {
        kind: 'status',
        status: 429,
        headers: { 'retry-after': '12' },
        body: { error: { code: 'TooManyRequests', message: 'x' } },
      },
      { kind: 'status', status: 500, body: { error: { code: 'InternalError', message: 'x' } } },
      { kind: 'hang' },
    );
    await sink.writeWindowRows([row(t0 + 10_000, 'u1', 2)]);
    expect(sleeps).toEqual([12_000, 2_000, 4_000]);
    expect(fake.rowPosts).toHaveLength(5);
    expect(fake.rows('ClickPulse', 'Clicks')).toHaveLength(2);
    expect(events.filter((e) => e.kind === 'failed')).toEqual([]);
  });

  it('holds the 121st POST in a minute until the first leaves the window (120 POSTs a minute per dataset)', async () => {
    const sink = make();
    for (let i = 0; i < 121; i++) await sink.writeWindowRows([row(t0 + i * 10, 'u1', i)]);
    expect(fake.rowPosts).toHaveLength(121);
    // The first POST was at t0 (after creating the dataset); the 121st waits until t0 + 60 s.
    expect(sleeps).toHaveLength(1);
    expect(clock).toBe(t0 + 60_000);
  });

  it('keeps within 1,000,000 rows an hour, dropping rows that would wait longer than maxWaitInMs', async () => {
    const sink = make({ limits: { rowsPerHour: 30_000 }, maxWaitInMs: 60_000 });
    await sink.writeWindowRows(Array.from({ length: 20_000 }, (_, i) => row(t0, `u${i}`, 1)));
    clock += 1000;
    await sink.writeWindowRows(Array.from({ length: 20_000 }, (_, i) => row(t0 + 10_000, `u${i}`, 1)));
    expect(fake.rows('ClickPulse', 'Clicks')).toHaveLength(30_000);
    expect(events.filter((e) => e.kind === 'dropped')).toEqual([
      expect.objectContaining({ kind: 'dropped', rows: 10_000 }),
    ]);
  });

  it('widens the table (PUT) when a new column or a fractional value appears', async () => {
    const sink = make();
    await sink.writeWindowRows([row(t0, 'u1', 1)]);
    await sink.writeWindowRows([
      { ...row(t0 + 10_000, 'u1', 1), row: { ...row(t0, 'u1', 1).row, ClickCount: 1.5, Extra: true } },
    ]);
    const table = [...fake.datasets.values()][0]!.tables.get('Clicks')!;
    expect(table.columns).toContainEqual({ name: 'ClickCount', dataType: 'Double' });
    expect(table.columns).toContainEqual({ name: 'Extra', dataType: 'Boolean' });
    expect(fake.server.matching('PUT', /\/tables\/Clicks$/)).toHaveLength(1);
  });

  it('does not fail the write when Power BI keeps failing (the archive is the record), unless told to', async () => {
    const failing = {
      kind: 'status',
      status: 503,
      body: { error: { code: 'ServiceUnavailable', message: 'x' } },
    } as const;
    fake.server.inject(() => true, failing, failing, failing, failing, failing);
    await make().writeWindowRows([row(t0, 'u1', 1)]);
    expect(events).toEqual([expect.objectContaining({ kind: 'failed', rows: 1 })]);
    fake.server.inject(() => true, failing, failing, failing, failing, failing);
    await expect(make({ failOnError: true }).writeWindowRows([row(t0, 'u1', 1)])).rejects.toThrow(/503/);
  });

  it('posts per-event rows of one call together', async () => {
    await make().writeEventRows([row(t0, 'u1', 1), row(t0 + 1, 'u2', 1)], 'p0-1-2');
    expect(fake.rowPosts).toHaveLength(1);
  });
});
