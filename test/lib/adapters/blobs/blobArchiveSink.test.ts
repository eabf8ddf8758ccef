import type { ContainerClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';

import { blobArchiveSink } from '../../../../src/lib/adapters/blobs/blobArchiveSink';
import type { EmittedRow } from '../../../../src/lib/engine/applyBatch';
import { createContainer } from '../../../support/engineHarness';

async function readAll(container: ContainerClient): Promise<Map<string, { text: string; type?: string }>> {
  const out = new Map<string, { text: string; type?: string }>();
  for await (const b of container.listBlobsFlat()) {
    const text = (await container.getBlobClient(b.name).downloadToBuffer()).toString('utf8');
    out.set(b.name, { text, ...(b.properties.contentType ? { type: b.properties.contentType } : {}) });
  }
  return out;
}

const at = (iso: string): number => Date.parse(iso);

function row(output: string, timestampIso: string, user: string, n: number): EmittedRow {
  return { output, timestampMs: at(timestampIso), row: { WindowEnd: timestampIso, User: user, N: n } };
}

const lines = (rows: readonly EmittedRow[]): string => rows.map((r) => JSON.stringify(r.row) + '\n').join('');

describe('blobArchiveSink', () => {
  it('writes one JSON Lines blob per (output, window end), under the UTC hour of the window end', async () => {
    const container = await createContainer('archive');
    const sink = blobArchiveSink({ container });
    const rows = [
      row('Clicks', '2024-05-01T12:00:10.000Z', 'a', 1),
      row('Clicks', '2024-05-01T12:00:10.000Z', 'b', 2),
      row('Clicks', '2024-05-01T13:00:00.000Z', 'a', 3),
      row('Other', '2024-05-01T12:00:10.000Z', 'a', 4),
      row('Clicks', '2024-12-31T23:59:59.999Z', 'z', 5),
    ];
    await sink.writeWindowRows(rows);
    const blobs = await readAll(container);
    expect([...blobs.keys()].sort()).toEqual([
      'Clicks/2024/05/01/12/window_20240501T120010000Z.jsonl',
      'Clicks/2024/05/01/13/window_20240501T130000000Z.jsonl',
      'Clicks/2024/12/31/23/window_20241231T235959999Z.jsonl',
      'Other/2024/05/01/12/window_20240501T120010000Z.jsonl',
    ]);
    expect(blobs.get('Clicks/2024/05/01/12/window_20240501T120010000Z.jsonl')).toEqual({
      text: lines([rows[0]!, rows[1]!]),
      type: 'application/x-ndjson',
    });
    expect(blobs.get('Clicks/2024/05/01/13/window_20240501T130000000Z.jsonl')?.text).toBe(lines([rows[2]!]));
    expect(blobs.get('Other/2024/05/01/12/window_20240501T120010000Z.jsonl')?.text).toBe(lines([rows[3]!]));
  });

  it('overwrites a window blob when the same rows are written again (no duplicate blobs or lines)', async () => {
    const container = await createContainer('archive');
    const sink = blobArchiveSink({ container, concurrency: 1 });
    const rows = [
      row('Clicks', '2024-05-01T12:00:10.000Z', 'a', 1),
      row('Clicks', '2024-05-01T12:00:20.000Z', 'a', 2),
    ];
    await sink.writeWindowRows(rows);
    const first = await readAll(container);
    await sink.writeWindowRows(rows);
    await sink.writeWindowRows([rows[1]!]);
    expect(await readAll(container)).toEqual(first);
    expect(first.size).toBe(2);
  });

  it('writes nothing for no rows', async () => {
    const container = await createContainer('archive');
    const sink = blobArchiveSink({ container });
    await sink.writeWindowRows([]);
    await sink.writeEventRows([], 'p0-1-2');
    expect((await readAll(container)).size).toBe(0);
  });

  it('writes per-event rows as one blob per (output, hour, commit unit)', async () => {
    const container = await createContainer('archive');
    const sink = blobArchiveSink({ container });
    const rows = [
      row('Events', '2024-05-01T12:59:59.999Z', 'a', 1),
      row('Events', '2024-05-01T13:00:00.000Z', 'b', 2),
      row('Events', '2024-05-01T12:00:00.000Z', 'c', 3),
      row('Alerts', '2024-05-01T12:30:00.000Z', 'd', 4),
    ];
    await sink.writeEventRows(rows, 'p0-10-19');
    await sink.writeEventRows([row('Events', '2024-05-01T12:10:00.000Z', 'e', 5)], 'p0-20-29');
    const blobs = await readAll(container);
    expect([...blobs.keys()].sort()).toEqual([
      'Alerts/2024/05/01/12/events_p0-10-19.jsonl',
      'Events/2024/05/01/12/events_p0-10-19.jsonl',
      'Events/2024/05/01/12/events_p0-20-29.jsonl',
      'Events/2024/05/01/13/events_p0-10-19.jsonl',
    ]);
    expect(blobs.get('Events/2024/05/01/12/events_p0-10-19.jsonl')?.text).toBe(lines([rows[0]!, rows[2]!]));
    expect(blobs.get('Events/2024/05/01/13/events_p0-10-19.jsonl')?.text).toBe(lines([rows[1]!]));
    // The same unit again overwrites its blobs.
    await sink.writeEventRows(rows, 'p0-10-19');
    expect(await readAll(container)).toEqual(blobs);
  });

  it('propagates an upload failure', async () => {
    const container = await createContainer('archive');
    await container.delete();
    const sink = blobArchiveSink({ container });
    await expect(sink.writeWindowRows([row('Clicks', '2024-05-01T12:00:10.000Z', 'a', 1)])).rejects.toThrow();
  });
});
