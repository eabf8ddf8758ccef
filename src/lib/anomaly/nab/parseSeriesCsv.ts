/** One row of a NAB-style series: `timestamp,value`. */
export interface SeriesRow {
  /** The timestamp as written (NAB: `YYYY-MM-DD HH:MM:SS`); it is not interpreted. */
  readonly timestamp: string;
  /** The value as written, so that it can be echoed byte for byte. */
  readonly valueText: string;
  /** The value as a number. */
  readonly value: number;
}

/** A CSV that is not a `timestamp,value` series; `lines` are the 1-based line numbers at fault. */
export class SeriesCsvError extends Error {
  override readonly name = 'SeriesCsvError';
  constructor(
    message: string,
    readonly lines: readonly number[],
  ) {
    super(message);
  }
}

/** At most this many bad lines are named in one error. */
const MAX_NAMED_LINES = 10;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function unquote(field: string): string {
  const trimmed = field.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')
    ? trimmed.slice(1, -1)
    : trimmed;
}

/**
 * Parses a CSV whose header is `timestamp,value` (NAB's format; a BOM, CRLF line ends, surrounding spaces
 * and double quotes around a field are tolerated) into rows, oldest first as written. Blank lines are
 * skipped.
 *
 * @throws SeriesCsvError naming the header or every bad line (up to 10): a wrong number of fields, an empty
 *   timestamp, or a value that is not a finite decimal number
 */
export function parseSeriesCsv(text: string): SeriesRow[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((f) => unquote(f).toLowerCase());
  if (header.length !== 2 || header[0] !== 'timestamp' || header[1] !== 'value') {
    throw new SeriesCsvError(
      `line 1: expected the header "timestamp,value", received ${JSON.stringify(lines[0] ?? '')}`,
      [1],
    );
  }
  const rows: SeriesRow[] = [];
  const problems: string[] = [];
  const badLines: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const fields = line.split(',');
    let problem: string | undefined;
    if (fields.length !== 2) {
      problem = `expected 2 fields (timestamp,value), received ${fields.length}`;
    } else {
      const timestamp = unquote(fields[0]!);
      const valueText = unquote(fields[1]!);
      const value = Number(valueText);
      if (timestamp === '') problem = 'the timestamp is empty';
      else if (!NUMBER.test(valueText) || !Number.isFinite(value)) {
        problem = `expected a number as the value, received ${JSON.stringify(valueText)}`;
      } else rows.push({ timestamp, valueText, value });
    }
    if (problem !== undefined) {
      badLines.push(i + 1);
      if (problems.length < MAX_NAMED_LINES) problems.push(`line ${i + 1}: ${problem}`);
    }
  }
  if (badLines.length > 0) {
    const more = badLines.length - problems.length;
    throw new SeriesCsvError(
      problems.join('\n') + (more > 0 ? `\n(and ${more} more bad line${more === 1 ? '' : 's'})` : ''),
      badLines,
    );
  }
  return rows;
}
