import { createHash } from 'node:crypto';

/** Longest encoded component kept verbatim; longer ones are shortened with a hash. */
const maxVerbatimLength = 200;

/**
 * Encodes a user-supplied value for use inside a PartitionKey or RowKey. Table keys may not hold '/',
 * '\', '#', '?' or control characters and are limited to 1 KiB, so every character outside
 * [A-Za-z0-9_.-] becomes '!' and its UTF-8 bytes in hex ('!' itself included), which keeps distinct
 * values distinct and the result free of our '~' separator. A result longer than 200 characters keeps
 * its first 100 and adds '!h' and the SHA-256 of the value: '!h' cannot occur in a verbatim encoding,
 * so a shortened key never equals a verbatim one.
 */
export function encodeKeyComponent(value: string): string {
  let out = '';
  for (const ch of value) {
    if (/[A-Za-z0-9_.-]/.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '!' + b.toString(16).padStart(2, '0');
  }
  if (out.length <= maxVerbatimLength) return out;
  return out.slice(0, 100) + '!h' + createHash('sha256').update(value, 'utf8').digest('hex');
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
