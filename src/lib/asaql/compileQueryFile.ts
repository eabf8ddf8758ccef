import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { JobDefinition } from '../engine/job';
import { compileQuery, type CompileQueryOptions } from './compileQuery';
import { formatQueryError } from './formatQueryError';
import { QueryError } from './queryError';

/** A query file that cannot be loaded; the message names file:line:column and shows the line. */
export class QueryLoadError extends Error {
  override readonly name = 'QueryLoadError';
}

export interface CompileQueryFileOptions extends Omit<CompileQueryOptions, 'name'> {
  /** Default: the file name without its extension. */
  readonly name?: string;
}

/** The job name a query file gives: its file name without the extension (jobs/x.asaql is "x"). */
export function jobNameOfQueryFile(path: string): string {
  const file = basename(path);
  const name = file.slice(0, file.length - extname(file).length) || file;
  return name.slice(0, 128);
}

/**
 * Reads and compiles an ASA query file (.asaql). Throws a {@link QueryLoadError} for an unreadable file
 * and for any syntax or compile error, with `file:line:column`, the offending token and what was expected.
 */
export async function compileQueryFile(
  path: string,
  options: CompileQueryFileOptions = {},
): Promise<JobDefinition> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new QueryLoadError(`${path}: cannot be read (${error.code ?? error.message})`);
  });
  try {
    return compileQuery(text, { ...options, name: options.name ?? jobNameOfQueryFile(path) });
  } catch (error) {
    if (error instanceof QueryError)
      throw new QueryLoadError(formatQueryError(error, text, path), { cause: error });
    throw error;
  }
}
