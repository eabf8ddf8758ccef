import type { ContainerClient } from '@azure/storage-blob';
import type { DeadLetter } from '../../engine/inputMessage';
import type { DeadLetterStore } from '../../ports/deadLetterStore';
import { encodeKeyComponent } from '../tables/encodeKeyComponent';
import { mapWithConcurrency } from './mapWithConcurrency';

export interface BlobDeadLetterStoreOptions {
  readonly container: ContainerClient;
  readonly concurrency?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The JSON document stored for one dead letter. */
export function deadLetterDocument(d: DeadLetter): Record<string, unknown> {
  let bodyText: string | undefined;
  try {
    bodyText = utf8.decode(d.body);
  } catch {
    bodyText = undefined;
  }
  return {
    reason: d.reason,
    detail: d.detail,
    partitionId: d.partitionId,
    sequenceNumber: d.sequenceNumber,
    enqueuedTime: new Date(d.enqueuedTimeMs).toISOString(),
    ...(d.lineNumber === undefined ? {} : { lineNumber: d.lineNumber }),
    bodyBase64: Buffer.from(d.body).toString('base64'),
    ...(bodyText === undefined ? {} : { bodyText }),
  };
}

/**
 * Dead letters as blobs named {partition}/{sequence number}.json: one per message, so a redelivered
 * bad message overwrites its own blob. Each holds the reason, the detail, the partition and sequence
 * number, the enqueued time and the original bytes (base64, and as text when they are UTF-8).
 */
export function blobDeadLetterStore(options: BlobDeadLetterStoreOptions): DeadLetterStore {
  const { container } = options;
  return {
    async write(deadLetters) {
      await mapWithConcurrency(deadLetters, options.concurrency ?? 8, async (d) => {
        const body = JSON.stringify(deadLetterDocument(d));
        const name = `${encodeKeyComponent(d.partitionId)}/${String(d.sequenceNumber).padStart(20, '0')}.json`;
        await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
          blobHTTPHeaders: { blobContentType: 'application/json' },
          metadata: { reason: d.reason },
        });
      });
    },
  };
}
