import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { LatestRowsStore } from '../../../src/lib/adapters/tables/latestRowsStore';
import { ProductCountStore } from '../../../src/lib/dashboard/readModels/productCountStore';
import { topProducts } from '../../../src/lib/dashboard/readModels/productCounts';
import { TrafficSampleStore } from '../../../src/lib/dashboard/readModels/trafficSampleStore';
import type { EmittedRow } from '../../../src/lib/engine/applyBatch';
import type { InputMessage } from '../../../src/lib/engine/inputMessage';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

const t0 = Date.UTC(2026, 5, 1, 10, 0, 0);

async function table(): Promise<TableClient> {
  const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName('readmodel'), {
    allowInsecureConnection: true,
  });
  await client.createTable();
  return client;
}

async function entityCount(client: TableClient): Promise<number> {
  let n = 0;
  for await (const _ of client.listEntities()) n++;
  return n;
}

const windowRows = (output: string, endMs: number, counts: readonly number[]): EmittedRow[] =>
  counts.map((c, i) => ({
    output,
    timestampMs: endMs,
    row: { WindowEnd: new Date(endMs).toISOString(), UserId: `u${i}`, ClickCount: c },
  }));

describe('LatestRowsStore', () => {
  it('keeps the newest windows per output, replaces a repeated window, orders rows by the first number', async () => {
    const client = await table();
    const store = new LatestRowsStore({ client, jobName: 'job', windowsPerOutput: 3, rowsPerWindow: 2 });
    for (let w = 1; w <= 5; w++) await store.writeWindowRows(windowRows('A', t0 + w * 10_000, [1, 5, 3]));
    // The engine may repeat a window after a crash: same keys, same entity.
    await store.writeWindowRows([
      ...windowRows('A', t0 + 50_000, [1, 5, 3]),
      ...windowRows('B', t0 + 20_000, [7]),
    ]);
    expect(await entityCount(client)).toBe(4);
    const recent = await store.recent('A', 10);
    expect(recent.map((w) => w.timestampMs)).toEqual([t0 + 50_000, t0 + 40_000, t0 + 30_000]);
    expect(recent[0]).toEqual({
      output: 'A',
      timestampMs: t0 + 50_000,
      kind: 'window',
      rowCount: 3,
      columns: ['WindowEnd', 'UserId', 'ClickCount'],
      orderedBy: 'ClickCount',
      rows: [
        { WindowEnd: new Date(t0 + 50_000).toISOString(), UserId: 'u1', ClickCount: 5 },
        { WindowEnd: new Date(t0 + 50_000).toISOString(), UserId: 'u2', ClickCount: 3 },
      ],
    });
    const latest = await store.latest(['A', 'B', 'C']);
    expect(latest.map((w) => [w.output, w.timestampMs])).toEqual([
      ['A', t0 + 50_000],
      ['B', t0 + 20_000],
    ]);
  });

  it('keeps per-event commit units, shrinks huge windows to fit an entity, and skips unkeyable times', async () => {
    const client = await table();
    const store = new LatestRowsStore({ client, jobName: 'job', rowsPerWindow: 50 });
    await store.writeEventRows(
      [
        { output: 'Events', timestampMs: t0 + 1, row: { id: 'a' } },
        { output: 'Events', timestampMs: t0 + 2, row: { id: 'b' } },
      ],
      'p0-0-1',
    );
    expect(await store.latest(['Events'])).toEqual([
      {
        output: 'Events',
        timestampMs: t0 + 2,
        kind: 'events',
        rowCount: 2,
        columns: ['id'],
        orderedBy: null,
        rows: [{ id: 'a' }, { id: 'b' }],
      },
    ]);
    const big = 'x'.repeat(60_000);
    await store.writeWindowRows(
      Array.from({ length: 20 }, (_, i) => ({ output: 'Big', timestampMs: t0, row: { n: i, text: big } })),
    );
    const [window] = await store.latest(['Big']);
    expect(window!.rowCount).toBe(20);
    expect(window!.rows.length).toBeGreaterThan(0);
    expect(window!.rows.length).toBeLessThan(20);
    await expect(
      store.writeWindowRows([{ output: 'Far', timestampMs: 8_640_000_000_000_000, row: { n: 1 } }]),
    ).resolves.toBeUndefined();
    expect(await store.latest(['Far'])).toEqual([]);
  });
});

const message = (
  seq: number,
  enqueuedTimeMs: number,
  eventType: string,
  productId: string,
): InputMessage => ({
  sequenceNumber: seq,
  enqueuedTimeMs,
  body: JSON.stringify({ eventId: `e${seq}`, eventType, userId: 'u', productId }),
});

describe('ProductCountStore', () => {
  it('counts redelivered and overlapping batches once, across buckets', async () => {
    const client = await table();
    const store = new ProductCountStore({ client, jobName: 'job' });
    const batch = Array.from({ length: 30 }, (_, i) =>
      message(i, t0 + i * 500, i % 3 === 0 ? 'add_to_cart' : 'click', `p${i % 2}`),
    );
    await store.observe('0', batch.slice(0, 20));
    await store.observe('0', batch.slice(0, 20));
    await store.observe('0', batch.slice(10));
    // A new process (another instance) picks the partition up from the stored rows.
    await new ProductCountStore({ client, jobName: 'job' }).observe('0', batch);
    const totals = await store.totals(t0, t0 + 15_000);
    expect(totals.fromMs).toBe(t0);
    expect(totals.toMs).toBe(t0 + 20_000);
    expect(topProducts(totals.counts, 'click', 5)).toEqual([
      { productId: 'p0', count: 10 },
      { productId: 'p1', count: 10 },
    ]);
    expect(topProducts(totals.counts, 'add_to_cart', 5)).toEqual([
      { productId: 'p0', count: 5 },
      { productId: 'p1', count: 5 },
    ]);
    // Arrival-time buckets of 10 s: [t0, t0+10 s) and [t0+10 s, t0+20 s).
    expect(await entityCount(client)).toBe(2);
    const first = await store.totals(t0, t0 + 5_000);
    expect(topProducts(first.counts, 'click', 5).reduce((n, p) => n + p.count, 0)).toBe(13);
  });

  it('stays exact when two instances write the same partition in turn (ETag races retried)', async () => {
    const client = await table();
    const a = new ProductCountStore({ client, jobName: 'job' });
    const b = new ProductCountStore({ client, jobName: 'job' });
    for (let i = 0; i < 6; i++) {
      const owner = i % 2 === 0 ? a : b;
      await owner.observe('1', [message(i, t0 + 100 * i, 'click', 'p')]);
    }
    // Concurrently, with the same messages: one wins each race, the other re-reads and skips.
    await Promise.all([a, b].map((s) => s.observe('1', [message(6, t0 + 700, 'click', 'p')])));
    const totals = await a.totals(t0, t0);
    expect(topProducts(totals.counts, 'click', 1)).toEqual([{ productId: 'p', count: 7 }]);
  });

  it('deletes a partition’s buckets older than the retention when it starts a new one', async () => {
    const client = await table();
    const store = new ProductCountStore({ client, jobName: 'job', retentionInMs: 30_000 });
    for (let i = 0; i < 8; i++) await store.observe('0', [message(i, t0 + i * 10_000, 'click', 'p')]);
    expect(await entityCount(client)).toBe(4);
  });
});

describe('TrafficSampleStore', () => {
  it('returns samples since a time, oldest first; one per second; old ones pruned', async () => {
    const client = await table();
    const store = new TrafficSampleStore({ client, jobName: 'job', retentionInMs: 60_000 });
    const sample = (atMs: number, inputEvents: number) => ({
      atMs,
      inputEvents,
      deadLettered: 0,
      rowsEmitted: 0,
      maxWatermarkDelayInMs: 10,
    });
    for (let i = 0; i < 20; i++) await store.record(sample(t0 + i * 5_000 + 123, i * 100));
    await store.record(sample(t0 + 95_500, 1_950));
    const all = await store.since(0);
    expect(all.map((s) => s.atMs)).toEqual(Array.from({ length: 13 }, (_, i) => t0 + 35_000 + i * 5_000));
    expect(all.at(-1)!.inputEvents).toBe(1_950);
    expect((await store.since(t0 + 90_000)).map((s) => s.inputEvents)).toEqual([1_800, 1_950]);
  });
});
