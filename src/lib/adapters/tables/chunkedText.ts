/** Characters per string property: a Table Storage string holds at most 64 KiB of UTF-16. */
const charsPerProperty = 30_000;
/** Properties per text: keeps an entity well under Table Storage's 1 MiB. */
const maxChunks = 15;

/**
 * Cuts a text into string properties d0..dN (never inside a surrogate pair), with `chunks` giving
 * their number. Throws a RangeError naming `what` when the text needs more than 15 properties.
 */
export function chunkText(text: string, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  let start = 0;
  let i = 0;
  for (; start < text.length; i++) {
    let end = Math.min(start + charsPerProperty, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    out[`d${i}`] = text.slice(start, end);
    start = end;
  }
  if (i > maxChunks) {
    throw new RangeError(
      `${what}: expected at most ${maxChunks * charsPerProperty} characters, received ${text.length}`,
    );
  }
  out.chunks = String(i);
  return out;
}

/** The text {@link chunkText} stored in an entity; a missing property is a TypeError naming `what`. */
export function unchunkText(entity: Readonly<Record<string, unknown>>, what: string): string {
  const n = Number(entity.chunks);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new TypeError(`${what}: expected a chunk count, received ${JSON.stringify(entity.chunks)}`);
  }
  let text = '';
  for (let i = 0; i < n; i++) {
    const part = entity[`d${i}`];
    if (typeof part !== 'string') throw new TypeError(`${what}: expected property d${i}, received none`);
    text += part;
  }
  return text;
}
