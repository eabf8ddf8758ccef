/** ASA's {date} formats. */
export type DateFormat = 'YYYY/MM/DD' | 'DD/MM/YYYY' | 'MM-DD-YYYY';

export interface PathPatternOptions {
  /** How {date} renders. Default 'YYYY/MM/DD'. */
  readonly dateFormat?: DateFormat;
}

/** A compiled Blob path pattern: renders a prefix from a row's event time (UTC) and one field. */
export interface PathPattern {
  readonly pattern: string;
  /** The custom {field}, if the pattern has one. */
  readonly field: string | undefined;
  /**
   * @param timestampMs - the row's System.Timestamp (output event time), epoch ms; folders are UTC
   * @param row - read for the custom field, case-insensitively
   */
  render(timestampMs: number, row?: Readonly<Record<string, unknown>>): string;
}

const specifiers = new Set(['yyyy', 'MM', 'M', 'dd', 'd', 'HH', 'H', 'mm', 'm', 'ss', 's']);
const pad = (n: number): string => String(n).padStart(2, '0');

function datetimePart(spec: string, d: Date): string {
  switch (spec) {
    case 'yyyy':
      return String(d.getUTCFullYear()).padStart(4, '0');
    case 'MM':
      return pad(d.getUTCMonth() + 1);
    case 'M':
      return String(d.getUTCMonth() + 1);
    case 'dd':
      return pad(d.getUTCDate());
    case 'd':
      return String(d.getUTCDate());
    case 'HH':
      return pad(d.getUTCHours());
    case 'H':
      return String(d.getUTCHours());
    case 'mm':
      return pad(d.getUTCMinutes());
    case 'm':
      return String(d.getUTCMinutes());
    case 'ss':
      return pad(d.getUTCSeconds());
    default:
      return String(d.getUTCSeconds());
  }
}

function datePart(format: DateFormat, d: Date): string {
  const y = String(d.getUTCFullYear()).padStart(4, '0');
  const m = pad(d.getUTCMonth() + 1);
  const day = pad(d.getUTCDate());
  switch (format) {
    case 'YYYY/MM/DD':
      return `${y}/${m}/${day}`;
    case 'DD/MM/YYYY':
      return `${day}/${m}/${y}`;
    case 'MM-DD-YYYY':
      return `${m}-${day}-${y}`;
  }
}

/**
 * A field value as a path segment: characters that would split or break a blob name ('/', '\', '?',
 * '#', '%', control characters) are percent-encoded, so distinct values stay distinct; NULL or a missing
 * field renders as 'null'.
 */
export function fieldSegment(value: unknown): string {
  const text =
    value === null || value === undefined
      ? 'null'
      : typeof value === 'string'
        ? value
        : JSON.stringify(value);
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    const unsafe =
      c === '/' || c === '\\' || c === '?' || c === '#' || c === '%' || code < 0x20 || code === 0x7f;
    out += unsafe ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : c;
  }
  return out;
}

/**
 * Compiles an ASA Blob path pattern: {date} (dateFormat), {time} (HH), {datetime:<specifier>} (yyyy, MM,
 * M, dd, d, HH, H, mm, m, ss, s; may repeat) and at most one custom {field} (case-insensitive, no nested
 * fields or expressions). Throws TypeError naming the problem.
 */
export function compilePathPattern(pattern: string, options: PathPatternOptions = {}): PathPattern {
  const dateFormat = options.dateFormat ?? 'YYYY/MM/DD';
  type Part =
    | { kind: 'text'; text: string }
    | { kind: 'date' }
    | { kind: 'time' }
    | { kind: 'dt'; spec: string }
    | { kind: 'field'; name: string };
  const parts: Part[] = [];
  let field: string | undefined;
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    if (m.index > last) parts.push({ kind: 'text', text: pattern.slice(last, m.index) });
    last = m.index + m[0].length;
    const token = m[1]!;
    if (token === 'date') parts.push({ kind: 'date' });
    else if (token === 'time') parts.push({ kind: 'time' });
    else if (token.startsWith('datetime:')) {
      const spec = token.slice('datetime:'.length);
      if (!specifiers.has(spec)) {
        throw new TypeError(
          `path pattern ${JSON.stringify(pattern)}: expected a datetime specifier (${[...specifiers].join(', ')}), received ${JSON.stringify(spec)}`,
        );
      }
      parts.push({ kind: 'dt', spec });
    } else {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) {
        throw new TypeError(
          `path pattern ${JSON.stringify(pattern)}: expected {date}, {time}, {datetime:<specifier>} or one {field} (a plain field name), received {${token}}`,
        );
      }
      if (field !== undefined && field.toLowerCase() !== token.toLowerCase()) {
        throw new TypeError(
          `path pattern ${JSON.stringify(pattern)}: expected at most one custom field, received {${field}} and {${token}}`,
        );
      }
      field = token;
      parts.push({ kind: 'field', name: token });
    }
  }
  if (last < pattern.length) parts.push({ kind: 'text', text: pattern.slice(last) });
  if (
    /[{}]/.test(
      parts
        .filter((p) => p.kind === 'text')
        .map((p) => (p as { text: string }).text)
        .join(''),
    )
  ) {
    throw new TypeError(`path pattern ${JSON.stringify(pattern)}: expected balanced braces`);
  }
  const lowerField = field?.toLowerCase();
  return {
    pattern,
    field,
    render(timestampMs, row) {
      if (!Number.isFinite(timestampMs))
        throw new RangeError(`timestampMs: expected epoch ms, received ${timestampMs}`);
      const d = new Date(timestampMs);
      let value: unknown;
      if (lowerField !== undefined && row) {
        const hit = Object.keys(row).find((k) => k.toLowerCase() === lowerField);
        value = hit === undefined ? undefined : row[hit];
      }
      return parts
        .map((p) => {
          switch (p.kind) {
            case 'text':
              return p.text;
            case 'date':
              return datePart(dateFormat, d);
            case 'time':
              return pad(d.getUTCHours());
            case 'dt':
              return datetimePart(p.spec, d);
            case 'field':
              return fieldSegment(value);
          }
        })
        .join('');
    },
  };
}
