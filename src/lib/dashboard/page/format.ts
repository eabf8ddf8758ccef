/// <reference lib="dom" />
/** Formatting for people: numbers, durations and times (the reader's time zone). */

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1, minimumFractionDigits: 1 });

/** '-' for null. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '-' : integer.format(n);
}

/** A rate with one decimal below 100, none above. */
export function rate(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  return n >= 100 || Number.isInteger(n) ? integer.format(n) : oneDecimal.format(n);
}

/** A duration: '850 ms', '4.2 s', '3 min 5 s', '2 h 10 min'. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${oneDecimal.format(a / 1000)} s`;
  if (a < 3_600_000) return `${sign}${Math.floor(a / 60_000)} min ${Math.floor((a % 60_000) / 1000)} s`;
  return `${sign}${Math.floor(a / 3_600_000)} h ${Math.floor((a % 3_600_000) / 60_000)} min`;
}

/** Local wall-clock time of an ISO instant, 24-hour, with seconds. */
export function time(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString('en-GB', { hour12: false });
}

/** A cell value of an output row. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isInteger(value) ? integer.format(value) : String(value);
  if (typeof value === 'string') return /^\d{4}-\d\d-\d\dT/.test(value) ? time(value) : value;
  return JSON.stringify(value);
}
