import { QueryError, type SourcePosition } from './queryError';

/** A query that does not parse: names the position, what was expected and the token received. */
export class QuerySyntaxError extends QueryError {
  override readonly name = 'QuerySyntaxError';
  /** What the parser could have accepted at this point, e.g. ["FROM", "','"]. */
  readonly expected: readonly string[];

  constructor(position: SourcePosition, token: string, expected: readonly string[], note?: string) {
    super(
      position,
      token,
      `expected ${formatAlternatives(expected)}, received ${token}${note === undefined ? '' : ` (${note})`}`,
    );
    this.expected = expected;
  }
}

function formatAlternatives(expected: readonly string[]): string {
  if (expected.length <= 1) return expected[0] ?? 'nothing';
  return `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]!}`;
}
