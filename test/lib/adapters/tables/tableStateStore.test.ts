import { describe, expect, it } from 'vitest';

import { TableStateStore } from '../../../../src/lib/adapters/tables/tableStateStore';
import { createFinalizerState, type FinalizerState } from '../../../../src/lib/engine/state/finalizerState';
import {
  createPartitionProgress,
  type PartitionProgress,
} from '../../../../src/lib/engine/state/partitionProgress';
import { StateConflictError, type StateOp, type StoredDelta } from '../../../../src/lib/ports/stateStore';
import { createStateTable, freshStore, listEntities } from '../../../support/engineHarness';

function progress(
  partitionId: string,
  lastSeq: number,
  watermarkMs: number | null = null,
): PartitionProgress {
  return { ...createPartitionProgress(partitionId), lastSeq, watermarkMs };
}

function delta(
  partitionId: string,
  bucketMs: number,
  lastSeq: number,
  json = `[[${bucketMs},[[["u"],[1]]]]]`,
  statementIndex = 0,
): StoredDelta {
  return { statementIndex, bucketMs, partitionId, firstSeq: Math.max(0, lastSeq - 9), lastSeq, json };
}

const createDelta = (d: StoredDelta): StateOp => ({ kind: 'createDelta', delta: d });

const sortDeltas = (ds: readonly StoredDelta[]): StoredDelta[] =>
  [...ds].sort(
    (a, b) =>
      a.statementIndex - b.statementIndex ||
      a.bucketMs - b.bucketMs ||
      (a.partitionId < b.partitionId ? -1 : a.partitionId > b.partitionId ? 1 : 0) ||
      a.lastSeq - b.lastSeq,
  );

/** Rows of the table without the service's bookkeeping, sorted by RowKey. */
async function tableSnapshot(table: Awaited<ReturnType<typeof createStateTable>>): Promise<string[]> {
  const rows = await listEntities(table);
  return rows.map((r) => `${String(r.partitionKey)}|${String(r.rowKey)}|${String(r.etag)}`).sort();
}

describe('TableStateStore', () => {
  it('rejects an empty job name', async () => {
    const table = await createStateTable();
    expect(() => new TableStateStore({ client: table, jobName: '' })).toThrow(RangeError);
  });

  it('reads back what a commit wrote: progress, deltas, finalizer, with the returned ETags', async () => {
    const { store } = await freshStore();
    const d1 = delta('0', 10_000, 9);
    const d2 = delta('0', 20_000, 9);
    const d3 = delta('1', 10_000, 4);
    const fin: FinalizerState = {
      finalizedThroughMs: 5000,
      rowsEmitted: { Out: 3 },
      openSessions: { 1: '[]' },
    };
    const result = await store.commit([
      { kind: 'putProgress', progress: progress('0', 9, 1234), etag: undefined },
      { kind: 'putProgress', progress: progress('1', 4, 999), etag: undefined },
      createDelta(d1),
      createDelta(d2),
      createDelta(d3),
      { kind: 'putFinalizer', finalizer: fin, etag: undefined },
    ]);
    expect([...result.progressEtags.keys()].sort()).toEqual(['0', '1']);
    expect(result.finalizerEtag).toEqual(expect.any(String));

    const p0 = await store.loadPartition('0');
    expect(p0.progress?.value).toEqual(progress('0', 9, 1234));
    expect(p0.progress?.etag).toBe(result.progressEtags.get('0'));
    expect(sortDeltas(p0.deltas)).toEqual([d1, d2]);
    const p1 = await store.loadPartition('1');
    expect(p1.deltas).toEqual([d3]);

    const meta = await store.readMeta();
    expect(meta.finalizer).toEqual({ value: fin, etag: result.finalizerEtag });
    expect([...meta.progress.keys()].sort()).toEqual(['0', '1']);
    expect(meta.progress.get('1')).toEqual({
      value: progress('1', 4, 999),
      etag: result.progressEtags.get('1'),
    });

    expect(p0.finalizer).toEqual({ value: fin, etag: result.finalizerEtag });
    expect(await store.readFinalizer()).toEqual({ value: fin, etag: result.finalizerEtag });

    const missing = await store.loadPartition('2');
    expect(missing.progress).toBeUndefined();
    expect(missing.deltas).toEqual([]);
    expect(missing.finalizer).toEqual({ value: fin, etag: result.finalizerEtag });
  });

  it('reads no finalizer before one is written', async () => {
    const { store } = await freshStore();
    expect(await store.readFinalizer()).toBeUndefined();
    expect((await store.loadPartition('0')).finalizer).toBeUndefined();
    expect((await store.readMeta()).finalizer).toBeUndefined();
  });

  it('returns no ETags and writes nothing for an empty commit', async () => {
    const { table, store } = await freshStore();
    const result = await store.commit([]);
    expect(result.progressEtags.size).toBe(0);
    expect(result.finalizerEtag).toBeUndefined();
    expect(await listEntities(table)).toEqual([]);
  });

  it('reads deltas by statement and inclusive bucket range, from every partition', async () => {
    const { store } = await freshStore();
    const ds = [
      delta('0', 0, 1),
      delta('0', 10_000, 2),
      delta('1', 10_000, 7),
      delta('0', 20_000, 3),
      delta('1', 30_000, 8),
      delta('0', 20_000, 1, undefined, 1),
    ];
    await store.commit(ds.map(createDelta));
    expect(sortDeltas(await store.readDeltas(0, 10_000, 20_000))).toEqual([ds[1], ds[2], ds[3]]);
    expect(sortDeltas(await store.readDeltas(0, 0, 0))).toEqual([ds[0]]);
    expect(sortDeltas(await store.readDeltas(0, 30_000, 30_000))).toEqual([ds[4]]);
    expect(await store.readDeltas(0, 40_000, 90_000)).toEqual([]);
    expect(await store.readDeltas(1, 0, 19_999)).toEqual([]);
    expect(await store.readDeltas(1, 20_000, 20_000)).toEqual([ds[5]]);
  });

  it('keeps two jobs in one table apart, and one partition apart from a prefix of it', async () => {
    const table = await createStateTable();
    const a = new TableStateStore({ client: table, jobName: 'a' });
    const b = new TableStateStore({ client: table, jobName: 'a~' });
    await a.commit([
      { kind: 'putProgress', progress: progress('1', 1), etag: undefined },
      createDelta(delta('1', 10_000, 1)),
      createDelta(delta('11', 10_000, 1)),
    ]);
    await b.commit([
      { kind: 'putProgress', progress: progress('1', 5), etag: undefined },
      createDelta(delta('1', 10_000, 5)),
    ]);
    expect((await a.loadPartition('1')).deltas).toEqual([delta('1', 10_000, 1)]);
    expect((await a.loadPartition('1')).progress?.value.lastSeq).toBe(1);
    expect((await b.loadPartition('1')).deltas).toEqual([delta('1', 10_000, 5)]);
    expect(sortDeltas(await a.readDeltas(0, 0, 20_000))).toEqual([
      delta('1', 10_000, 1),
      delta('11', 10_000, 1),
    ]);
    expect(await b.readDeltas(0, 0, 20_000)).toEqual([delta('1', 10_000, 5)]);
    expect([...(await b.readMeta()).progress.keys()]).toEqual(['1']);
  });

  it('is not fooled by quotes in a partition id (OData injection)', async () => {
    const { store } = await freshStore();
    const evil = "x' or partitionId ne '";
    await store.commit([createDelta(delta('victim', 10_000, 3)), createDelta(delta(evil, 10_000, 4))]);
    expect((await store.loadPartition(evil)).deltas).toEqual([delta(evil, 10_000, 4)]);
  });

  describe('conflicts', () => {
    it('updates progress with the current ETag and rejects a stale one', async () => {
      const { store } = await freshStore();
      const first = await store.commit([
        { kind: 'putProgress', progress: progress('0', 1), etag: undefined },
      ]);
      const etag1 = first.progressEtags.get('0')!;
      const second = await store.commit([{ kind: 'putProgress', progress: progress('0', 2), etag: etag1 }]);
      const etag2 = second.progressEtags.get('0')!;
      expect(etag2).not.toBe(etag1);
      await expect(
        store.commit([{ kind: 'putProgress', progress: progress('0', 3), etag: etag1 }]),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect((await store.loadPartition('0')).progress).toEqual({ value: progress('0', 2), etag: etag2 });
    });

    it('rejects creating progress that exists', async () => {
      const { store } = await freshStore();
      await store.commit([{ kind: 'putProgress', progress: progress('0', 1), etag: undefined }]);
      await expect(
        store.commit([{ kind: 'putProgress', progress: progress('0', 9), etag: undefined }]),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect((await store.loadPartition('0')).progress?.value.lastSeq).toBe(1);
    });

    it('rejects creating a finalizer that exists, and a stale finalizer ETag', async () => {
      const { store } = await freshStore();
      const f1 = { ...createFinalizerState(), finalizedThroughMs: 10 };
      const f2 = { ...createFinalizerState(), finalizedThroughMs: 20 };
      const r1 = await store.commit([{ kind: 'putFinalizer', finalizer: f1, etag: undefined }]);
      await expect(
        store.commit([{ kind: 'putFinalizer', finalizer: f2, etag: undefined }]),
      ).rejects.toBeInstanceOf(StateConflictError);
      const r2 = await store.commit([{ kind: 'putFinalizer', finalizer: f2, etag: r1.finalizerEtag }]);
      await expect(
        store.commit([{ kind: 'putFinalizer', finalizer: f1, etag: r1.finalizerEtag }]),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect((await store.readMeta()).finalizer).toEqual({ value: f2, etag: r2.finalizerEtag });
    });

    it('rejects creating a delta that exists', async () => {
      const { store } = await freshStore();
      await store.commit([createDelta(delta('0', 10_000, 5))]);
      await expect(store.commit([createDelta(delta('0', 10_000, 5, '[]'))])).rejects.toBeInstanceOf(
        StateConflictError,
      );
      expect((await store.loadPartition('0')).deltas).toEqual([delta('0', 10_000, 5)]);
    });

    it('deletes a delta, and rejects deleting one that is gone', async () => {
      const { store } = await freshStore();
      const d = delta('0', 10_000, 5);
      await store.commit([createDelta(d)]);
      await store.commit([{ kind: 'deleteDelta', key: d }]);
      expect((await store.loadPartition('0')).deltas).toEqual([]);
      await expect(store.commit([{ kind: 'deleteDelta', key: d }])).rejects.toBeInstanceOf(
        StateConflictError,
      );
    });
  });

  it('does not report a missing table as a lost race', async () => {
    const table = await createStateTable();
    await table.deleteTable();
    const store = new TableStateStore({ client: table, jobName: 'job' });
    const error: unknown = await store
      .commit([{ kind: 'putProgress', progress: progress('0', 1), etag: undefined }])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(StateConflictError);
  });

  describe('atomicity', () => {
    it('leaves nothing of a commit whose last operation fails (stale ETag)', async () => {
      const { table, store } = await freshStore();
      const r = await store.commit([{ kind: 'putProgress', progress: progress('0', 1), etag: undefined }]);
      await store.commit([
        { kind: 'putProgress', progress: progress('0', 2), etag: r.progressEtags.get('0') },
      ]);
      const before = await tableSnapshot(table);
      await expect(
        store.commit([
          createDelta(delta('0', 10_000, 3)),
          createDelta(delta('0', 20_000, 3)),
          { kind: 'putFinalizer', finalizer: createFinalizerState(), etag: undefined },
          { kind: 'putProgress', progress: progress('0', 3), etag: r.progressEtags.get('0') },
        ]),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect(await tableSnapshot(table)).toEqual(before);
    });

    it('leaves nothing of a commit whose first operation fails (missing row to delete)', async () => {
      const { table, store } = await freshStore();
      await store.commit([{ kind: 'putProgress', progress: progress('0', 1), etag: undefined }]);
      const before = await tableSnapshot(table);
      const existing = await store.loadPartition('0');
      await expect(
        store.commit([
          { kind: 'deleteDelta', key: delta('0', 10_000, 1) },
          createDelta(delta('0', 10_000, 3)),
          { kind: 'putProgress', progress: progress('0', 3), etag: existing.progress!.etag },
        ]),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect(await tableSnapshot(table)).toEqual(before);
    });

    it('leaves nothing of a commit whose middle operation fails (delta exists)', async () => {
      const { table, store } = await freshStore();
      await store.commit([createDelta(delta('0', 20_000, 2))]);
      const before = await tableSnapshot(table);
      await expect(
        store.commit([
          { kind: 'putProgress', progress: progress('0', 3), etag: undefined },
          createDelta(delta('0', 10_000, 3)),
          createDelta(delta('0', 20_000, 2)),
          createDelta(delta('0', 30_000, 3)),
        ]),
      ).rejects.toBeInstanceOf(StateConflictError);
      expect(await tableSnapshot(table)).toEqual(before);
    });
  });

  describe('limits', () => {
    it('commits 100 operations and rejects 101 without writing anything', async () => {
      const { table, store } = await freshStore();
      const hundred = Array.from({ length: 100 }, (_, i) => createDelta(delta('0', i * 1000, 1)));
      await store.commit(hundred);
      expect((await store.loadPartition('0')).deltas).toHaveLength(100);

      const { table: table2, store: store2 } = await freshStore();
      const many = Array.from({ length: 101 }, (_, i) => createDelta(delta('0', i * 1000, 1)));
      await expect(store2.commit(many)).rejects.toThrow(RangeError);
      expect(await listEntities(table2)).toEqual([]);
      expect(await listEntities(table)).toHaveLength(100);
    });

    it('chunks a large delta across properties and reads it back identically', async () => {
      const { table, store } = await freshStore();
      // 100,003 UTF-16 units of mixed text, with a surrogate pair straddling the first chunk boundary.
      const json = 'a'.repeat(29_999) + '\u{1F600}' + 'é"\\\u0001'.repeat(17_500) + '日本語'.repeat(3334);
      const d = delta('p', 10_000, 7, json);
      await store.commit([createDelta(d)]);
      const raw = (await listEntities(table)).find((r) => String(r.rowKey).startsWith('b~'))!;
      const chunkProps = Object.keys(raw).filter((k) => /^d\d+$/.test(k));
      expect(chunkProps.length).toBeGreaterThan(1);
      for (const k of chunkProps) expect((raw[k] as string).length).toBeLessThanOrEqual(32 * 1024);
      expect((await store.loadPartition('p')).deltas).toEqual([d]);
      expect(await store.readDeltas(0, 10_000, 10_000)).toEqual([d]);
    });

    it('chunks large progress and finalizer values and reads them back identically', async () => {
      const { store } = await freshStore();
      const rowsEmitted: Record<string, number> = {};
      for (let i = 0; i < 4000; i++) rowsEmitted[`output-${i}-${'x'.repeat(20)}`] = i;
      const p: PartitionProgress = {
        ...progress('0', 123_456, 98_765),
        counters: { ...progress('0', 0).counters, rowsEmitted },
      };
      const openSessions: Record<number, string> = {
        0: JSON.stringify(Array.from({ length: 5000 }, (_, i) => [`user-${i}`, i])),
      };
      const f: FinalizerState = { finalizedThroughMs: 42, rowsEmitted, openSessions };
      expect(JSON.stringify(p).length).toBeGreaterThan(60_000);
      expect(JSON.stringify(f).length).toBeGreaterThan(60_000);
      const r = await store.commit([
        { kind: 'putProgress', progress: p, etag: undefined },
        { kind: 'putFinalizer', finalizer: f, etag: undefined },
      ]);
      const meta = await store.readMeta();
      expect(meta.progress.get('0')).toEqual({ value: p, etag: r.progressEtags.get('0') });
      expect(meta.finalizer).toEqual({ value: f, etag: r.finalizerEtag });
      expect((await store.loadPartition('0')).progress?.value).toEqual(p);
    });

    it('rejects a value too large for one entity without writing anything', async () => {
      const { table, store } = await freshStore();
      await expect(
        store.commit([createDelta(delta('0', 0, 1, 'x'.repeat(16 * 30_000 + 1)))]),
      ).rejects.toThrow(RangeError);
      await expect(
        store.commit([
          { kind: 'putProgress', progress: progress('0', 1), etag: undefined },
          createDelta(delta('0', 0, 1, 'x'.repeat(16 * 30_000 + 1))),
        ]),
      ).rejects.toThrow(RangeError);
      expect(await listEntities(table)).toEqual([]);
    });

    it('rejects a commit over the transaction payload budget without writing anything', async () => {
      const { table, store } = await freshStore();
      const big = 'x'.repeat(450_000);
      const ops = Array.from({ length: 8 }, (_, i) => createDelta(delta('0', i * 1000, 1, big)));
      await expect(store.commit(ops)).rejects.toThrow(RangeError);
      expect(await listEntities(table)).toEqual([]);
    });
  });

  it('does not lose a delta whose partition id is empty: rejects it, or reads it at its range bounds', async () => {
    // The delta row key ends "~<encoded partition>~<seq>"; with an empty encoding it must still sort
    // inside readDeltas' range for its bucket.
    const { store } = await freshStore();
    const d = delta('', 10_000, 1);
    let rejected = false;
    try {
      await store.commit([createDelta(d)]);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      rejected = true;
    }
    if (rejected) return;
    expect(await store.readDeltas(0, 10_000, 10_000)).toEqual([d]);
    expect(await store.readDeltas(0, 0, 10_000)).toEqual([d]);
  });
});
