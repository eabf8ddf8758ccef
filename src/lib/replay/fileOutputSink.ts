import { mkdir, open, stat, truncate, appendFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EmittedRow } from '../engine/applyBatch';
import type { OutputSink } from '../ports/outputSink';

export interface FileOutputSinkOptions {
  /** A file (every output in one JSON Lines file) or, when `perOutputDirectory`, a directory. */
  readonly path: string;
  /** One file per output, `<path>/<output>.jsonl`. */
  readonly perOutputDirectory: boolean;
}

/** Drops a torn last line left by a process killed mid-write, so appended rows start on a fresh line. */
async function repairTornTail(path: string): Promise<void> {
  const size = await stat(path).then(
    (s) => s.size,
    () => -1,
  );
  if (size <= 0) return;
  const handle = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(Math.min(size, 1 << 20));
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const nl = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) {
        if (start + nl + 1 !== size) await truncate(path, start + nl + 1);
        return;
      }
      end = start;
    }
    await truncate(path, 0);
  } finally {
    await handle.close();
  }
}

/**
 * The replay CLI's output: JSON Lines of {"output": name, "row": {...}}, appended, so that a run that
 * resumes after being killed adds to what the first run wrote. A row may then appear twice, always
 * identically; none is lost.
 */
export async function fileOutputSink(
  options: FileOutputSinkOptions,
): Promise<OutputSink & { readonly files: () => string[] }> {
  const files = new Set<string>();
  const prepared = new Set<string>();
  const fileFor = (output: string): string =>
    options.perOutputDirectory ? join(options.path, `${output}.jsonl`) : options.path;
  if (options.perOutputDirectory) await mkdir(options.path, { recursive: true });
  else await mkdir(dirname(options.path), { recursive: true });
  const write = async (rows: readonly EmittedRow[]): Promise<void> => {
    const byFile = new Map<string, string>();
    for (const r of rows) {
      const f = fileFor(r.output);
      byFile.set(f, (byFile.get(f) ?? '') + JSON.stringify({ output: r.output, row: r.row }) + '\n');
    }
    for (const [f, text] of byFile) {
      if (!prepared.has(f)) {
        await repairTornTail(f);
        prepared.add(f);
      }
      files.add(f);
      await appendFile(f, text, 'utf8');
    }
  };
  return {
    writeWindowRows: write,
    writeEventRows: (rows) => write(rows),
    files: () => [...files],
  };
}
