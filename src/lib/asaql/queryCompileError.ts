import { QueryError, type SourcePosition } from './queryError';

/**
 * A query that parses but cannot be compiled: a construct outside the supported subset
 * (`unsupported`, the message starts with "not supported yet") or a mistake such as an unknown
 * function or a column without a name (`invalid`).
 */
export class QueryCompileError extends QueryError {
  override readonly name = 'QueryCompileError';
  readonly reason: 'unsupported' | 'invalid';

  constructor(position: SourcePosition, token: string, reason: 'unsupported' | 'invalid', detail: string) {
    super(position, token, reason === 'unsupported' ? `not supported yet: ${detail}` : detail);
    this.reason = reason;
  }
}
