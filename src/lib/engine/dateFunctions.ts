import type { ScalarFunction } from './scalarFunctions';
import { toEpochMs } from './toEpochMs';

/** The date parts of DATEADD, DATEDIFF and DATEPART. */
export type DatePart =
  | 'year'
  | 'quarter'
  | 'month'
  | 'dayofyear'
  | 'day'
  | 'week'
  | 'weekday'
  | 'hour'
  | 'minute'
  | 'second'
  | 'millisecond'
  | 'microsecond';

const datePartNames: Readonly<Record<string, DatePart>> = {
  year: 'year',
  yy: 'year',
  yyyy: 'year',
  quarter: 'quarter',
  qq: 'quarter',
  q: 'quarter',
  month: 'month',
  mm: 'month',
  m: 'month',
  dayofyear: 'dayofyear',
  dy: 'dayofyear',
  y: 'dayofyear',
  day: 'day',
  dd: 'day',
  d: 'day',
  week: 'week',
  wk: 'week',
  ww: 'week',
  weekday: 'weekday',
  dw: 'weekday',
  w: 'weekday',
  hour: 'hour',
  hh: 'hour',
  minute: 'minute',
  mi: 'minute',
  n: 'minute',
  second: 'second',
  ss: 'second',
  s: 'second',
  millisecond: 'millisecond',
  ms: 'millisecond',
  microsecond: 'microsecond',
  mcs: 'microsecond',
};

/** The date part a name or abbreviation denotes (case-insensitive), e.g. 'mi' is minute; or undefined. */
export function parseDatePart(name: string): DatePart | undefined {
  const key = name.toLowerCase();
  return Object.hasOwn(datePartNames, key) ? datePartNames[key] : undefined;
}

const msPerSecond = 1000;
const msPerMinute = 60 * msPerSecond;
const msPerHour = 60 * msPerMinute;
const msPerDay = 24 * msPerHour;
const fixedPartMs: Partial<Record<DatePart, number>> = {
  dayofyear: msPerDay,
  day: msPerDay,
  weekday: msPerDay,
  week: 7 * msPerDay,
  hour: msPerHour,
  minute: msPerMinute,
  second: msPerSecond,
  millisecond: 1,
};

/** ASA's datetime range: 0001-01-01 to 9999-12-31 (UTC). */
const minMs = -62_135_596_800_000;
const maxMs = 253_402_300_799_999;

function part(v: unknown): DatePart {
  const p = typeof v === 'string' ? parseDatePart(v) : undefined;
  if (!p)
    throw new RangeError(
      `datepart: expected a date part such as year, month, day or minute, received ${JSON.stringify(v)}`,
    );
  return p;
}

/** A datetime argument: a datetime, or text in ISO 8601 (without an offset read as UTC). */
const instant = (v: unknown): number | undefined => toEpochMs(v);

/** UTC epoch ms of a calendar date and time; years below 100 are taken as written. */
function utcMs(year: number, month: number, day: number, timeOfDayMs: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  return d.getTime() + timeOfDayMs;
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);

function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const lastDay = new Date(utcMs(year, month + 1, 0, 0)).getUTCDate();
  const timeOfDay = ms - utcMs(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 0);
  return utcMs(year, month, Math.min(d.getUTCDate(), lastDay), timeOfDay);
}

/** DATEADD(part, number, date): the number is truncated toward zero; months clamp to the month's last day. */
export function dateAdd(p: DatePart, number: number, ms: number): number | null {
  const n = Math.trunc(number);
  let result: number;
  switch (p) {
    case 'year':
      result = addMonths(ms, 12 * n);
      break;
    case 'quarter':
      result = addMonths(ms, 3 * n);
      break;
    case 'month':
      result = addMonths(ms, n);
      break;
    case 'microsecond':
      if (n % 1000 !== 0) {
        throw new RangeError(
          `DATEADD: expected whole milliseconds of microseconds, received ${n} (datetimes hold ms)`,
        );
      }
      result = ms + n / 1000;
      break;
    default:
      result = ms + n * fixedPartMs[p]!;
  }
  return result < minMs || result > maxMs ? null : result;
}

const quarterIndex = (d: Date): number => d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3);
const monthIndex = (d: Date): number => d.getUTCFullYear() * 12 + d.getUTCMonth();
/** Weeks start on Sunday (T-SQL); 1970-01-04 was a Sunday, epoch day 3. */
const weekIndex = (ms: number): number => floorDiv(floorDiv(ms, msPerDay) - 3, 7);

/** DATEDIFF(part, start, end): how many part boundaries lie in (start, end], negative when end < start. */
export function dateDiff(p: DatePart, startMs: number, endMs: number): number {
  const a = new Date(startMs);
  const b = new Date(endMs);
  switch (p) {
    case 'year':
      return b.getUTCFullYear() - a.getUTCFullYear();
    case 'quarter':
      return quarterIndex(b) - quarterIndex(a);
    case 'month':
      return monthIndex(b) - monthIndex(a);
    case 'week':
      return weekIndex(endMs) - weekIndex(startMs);
    case 'millisecond':
      return endMs - startMs;
    case 'microsecond':
      return (endMs - startMs) * 1000;
    default: {
      const unit = fixedPartMs[p]!;
      return floorDiv(endMs, unit) - floorDiv(startMs, unit);
    }
  }
}

/** DATEPART(part, date); weekday counts Sunday as 1 and week 1 is the week of 1 January (T-SQL defaults). */
export function datePart(p: DatePart, ms: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const dayOfYear = floorDiv(ms - utcMs(year, 0, 1, 0), msPerDay) + 1;
  switch (p) {
    case 'year':
      return year;
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'month':
      return d.getUTCMonth() + 1;
    case 'dayofyear':
      return dayOfYear;
    case 'day':
      return d.getUTCDate();
    case 'week':
      return Math.floor((dayOfYear - 1 + new Date(utcMs(year, 0, 1, 0)).getUTCDay()) / 7) + 1;
    case 'weekday':
      return d.getUTCDay() + 1;
    case 'hour':
      return d.getUTCHours();
    case 'minute':
      return d.getUTCMinutes();
    case 'second':
      return d.getUTCSeconds();
    case 'millisecond':
      return d.getUTCMilliseconds();
    case 'microsecond':
      return d.getUTCMilliseconds() * 1000;
  }
}

/**
 * DATEADD, DATEDIFF and DATEPART. The first argument is the date part's name (the SQL compiler passes
 * it as a string literal); dates are datetimes or ISO 8601 text. A date that is not one gives NULL.
 */
export const dateFunctions: ReadonlyMap<string, ScalarFunction> = new Map<string, ScalarFunction>([
  [
    'dateadd',
    {
      minArgs: 3,
      maxArgs: 3,
      impl: ([p, n, date]) => {
        const which = part(p);
        const ms = instant(date);
        if (ms === undefined || typeof n !== 'number' || !Number.isFinite(n)) return null;
        const result = dateAdd(which, n, ms);
        return result === null ? null : new Date(result);
      },
    },
  ],
  [
    'datediff',
    {
      minArgs: 3,
      maxArgs: 3,
      impl: ([p, start, end]) => {
        const which = part(p);
        const a = instant(start);
        const b = instant(end);
        return a === undefined || b === undefined ? null : dateDiff(which, a, b);
      },
    },
  ],
  [
    'datepart',
    {
      minArgs: 2,
      maxArgs: 2,
      impl: ([p, date]) => {
        const which = part(p);
        const ms = instant(date);
        return ms === undefined ? null : datePart(which, ms);
      },
    },
  ],
]);
