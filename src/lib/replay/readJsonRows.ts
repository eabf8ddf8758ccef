import { readFile } from 'node:fs/promises';
import { LenientJsonError, parseLenientJson } from './parseLenientJson';

/** A rows file that cannot be read: names the file and, where known, the line. */
export class JsonRowsError extends Error {
  override readonly name = 'JsonRowsError';
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Splits text into its top-level JSON values (line-delimited JSON, or objects written one after the
 * other over several lines), with the 1-based line each starts on.
 */
export function splitJsonValues(text: string): { text: string; line: number }[] {
  const values: { text: string; line: number }[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (/\s/.test(ch) || ch === '\uFEFF') {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i]!;
      if (!inString && depth === 0 && /\s/.test(c)) break;
      if (c === '\n') line++;
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      }
    }
    values.push({ text: text.slice(start, i), line: startLine });
  }
  return values;
}

/**
 * Reads output rows: line-delimited JSON (ASA's local-run and test format; objects may span lines) or
 * one JSON array (a trailing comma is accepted). Every row must be a JSON object.
 */
export function parseJsonRows(text: string, source: string): Record<string, unknown>[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/^\s*\[/.test(body)) {
    let parsed: unknown;
    try {
      parsed = parseLenientJson(body);
    } catch (error) {
      const line = error instanceof LenientJsonError && error.line !== undefined ? `:${error.line}` : '';
      throw new JsonRowsError(`${source}${line}: not a valid JSON array (${(error as Error).message})`);
    }
    const rows = parsed as unknown[];
    rows.forEach((row, i) => {
      if (!isRecord(row))
        throw new JsonRowsError(
          `${source}: element ${i + 1}: expected a JSON object, received ${JSON.stringify(row)}`,
        );
    });
    return rows as Record<string, unknown>[];
  }
  return splitJsonValues(body).map(({ text: valueText, line }) => {
    let row: unknown;
    try {
      row = parseLenientJson(valueText);
    } catch (error) {
      throw new JsonRowsError(`${source}:${line}: not valid JSON (${(error as Error).message})`);
    }
    if (!isRecord(row))
      throw new JsonRowsError(
        `${source}:${line}: expected a JSON object, received ${valueText.slice(0, 60)}`,
      );
    return row;
  });
}

/** Reads a rows file (see {@link parseJsonRows}); throws a {@link JsonRowsError} naming the file. */
export async function readJsonRows(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new JsonRowsError(`${path}: cannot be read (${error.code ?? error.message})`);
  });
  return parseJsonRows(text, path);
}
