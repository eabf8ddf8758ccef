import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { LenientJsonError, parseLenientJson } from './parseLenientJson';

/** One input record as read from a file: its raw text and where it was. */
export interface ReplayRecord {
  /** The record's JSON text (the line itself, for JSON Lines). */
  readonly body: string;
  /** 1-based line number of the record (its first line, for a JSON array file). */
  readonly lineNumber: number;
}

/** A replay input that cannot be read at all: names the file and, where known, the line. */
export class ReplayInputError extends Error {
  override readonly name = 'ReplayInputError';
}

async function firstNonBlankChar(path: string): Promise<string | undefined> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new ReplayInputError(`${path}: cannot be read (${error.code ?? error.message})`);
  });
  try {
    const buffer = Buffer.alloc(4096);
    for (let position = 0; ;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return undefined;
      const m = /\S/.exec(buffer.subarray(0, bytesRead).toString('utf8'));
      if (m) return m[0];
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/**
 * Reads a replay input: JSON Lines (one record per line; blank lines skipped), or a file holding one
 * JSON array of records (ASA's test inputs; a trailing comma is accepted). A line that is not a valid record is still yielded: the
 * engine dead-letters it as it would a bad Event Hubs message. A file that cannot be read, or an array
 * file that does not parse, throws a {@link ReplayInputError} naming the file (and line).
 */
export async function* readReplayInput(path: string): AsyncGenerator<ReplayRecord> {
  const first = await firstNonBlankChar(path);
  if (first === '[') {
    yield* readJsonArray(path);
    return;
  }
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim().length === 0) continue;
      yield { body: line, lineNumber };
    }
  } catch (error) {
    throw new ReplayInputError(`${path}: read failed after line ${lineNumber} (${(error as Error).message})`);
  }
}

async function* readJsonArray(path: string): AsyncGenerator<ReplayRecord> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(path, 'utf8');
  let parsed: unknown;
  try {
    // ASA accepts a trailing comma in a JSON array input; so does the replay.
    parsed = parseLenientJson(text);
  } catch (error) {
    const line = error instanceof LenientJsonError ? error.line : undefined;
    const where = line === undefined ? '' : `:${line}`;
    throw new ReplayInputError(`${path}${where}: not a valid JSON array (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed))
    throw new ReplayInputError(`${path}: expected a JSON array of records, received ${typeof parsed}`);
  // Line numbers of array elements are not tracked; report the element's 1-based index instead.
  let index = 0;
  for (const element of parsed) {
    index++;
    yield { body: JSON.stringify(element), lineNumber: index };
  }
}
