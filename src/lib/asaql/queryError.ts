/** Where in a query text something is: 1-based line and column (UTF-16 code units), 0-based offset. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/**
 * A query that cannot be loaded: a syntax error or a construct the compiler does not support. The message
 * starts with `line:column`; {@link QueryError.token} is the offending token as written.
 */
export abstract class QueryError extends Error {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** The offending token as written, or 'end of input'. */
  readonly token: string;
  /** The message without its `line:column: ` prefix. */
  readonly detail: string;

  protected constructor(position: SourcePosition, token: string, detail: string) {
    super(`${position.line}:${position.column}: ${detail}`);
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
    this.token = token;
    this.detail = detail;
  }
}
