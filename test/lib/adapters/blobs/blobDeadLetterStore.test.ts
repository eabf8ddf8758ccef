import type { ContainerClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';

import {
  blobDeadLetterStore,
  deadLetterDocument,
} from '../../../../src/lib/adapters/blobs/blobDeadLetterStore';
import type { DeadLetter } from '../../../../src/lib/engine/inputMessage';
import { createContainer } from '../../../support/engineHarness';

const enc = new TextEncoder();

function letter(
  partitionId: string,
  sequenceNumber: number,
  body: Uint8Array,
  extra: Partial<DeadLetter> = {},
): DeadLetter {
  return {
    partitionId,
    sequenceNumber,
    enqueuedTimeMs: Date.UTC(2024, 4, 1, 12, 0, 0, 123),
    reason: 'notJson',
    detail: 'body: expected JSON, received text that fails to parse',
    body,
    ...extra,
  };
}

async function readAll(
  container: ContainerClient,
): Promise<Map<string, { doc: unknown; reason?: string; type?: string }>> {
  const out = new Map<string, { doc: unknown; reason?: string; type?: string }>();
  for await (const b of container.listBlobsFlat({ includeMetadata: true })) {
    const text = (await container.getBlobClient(b.name).downloadToBuffer()).toString('utf8');
    out.set(b.name, {
      doc: JSON.parse(text),
      ...(b.metadata?.['reason'] ? { reason: b.metadata['reason'] } : {}),
      ...(b.properties.contentType ? { type: b.properties.contentType } : {}),
    });
  }
  return out;
}

describe('deadLetterDocument', () => {
  it('holds reason, detail, position, enqueued time, base64 bytes and the text when it is UTF-8', () => {
    const d = letter('3', 42, enc.encode('{"a":'), { lineNumber: 7 });
    expect(deadLetterDocument(d)).toEqual({
      reason: 'notJson',
      detail: d.detail,
      partitionId: '3',
      sequenceNumber: 42,
      enqueuedTime: '2024-05-01T12:00:00.123Z',
      lineNumber: 7,
      bodyBase64: Buffer.from('{"a":').toString('base64'),
      bodyText: '{"a":',
    });
  });

  it('omits the text of bytes that are not UTF-8, and the line number when absent', () => {
    const bytes = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
    const doc = deadLetterDocument(letter('0', 1, bytes));
    expect(doc).not.toHaveProperty('bodyText');
    expect(doc).not.toHaveProperty('lineNumber');
    expect(Buffer.from(doc['bodyBase64'] as string, 'base64')).toEqual(Buffer.from(bytes));
  });
});

describe('blobDeadLetterStore', () => {
  it('writes one JSON blob per partition and sequence number, with the reason as metadata', async () => {
    const container = await createContainer('dead');
    const store = blobDeadLetterStore({ container });
    const a = letter('0', 5, enc.encode('not json'));
    const b = letter('0', 12, enc.encode('[1,2]'), {
      reason: 'notAnObject',
      detail: 'body: expected a JSON object, received an array',
    });
    const c = letter('1', 5, new Uint8Array([0xc3, 0x28]));
    await store.write([a, b, c]);
    const blobs = await readAll(container);
    expect([...blobs.keys()].sort()).toEqual([
      '0/00000000000000000005.json',
      '0/00000000000000000012.json',
      '1/00000000000000000005.json',
    ]);
    expect(blobs.get('0/00000000000000000005.json')).toEqual({
      doc: deadLetterDocument(a),
      reason: 'notJson',
      type: 'application/json',
    });
    expect(blobs.get('0/00000000000000000012.json')?.doc).toEqual(deadLetterDocument(b));
    expect(blobs.get('0/00000000000000000012.json')?.reason).toBe('notAnObject');
    const cDoc = blobs.get('1/00000000000000000005.json')?.doc as Record<string, unknown>;
    expect(Buffer.from(cDoc['bodyBase64'] as string, 'base64')).toEqual(Buffer.from([0xc3, 0x28]));
  });

  it('is idempotent: a redelivered dead letter overwrites its own blob', async () => {
    const container = await createContainer('dead');
    const store = blobDeadLetterStore({ container, concurrency: 2 });
    const letters = Array.from({ length: 12 }, (_, i) => letter('7', i, enc.encode(`bad ${i}`)));
    await store.write(letters);
    const first = await readAll(container);
    await store.write(letters.slice(3, 9));
    await store.write([]);
    expect(await readAll(container)).toEqual(first);
    expect(first.size).toBe(12);
  });

  it('keeps partition ids with reserved characters in one folder each, without collisions', async () => {
    const container = await createContainer('dead');
    const store = blobDeadLetterStore({ container });
    const ids = ['a/b', 'a', 'a?b', 'a#b', 'a\\b', '\u0001', '日本', 'x'.repeat(300)];
    await store.write(ids.map((id) => letter(id, 1, enc.encode(id))));
    const blobs = await readAll(container);
    expect(blobs.size).toBe(ids.length);
    const byPartition = new Map(
      [...blobs.values()].map((v) => [(v.doc as { partitionId: string }).partitionId, v]),
    );
    expect([...byPartition.keys()].sort()).toEqual([...ids].sort());
    for (const name of blobs.keys()) expect(name).toMatch(/^[A-Za-z0-9_.!-]+\/\d{20}\.json$/);
    for (const id of ids) expect((byPartition.get(id)!.doc as { bodyText: string }).bodyText).toBe(id);
  });
});
