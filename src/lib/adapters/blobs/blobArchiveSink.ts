import { gzipSync } from 'node:zlib';
import type { ContainerClient } from '@azure/storage-blob';
import type { EmittedRow } from '../../engine/applyBatch';
import type { PathPattern } from '../../outputs/pathPattern';
import type { OutputSink } from '../../ports/outputSink';
import { encodeKeyComponent } from '../tables/encodeKeyComponent';
import { archiveFolder, compactUtc } from './blobPaths';
import { mapWithConcurrency } from './mapWithConcurrency';

export interface BlobArchiveSinkOptions {
  readonly container: ContainerClient;
  /** Parallel uploads. Default 8. */
  readonly concurrency?: number;
  /**
   * ASA's path pattern ({date}, {time}, {datetime:<specifier>}, one {field}) for the folders under
   * each output; default {output}/yyyy/MM/dd/HH.
   */
  readonly pathPattern?: PathPattern;
  /** Gzip the JSON Lines (name ends .jsonl.gz, Content-Encoding gzip). Default false. */
  readonly gzip?: boolean;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(item);
  }
  return groups;
}

/** Uploads JSON Lines to a block blob (overwriting: names are deterministic), gzipped if asked. */
export async function uploadJsonLines(
  container: ContainerClient,
  name: string,
  lines: readonly unknown[],
  gzip: boolean,
): Promise<void> {
  const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const body = gzip ? gzipSync(text) : Buffer.from(text, 'utf8');
  await container.getBlockBlobClient(gzip ? `${name}.gz` : name).upload(body, body.byteLength, {
    blobHTTPHeaders: {
      blobContentType: 'application/x-ndjson',
      ...(gzip ? { blobContentEncoding: 'gzip' } : {}),
    },
  });
}

/**
 * Archives output rows as JSON Lines blobs in folders rendered from the row's System.Timestamp in UTC
 * (ASA names folders by output event time, never processing time). Names are deterministic, so a
 * replay overwrites a blob instead of adding one: one blob per (output, folder, window end) holding all
 * of that window's rows, and for per-event statements one blob per (output, folder, commit unit).
 */
export function blobArchiveSink(options: BlobArchiveSinkOptions): OutputSink {
  const { container, pathPattern } = options;
  const concurrency = options.concurrency ?? 8;
  const gzip = options.gzip ?? false;
  const folderOf = (r: EmittedRow): string =>
    pathPattern
      ? `${r.output}/${pathPattern.render(r.timestampMs, r.row)}`
      : archiveFolder(r.output, r.timestampMs);
  const upload = (name: string, rows: readonly EmittedRow[]): Promise<void> =>
    uploadJsonLines(
      container,
      name,
      rows.map((r) => r.row),
      gzip,
    );
  return {
    async writeWindowRows(rows) {
      const groups = groupBy(rows, (r) => `${folderOf(r)}\u0000${r.timestampMs}`);
      await mapWithConcurrency([...groups.values()], concurrency, (g) => {
        const first = g[0]!;
        return upload(`${folderOf(first)}/window_${compactUtc(first.timestampMs)}.jsonl`, g);
      });
    },
    async writeEventRows(rows, unitId) {
      const groups = groupBy(rows, folderOf);
      await mapWithConcurrency([...groups.values()], concurrency, (g) =>
        upload(`${folderOf(g[0]!)}/events_${encodeKeyComponent(unitId)}.jsonl`, g),
      );
    },
  };
}
