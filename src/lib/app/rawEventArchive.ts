import type { ContainerClient } from '@azure/storage-blob';
import { uploadJsonLines } from '../adapters/blobs/blobArchiveSink';
import { archiveFolder } from '../adapters/blobs/blobPaths';
import { mapWithConcurrency } from '../adapters/blobs/mapWithConcurrency';
import { encodeKeyComponent } from '../adapters/tables/encodeKeyComponent';
import type { CompiledInput } from '../engine/compileJob';
import { decodeMessage } from '../engine/decodeMessage';
import { toEpochMs } from '../engine/toEpochMs';
import type { EventRecord } from '../engine/values';
import type { PathPattern } from '../outputs/pathPattern';
import type { BatchObserver } from './clickPulseApp';

export interface RawEventArchiveOptions {
  readonly container: ContainerClient;
  readonly input: CompiledInput;
  /** Folders under raw/; default yyyy/MM/dd/HH of each event's time (UTC). */
  readonly pathPattern?: PathPattern;
  readonly gzip?: boolean;
}

/** The folder prefix raw events go under. */
export const rawEventsOutput = 'raw';

/**
 * Archives each batch's valid events (as decoded: the canonical record) as JSON Lines, in folders of
 * their event time, one blob per (folder, partition, batch sequence range). A redelivered batch
 * rewrites its blobs; one redelivered with other boundaries can repeat an event in a second blob
 * (identically, with its eventId), never lose one. Bad events are in the dead-letter store instead.
 */
export function rawEventArchive(options: RawEventArchiveOptions): BatchObserver {
  const { container, input, pathPattern } = options;
  return {
    async observe(batch) {
      const first = batch.messages[0];
      const last = batch.messages.at(-1);
      if (!first || !last) return;
      const folders = new Map<string, EventRecord[]>();
      for (const m of batch.messages) {
        const decoded = decodeMessage(input, m.body);
        if (!decoded.ok) continue;
        const t =
          decoded.contractEventTimeMs ??
          (input.timestampBy
            ? toEpochMs(input.timestampBy({ record: decoded.record, timestampMs: m.enqueuedTimeMs }))
            : undefined) ??
          m.enqueuedTimeMs;
        const folder = pathPattern
          ? `${rawEventsOutput}/${pathPattern.render(t, decoded.record)}`
          : archiveFolder(rawEventsOutput, t);
        let records = folders.get(folder);
        if (!records) folders.set(folder, (records = []));
        records.push(decoded.record);
      }
      const name = `p${encodeKeyComponent(batch.partitionId)}-${first.sequenceNumber}-${last.sequenceNumber}.jsonl`;
      await mapWithConcurrency([...folders], 8, ([folder, records]) =>
        uploadJsonLines(container, `${folder}/${name}`, records, options.gzip ?? false),
      );
    },
  };
}
