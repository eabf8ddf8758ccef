/**
 * JSON documents in Table Storage entities. A string property holds at most 64 KiB of UTF-16, so a
 * document is cut into properties d0..dN (between code points), with `chunks` giving their number.
 */

import { statusOf } from '../../adapters/isRetriable';
import { chunkText, unchunkText } from '../../adapters/tables/chunkedText';

/** The properties that hold `value` as JSON. Throws a RangeError when the document is too large. */
export function jsonProperties(value: unknown): Record<string, string> {
  return chunkText(JSON.stringify(value), 'read-model document');
}

/** The document that {@link jsonProperties} stored in an entity. */
export function parseJsonProperties<T>(entity: Readonly<Record<string, unknown>>): T {
  return JSON.parse(unchunkText(entity, 'read-model entity')) as T;
}

/** Table Storage's largest key number used here: inverted times sort newest first. */
const maxKeyMs = 9_999_999_999_999;

/** A RowKey fragment for a time that sorts the newest first (13 digits, zero-padded). */
export function invertedTimeKey(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > maxKeyMs) {
    throw new RangeError(`time key: expected epoch milliseconds in 0..${maxKeyMs}, received ${ms}`);
  }
  return String(maxKeyMs - ms).padStart(13, '0');
}

/** The time an {@link invertedTimeKey} names. */
export function timeOfInvertedKey(key: string): number {
  return maxKeyMs - Number(key.slice(0, 13));
}

/** 404 on delete: another writer removed the row first, which is what we wanted. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** 409 or 412: another writer changed the row first. */
export function isConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412;
}
