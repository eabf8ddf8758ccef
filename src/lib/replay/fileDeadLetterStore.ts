import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deadLetterDocument } from '../adapters/blobs/blobDeadLetterStore';
import type { DeadLetterStore } from '../ports/deadLetterStore';

/** The replay CLI's dead-letter store: one JSON line per dead letter, with reason, line and bytes. */
export function fileDeadLetterStore(path: string): DeadLetterStore {
  let ready = false;
  return {
    async write(deadLetters) {
      if (deadLetters.length === 0) return;
      if (!ready) {
        await mkdir(dirname(path), { recursive: true });
        ready = true;
      }
      await appendFile(
        path,
        deadLetters.map((d) => JSON.stringify(deadLetterDocument(d)) + '\n').join(''),
        'utf8',
      );
    },
  };
}
