import { createHash } from 'node:crypto';

/** Longest encoded component kept verbatim; longer ones are shortened with a hash. */
const maxVerbatimLength = 200;

/**
 * Encodes a user-supplied value for use inside a PartitionKey or RowKey. Table keys may not hold '/',
 * '\', '#', '?' or control characters and are limited to 1 KiB, so every character outside
 * [A-Za-z0-9_.-] becomes '!' and its UTF-16 code unit as four hex digits ('!' itself included), which
 * keeps distinct strings distinct (lone surrogates too) and the result free of our '~' separator. A result longer than 200 characters keeps
 * its first 100 and adds '!h' and the SHA-256 of the value: '!h' cannot occur in a verbatim encoding,
 * so a shortened key never equals a verbatim one.
 */
export function encodeKeyComponent(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const safe =
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      code === 0x5f ||
      code === 0x2e ||
      code === 0x2d;
    out += safe ? value[i] : '!' + code.toString(16).padStart(4, '0');
  }
  if (out.length <= maxVerbatimLength) return out;
  // Hash the UTF-16 code units, not UTF-8 (which would merge distinct lone surrogates).
  return out.slice(0, 100) + '!h' + createHash('sha256').update(Buffer.from(value, 'utf16le')).digest('hex');
}

/** Zero-pads a non-negative safe integer so that string order equals numeric order. */
export function padNumber(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`key number: expected a non-negative safe integer, received ${value}`);
  }
  const s = String(value);
  if (s.length > width) throw new RangeError(`key number: expected at most ${width} digits, received ${s}`);
  return s.padStart(width, '0');
}
