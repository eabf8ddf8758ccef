import type { ContainerClient } from '@azure/storage-blob';
import type { EmittedRow } from '../../engine/applyBatch';
import type { OutputSink } from '../../ports/outputSink';
import { archiveFolder, compactUtc } from './blobPaths';
import { mapWithConcurrency } from './mapWithConcurrency';
import { encodeKeyComponent } from '../tables/encodeKeyComponent';

export interface BlobArchiveSinkOptions {
  readonly container: ContainerClient;
  /** Parallel uploads. Default 8. */
  readonly concurrency?: number;
}

function groupBy(rows: readonly EmittedRow[], key: (r: EmittedRow) => string): Map<string, EmittedRow[]> {
  const groups = new Map<string, EmittedRow[]>();
  for (const r of rows) {
    const k = key(r);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  return groups;
}

const toJsonLines = (rows: readonly EmittedRow[]): string =>
  rows.map((r) => JSON.stringify(r.row)).join('\n') + '\n';

/**
 * Archives output rows as JSON Lines blobs under {output}/{yyyy}/{MM}/{dd}/{HH}/ (UTC, by the row's
 * System.Timestamp). Names are deterministic, so a replay overwrites a blob instead of adding one:
 * one blob per (output, window end) holding all of that window's rows, and for per-event statements
 * one blob per (output, hour, commit unit).
 */
export function blobArchiveSink(options: BlobArchiveSinkOptions): OutputSink {
  const { container } = options;
  const concurrency = options.concurrency ?? 8;
  const upload = async (name: string, rows: readonly EmittedRow[]): Promise<void> => {
    const body = toJsonLines(rows);
    await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
      blobHTTPHeaders: { blobContentType: 'application/x-ndjson' },
    });
  };
  return {
    async writeWindowRows(rows) {
      const groups = groupBy(rows, (r) => `${r.output}\u0000${r.timestampMs}`);
      await mapWithConcurrency([...groups.values()], concurrency, (g) => {
        const first = g[0]!;
        return upload(
          `${archiveFolder(first.output, first.timestampMs)}/window_${compactUtc(first.timestampMs)}.jsonl`,
          g,
        );
      });
    },
    async writeEventRows(rows, unitId) {
      const groups = groupBy(rows, (r) => `${r.output}\u0000${archiveFolder(r.output, r.timestampMs)}`);
      await mapWithConcurrency([...groups.values()], concurrency, (g) => {
        const first = g[0]!;
        return upload(
          `${archiveFolder(first.output, first.timestampMs)}/events_${encodeKeyComponent(unitId)}.jsonl`,
          g,
        );
      });
    },
  };
}
