import { parseIsoDateTimeToMs } from '../clickstream/parseIsoDateTime';

/**
 * Converts a TIMESTAMP BY value to epoch milliseconds, as ASA casts it to datetime: a datetime, or an
 * ISO-8601 string (without an offset it is read as UTC, ASA's only time zone). Anything else is
 * undefined, and the record is dead-lettered.
 */
export function toEpochMs(value: unknown): number | undefined {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof value !== 'string') return undefined;
  return parseIsoDateTimeToMs(value) ?? (/\d$/.test(value) ? parseIsoDateTimeToMs(value + 'Z') : undefined);
}
