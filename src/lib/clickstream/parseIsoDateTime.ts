/**
 * The accepted shape: `YYYY-MM-DDTHH:mm:ss[.f{1,7}](Z|+hh:mm|-hh:mm)`, ASCII digits only, upper-case `T`
 * and `Z`. Every component before the fraction has a fixed width, so it is read by position after the match.
 */
const ISO_DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?(?:Z|[+-]\d{2}:\d{2})$/;

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;
/** The largest offset .NET `DateTimeOffset` (and so Azure Stream Analytics) accepts, in minutes. */
const MAX_OFFSET_IN_MINUTES = 14 * 60;
/** 400 Gregorian years are exactly 146,097 days. */
const DAYS_PER_400_YEARS = 146_097;
const DAYS_FROM_0000_03_01_TO_EPOCH = 719_468;
const CHAR_CODE_0 = 48;

/**
 * Parses an ISO-8601 date-time with a mandatory offset into milliseconds since the Unix epoch (UTC).
 *
 * Accepted: `YYYY-MM-DDTHH:mm:ss`, then optionally `.` and 1 to 7 fractional digits (the .NET / Azure Stream
 * Analytics precision), then `Z` or `+hh:mm` / `-hh:mm`. Years 0000-9999 (proleptic Gregorian), months 1-12,
 * days valid for the month including 29 February in leap years, hours 0-23, minutes and seconds 0-59 (no
 * leap second), offsets up to 14:00 with offset minutes 0-59. Fractional digits beyond milliseconds are
 * truncated, which moves the instant towards the past. The arithmetic is done on integers (no `Date.parse`,
 * no `Date` object), so the result is exact and the same on every platform.
 *
 * Rejected: everything else, including a missing offset, a space instead of `T`, lower-case `t`/`z`, `+0200`,
 * a missing seconds field, and dates such as `2023-02-29`. Unlike `Date.parse`, there is no
 * implementation-defined fallback.
 *
 * @param text The text to parse.
 * @returns Milliseconds since 1970-01-01T00:00:00Z (an integer, possibly negative), or `undefined` when
 * `text` is not such a date-time.
 * @throws TypeError when `text` is not a string.
 */
export function parseIsoDateTimeToMs(text: string): number | undefined {
  if (typeof text !== 'string') {
    throw new TypeError(`parseIsoDateTimeToMs: expected a string, received ${typeof text}`);
  }
  if (!ISO_DATE_TIME_WITH_OFFSET.test(text)) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }

  let millisecond = 0;
  if (text.charCodeAt(19) === 46 /* '.' */) {
    // The regex guarantees at least one digit; pad the first three to milliseconds and drop the rest.
    const end = text.length - (text.charCodeAt(text.length - 1) === 90 /* 'Z' */ ? 1 : 6);
    const fractionDigits = Math.min(end - 20, 3);
    millisecond =
      digits(text, 20, fractionDigits) * (fractionDigits === 1 ? 100 : fractionDigits === 2 ? 10 : 1);
  }

  let offsetInMinutes = 0;
  if (text.charCodeAt(text.length - 1) !== 90 /* 'Z' */) {
    const signAt = text.length - 6;
    const offsetHours = digits(text, signAt + 1, 2);
    const offsetMinutes = digits(text, signAt + 4, 2);
    if (offsetMinutes > 59) {
      return undefined;
    }
    offsetInMinutes = offsetHours * 60 + offsetMinutes;
    if (offsetInMinutes > MAX_OFFSET_IN_MINUTES) {
      return undefined;
    }
    if (text.charCodeAt(signAt) === 45 /* '-' */) {
      offsetInMinutes = -offsetInMinutes;
    }
  }

  const localMs =
    daysSinceEpoch(year, month, day) * MS_PER_DAY +
    hour * MS_PER_HOUR +
    minute * MS_PER_MINUTE +
    second * MS_PER_SECOND +
    millisecond;
  return localMs - offsetInMinutes * MS_PER_MINUTE;
}

/**
 * Days from 1970-01-01 to the given proleptic Gregorian date (negative before it); the same result as
 * `Date.UTC(year, month - 1, day) / 86_400_000` but with integer arithmetic only, and without Date.UTC's
 * mapping of years 0-99 to 1900-1999. Algorithm `days_from_civil` by Howard Hinnant.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const marchBasedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchBasedYear / 400);
  const yearOfEra = marchBasedYear - era * 400; // 0-399
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1; // 0-365
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_400_YEARS + dayOfEra - DAYS_FROM_0000_03_01_TO_EPOCH;
}

/** Reads `length` ASCII digits starting at `start` as a non-negative integer. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let index = start; index < start + length; index++) {
    value = value * 10 + (text.charCodeAt(index) - CHAR_CODE_0);
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
