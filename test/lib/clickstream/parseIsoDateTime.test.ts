import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseIsoDateTimeToMs } from '../../../src/lib/clickstream/parseIsoDateTime';

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the range with four-digit years. */
const MIN_FOUR_DIGIT_YEAR_MS = -62_167_219_200_000;
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999;

describe('parseIsoDateTimeToMs', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 0],
    ['1970-01-01T00:00:00.001Z', 1],
    ['1969-12-31T23:59:59.999Z', -1],
    ['2024-05-01T12:34:56.789Z', Date.UTC(2024, 4, 1, 12, 34, 56, 789)],
    // leap years: divisible by 4, not by 100 unless by 400
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['2000-02-29T23:59:59Z', Date.UTC(2000, 1, 29, 23, 59, 59)],
    ['1600-02-29T00:00:00Z', Date.UTC(1600, 1, 29)],
    ['2024-12-31T00:00:00Z', Date.UTC(2024, 11, 31)],
    ['2023-04-30T00:00:00Z', Date.UTC(2023, 3, 30)],
    // offsets: the local time minus the offset
    ['2024-03-10T12:00:00+05:30', Date.UTC(2024, 2, 10, 6, 30)],
    ['2024-03-10T12:00:00-08:00', Date.UTC(2024, 2, 10, 20, 0)],
    ['2024-03-10T12:00:00+00:00', Date.UTC(2024, 2, 10, 12, 0)],
    ['2024-03-10T12:00:00-00:00', Date.UTC(2024, 2, 10, 12, 0)],
    ['2024-03-10T12:00:00+12:45', Date.UTC(2024, 2, 9, 23, 15)],
    ['2024-03-10T12:00:00+14:00', Date.UTC(2024, 2, 9, 22, 0)],
    ['2024-03-10T12:00:00-14:00', Date.UTC(2024, 2, 11, 2, 0)],
    ['2024-01-01T01:00:00+02:00', Date.UTC(2023, 11, 31, 23, 0)],
    // fractions of 1 to 7 digits; digits beyond milliseconds are truncated
    ['2024-03-10T12:00:00.1Z', Date.UTC(2024, 2, 10, 12, 0, 0, 100)],
    ['2024-03-10T12:00:00.12Z', Date.UTC(2024, 2, 10, 12, 0, 0, 120)],
    ['2024-03-10T12:00:00.123Z', Date.UTC(2024, 2, 10, 12, 0, 0, 123)],
    ['2024-03-10T12:00:00.1239Z', Date.UTC(2024, 2, 10, 12, 0, 0, 123)],
    ['2024-03-10T12:00:00.1234567Z', Date.UTC(2024, 2, 10, 12, 0, 0, 123)],
    ['2024-03-10T12:00:00.9999999+01:00', Date.UTC(2024, 2, 10, 11, 0, 0, 999)],
    ['1969-12-31T23:59:59.9999999Z', -1],
    // edges of the four-digit year range, including years that Date.UTC maps to 19xx
    ['0000-01-01T00:00:00Z', MIN_FOUR_DIGIT_YEAR_MS],
    ['0000-02-29T00:00:00Z', MIN_FOUR_DIGIT_YEAR_MS + 59 * 86_400_000],
    ['0099-12-31T23:59:59Z', Date.parse('0099-12-31T23:59:59Z')],
    ['9999-12-31T23:59:59.999Z', MAX_FOUR_DIGIT_YEAR_MS],
    ['9999-12-31T23:59:59.999-14:00', MAX_FOUR_DIGIT_YEAR_MS + 14 * 3_600_000],
  ])('parses %s', (text, expected) => {
    expect(parseIsoDateTimeToMs(text)).toBe(expected);
  });

  it.each([
    // calendar ranges
    ['2021-13-01T00:00:00Z', 'month 13'],
    ['2021-00-10T00:00:00Z', 'month 0'],
    ['2021-01-00T00:00:00Z', 'day 0'],
    ['2021-01-32T00:00:00Z', 'day 32'],
    ['2021-04-31T00:00:00Z', '31 April'],
    ['2021-06-31T00:00:00Z', '31 June'],
    ['2021-09-31T00:00:00Z', '31 September'],
    ['2021-11-31T00:00:00Z', '31 November'],
    ['2023-02-29T00:00:00Z', '29 February in a common year'],
    ['1900-02-29T00:00:00Z', '29 February in a century that is not a leap year'],
    ['2024-02-30T00:00:00Z', '30 February in a leap year'],
    ['2024-01-01T24:00:00Z', 'hour 24'],
    ['2024-01-01T23:60:00Z', 'minute 60'],
    ['2024-01-01T23:59:60Z', 'leap second'],
    // offsets
    ['2024-01-01T00:00:00', 'no offset'],
    ['2024-01-01T00:00:00.000', 'no offset with fraction'],
    ['2024-01-01T00:00:00z', 'lower-case z'],
    ['2024-01-01T00:00:00+0200', 'offset without colon'],
    ['2024-01-01T00:00:00+02', 'offset without minutes'],
    ['2024-01-01T00:00:00+02:60', 'offset minute 60'],
    ['2024-01-01T00:00:00+14:01', 'offset beyond 14:00'],
    ['2024-01-01T00:00:00-15:00', 'offset beyond -14:00'],
    ['2024-01-01T00:00:00Z+01:00', 'two offsets'],
    // shape
    ['2024-01-01T00:00:00.12345678Z', 'eight fractional digits'],
    ['2024-01-01T00:00:00.Z', 'a dot without digits'],
    ['2024-01-01T00:00:00,123Z', 'decimal comma'],
    ['2024-01-01T00:00Z', 'no seconds'],
    ['2024-01-01', 'date only'],
    ['2021-13-01', 'date only with month 13'],
    ['2024-01-01 00:00:00Z', 'space instead of T'],
    ['2024-01-01t00:00:00Z', 'lower-case t'],
    ['20240101T000000Z', 'basic format'],
    ['+002024-01-01T00:00:00Z', 'expanded year'],
    ['24-01-01T00:00:00Z', 'two-digit year'],
    [' 2024-01-01T00:00:00Z', 'leading space'],
    ['2024-01-01T00:00:00Z ', 'trailing space'],
    ['2024-01-01T00:00:00Z\n', 'trailing newline'],
    ['\uff12\uff10\uff12\uff14-01-01T00:00:00Z', 'full-width digits'],
    ['2024-1-01T00:00:00Z', 'one-digit month'],
    ['', 'empty'],
    ['Mon, 01 Jan 2024 00:00:00 GMT', 'RFC 1123'],
    ['1704067200000', 'epoch milliseconds'],
  ])('rejects %j (%s)', (text) => {
    expect(parseIsoDateTimeToMs(text)).toBeUndefined();
  });

  it('throws a TypeError for a non-string argument', () => {
    expect(() => parseIsoDateTimeToMs(1_704_067_200_000 as unknown as string)).toThrow(TypeError);
    expect(() => parseIsoDateTimeToMs(undefined as unknown as string)).toThrow(TypeError);
  });

  it('round-trips Date#toISOString for every millisecond with a four-digit year', () => {
    fc.assert(
      fc.property(fc.integer({ min: MIN_FOUR_DIGIT_YEAR_MS, max: MAX_FOUR_DIGIT_YEAR_MS }), (ms) => {
        expect(parseIsoDateTimeToMs(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees with Date.parse on local times with any offset up to 14:00', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9000, 0, 1) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (utcMs, offsetInMinutes) => {
          const local = new Date(utcMs + offsetInMinutes * 60_000).toISOString().slice(0, -1);
          const sign = offsetInMinutes < 0 ? '-' : '+';
          const absolute = Math.abs(offsetInMinutes);
          const offset = `${sign}${pad2(Math.floor(absolute / 60))}:${pad2(absolute % 60)}`;
          const text = `${local}${offset}`;
          expect(parseIsoDateTimeToMs(text)).toBe(utcMs);
          expect(parseIsoDateTimeToMs(text)).toBe(Date.parse(text));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('truncates fractions of 4 to 7 digits to whole milliseconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Date.UTC(9999, 0, 1) }),
        fc.stringMatching(/^\d{1,4}$/),
        (ms, extraDigits) => {
          const iso = new Date(ms).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ
          expect(parseIsoDateTimeToMs(`${iso.slice(0, -1)}${extraDigits}Z`)).toBe(ms);
        },
      ),
    );
  });

  it('is undefined exactly when Date.UTC would roll the calendar fields over', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (year, month, day) => {
          const text = `${year}-${pad2(month)}-${pad2(day)}T00:00:00Z`;
          const viaDate = new Date(Date.UTC(year, month - 1, day));
          const representable =
            month >= 1 && viaDate.getUTCMonth() === month - 1 && viaDate.getUTCDate() === day;
          expect(parseIsoDateTimeToMs(text)).toBe(representable ? viaDate.getTime() : undefined);
        },
      ),
      { numRuns: 5_000 },
    );
  });
});

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
