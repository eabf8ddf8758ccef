import { gunzipSync } from 'node:zlib';
import { BlobServiceClient } from '@azure/storage-blob';
import { InvocationContext } from '@azure/functions';
import { describe, expect, it } from 'vitest';
import { rawEventArchive } from '../../../src/lib/app/rawEventArchive';
import { blobArchiveSink } from '../../../src/lib/adapters/blobs/blobArchiveSink';
import { compileJob } from '../../../src/lib/engine/compileJob';
import { defaultJob } from '../../../src/lib/engine/job';
import type { BatchSummary } from '../../../src/lib/engine/streamEngine';
import { compilePathPattern } from '../../../src/lib/outputs/pathPattern';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

async function container() {
  const c = BlobServiceClient.fromConnectionString(azuriteConnectionString()).getContainerClient(
    uniqueName('raw'),
  );
  await c.create();
  return c;
}

async function blobs(c: Awaited<ReturnType<typeof container>>): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for await (const b of c.listBlobsFlat()) out.set(b.name, await c.getBlobClient(b.name).downloadToBuffer());
  return out;
}

const click = (id: string, time: string): string =>
  JSON.stringify({ eventId: id, eventType: 'click', eventTime: time, userId: 'u', productId: 'p' });

describe('rawEventArchive', () => {
  it('archives valid events by their event hour, skips bad ones, and rewrites the same blob on redelivery', async () => {
    const c = await container();
    const archive = rawEventArchive({ container: c, input: compileJob(defaultJob).input });
    const batch = {
      partitionId: '3',
      messages: [
        {
          sequenceNumber: 10,
          enqueuedTimeMs: Date.UTC(2026, 0, 1, 10, 0, 1),
          body: click('a', '2026-01-01T09:59:59Z'),
        },
        { sequenceNumber: 11, enqueuedTimeMs: Date.UTC(2026, 0, 1, 10, 0, 1), body: 'not json' },
        {
          sequenceNumber: 12,
          enqueuedTimeMs: Date.UTC(2026, 0, 1, 10, 0, 2),
          body: click('b', '2026-01-01T10:00:01Z'),
        },
      ],
    };
    const context = new InvocationContext({ logHandler: () => undefined });
    await archive.observe(batch, {} as BatchSummary, context);
    await archive.observe(batch, {} as BatchSummary, context);
    const found = await blobs(c);
    expect([...found.keys()].sort()).toEqual([
      'raw/2026/01/01/09/p3-10-12.jsonl',
      'raw/2026/01/01/10/p3-10-12.jsonl',
    ]);
    expect(JSON.parse(found.get('raw/2026/01/01/10/p3-10-12.jsonl')!.toString('utf8'))).toMatchObject({
      eventId: 'b',
    });
  });

  it('follows an ASA path pattern and gzips when asked', async () => {
    const c = await container();
    const sink = blobArchiveSink({
      container: c,
      gzip: true,
      pathPattern: compilePathPattern('year={datetime:yyyy}/month={datetime:MM}/{UserId}'),
    });
    await sink.writeWindowRows([
      { output: 'Out', timestampMs: Date.UTC(2026, 4, 2, 3, 0, 10), row: { UserId: 'u1', N: 1 } },
      { output: 'Out', timestampMs: Date.UTC(2026, 4, 2, 3, 0, 10), row: { UserId: 'u2', N: 2 } },
    ]);
    const found = await blobs(c);
    expect([...found.keys()].sort()).toEqual([
      'Out/year=2026/month=05/u1/window_20260502T030010000Z.jsonl.gz',
      'Out/year=2026/month=05/u2/window_20260502T030010000Z.jsonl.gz',
    ]);
    const text = gunzipSync(
      found.get('Out/year=2026/month=05/u2/window_20260502T030010000Z.jsonl.gz')!,
    ).toString('utf8');
    expect(text).toBe('{"UserId":"u2","N":2}\n');
  });
});
