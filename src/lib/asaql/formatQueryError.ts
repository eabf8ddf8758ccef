import type { QueryError } from './queryError';

/**
 * A query error for people: `file:line:column: detail`, then the offending line with a caret under the
 * column.
 */
export function formatQueryError(error: QueryError, text: string, fileName?: string): string {
  const head = `${fileName === undefined ? '' : `${fileName}:`}${error.line}:${error.column}: ${error.detail}`;
  const sourceLine = text.split(/\r?\n/)[error.line - 1];
  if (sourceLine === undefined) return head;
  const gutter = String(error.line);
  const pad = ' '.repeat(gutter.length);
  const caret =
    [...sourceLine.slice(0, error.column - 1)].map((ch) => (ch === '\t' ? '\t' : ' ')).join('') + '^';
  return `${head}\n  ${gutter} | ${sourceLine}\n  ${pad} | ${caret}`;
}
