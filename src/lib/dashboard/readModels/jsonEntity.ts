/**
 * JSON documents in Table Storage entities. A string property holds at most 64 KiB of UTF-16, so a
 * document is cut into properties d0..dN (between code points), with `chunks` giving their number.
 */

/** Characters per string property: 64 KiB of UTF-16, with room to spare. */
const charsPerProperty = 30_000;
/** Properties per document: keeps an entity well under Table Storage's 1 MiB. */
const maxChunks = 15;

/** The properties that hold `value` as JSON. Throws a RangeError when the document is too large. */
export function jsonProperties(value: unknown): Record<string, string> {
  const text = JSON.stringify(value);
  const out: Record<string, string> = {};
  let start = 0;
  let i = 0;
  for (; start < text.length; i++) {
    let end = Math.min(start + charsPerProperty, text.length);
    const last = text.charCodeAt(end - 1);
    // Never cut inside a surrogate pair.
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out[`d${i}`] = text.slice(start, end);
    start = end;
  }
  if (i > maxChunks) {
    throw new RangeError(
      `read-model document: expected at most ${maxChunks * charsPerProperty} characters, received ${text.length}`,
    );
  }
  out.chunks = String(i);
  return out;
}

/** The document that {@link jsonProperties} stored in an entity. */
export function parseJsonProperties<T>(entity: Readonly<Record<string, unknown>>): T {
  const n = Number(entity.chunks);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new TypeError(
      `read-model entity: expected a chunk count, received ${JSON.stringify(entity.chunks)}`,
    );
  }
  let text = '';
  for (let i = 0; i < n; i++) {
    const part = entity[`d${i}`];
    if (typeof part !== 'string')
      throw new TypeError(`read-model entity: expected property d${i}, received none`);
    text += part;
  }
  return JSON.parse(text) as T;
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
  return (error as { statusCode?: unknown } | null)?.statusCode === 404;
}

/** 409 or 412: another writer changed the row first. */
export function isConflict(error: unknown): boolean {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return status === 409 || status === 412;
}
