import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { encodeKeyComponent, padNumber } from '../../../../src/lib/adapters/tables/encodeKeyComponent';

const SAFE_OUTPUT = /^[A-Za-z0-9_.!-]*$/;
const MAX_OUTPUT_LENGTH = 230;

/** Single UTF-16 code units, lone surrogates included: every JavaScript string is made of these. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
/** Characters table keys forbid or that the encoding treats specially, plus plain ones. */
const trickyChar = fc.constantFrom(
  '/',
  '\\',
  '#',
  '?',
  '~',
  '!',
  '%',
  "'",
  ' ',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u0085',
  '\u009f',
  'a',
  'Z',
  '0',
  '_',
  '.',
  '-',
  'é',
  '日',
  '\u{1F600}',
);
/** Strings of well-formed Unicode (code points, never half a surrogate pair). */
const wellFormed = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: trickyChar, maxLength: 40 }),
  fc.string({ unit: trickyChar, minLength: 60, maxLength: 400 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 300 }),
);
/** Any JavaScript string, including ones with lone surrogates. */
const anyString = fc.oneof(wellFormed, fc.string({ unit: anyCodeUnit, maxLength: 40 }));

/** True when the string holds half a surrogate pair (it is then not valid Unicode text). */
const hasLoneSurrogate = (s: string): boolean => /\p{Cs}/u.test(s);

/**
 * The encoding, or a marker unique to `s` when the function rejects it with a RangeError, which is an
 * acceptable answer only for strings that are not valid Unicode text (lone surrogates).
 */
function encodeOrRejected(s: string): string {
  try {
    return encodeKeyComponent(s);
  } catch (error) {
    if (error instanceof RangeError && hasLoneSurrogate(s)) return `rejected:${JSON.stringify(s)}`;
    throw error;
  }
}

describe('encodeKeyComponent', () => {
  it('keeps [A-Za-z0-9_.-] verbatim and escapes every other UTF-16 code unit as ! and 4 hex digits', () => {
    expect(encodeKeyComponent('Abc_09.-z')).toBe('Abc_09.-z');
    expect(encodeKeyComponent('')).toBe('');
    expect(encodeKeyComponent('a/b')).toBe('a!002fb');
    expect(encodeKeyComponent('\\#?')).toBe('!005c!0023!003f');
    expect(encodeKeyComponent('!')).toBe('!0021');
    expect(encodeKeyComponent('~')).toBe('!007e');
    expect(encodeKeyComponent('\u0000\u007f')).toBe('!0000!007f');
    expect(encodeKeyComponent('é')).toBe('!00e9');
    expect(encodeKeyComponent('\u{1F600}')).toBe('!d83d!de00');
    expect(encodeKeyComponent('\uD800')).toBe('!d800');
  });

  it('shortens long encodings to a prefix, !h and a SHA-256', () => {
    const long = encodeKeyComponent('x'.repeat(201));
    expect(long).toMatch(/^x{100}!h[0-9a-f]{64}$/);
    expect(encodeKeyComponent('x'.repeat(200))).toBe('x'.repeat(200));
    // 41 escaped characters need 205 output characters; 40 fit in 200.
    expect(encodeKeyComponent('/'.repeat(41))).toMatch(/^(!002f){20}!h[0-9a-f]{64}$/);
    expect(encodeKeyComponent('/'.repeat(40))).toBe('!002f'.repeat(40));
  });

  it('only produces characters that are safe in table keys, within the length bound', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const out = encodeOrRejected(s);
        if (out.startsWith('rejected:')) return;
        expect(out).toMatch(SAFE_OUTPUT);
        expect(out.length).toBeLessThanOrEqual(MAX_OUTPUT_LENGTH);
      }),
      { numRuns: 2000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        expect(encodeOrRejected(s)).toBe(encodeOrRejected(s.slice()));
      }),
    );
  });

  it('is injective on well-formed strings (a generated set, and long strings sharing a prefix)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(wellFormed, { minLength: 2, maxLength: 60 }), (values) => {
        const encoded = new Set(values.map(encodeKeyComponent));
        expect(encoded.size).toBe(values.length);
      }),
      { numRuns: 300 },
    );
    const prefix = '/'.repeat(150);
    const longs = ['', 'a', 'b', '/', '\u{1F600}'].map((tail) => prefix + tail);
    expect(new Set(longs.map(encodeKeyComponent)).size).toBe(longs.length);
  });

  it('never maps a shortened value onto a verbatim one', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: trickyChar, minLength: 100, maxLength: 400 }),
        fc.string({ unit: trickyChar, maxLength: 80 }),
        (long, short) => {
          const a = encodeKeyComponent(long);
          const b = encodeKeyComponent(short);
          if (long !== short) expect(a).not.toBe(b);
        },
      ),
    );
  });

  it('never maps two JavaScript strings to one key: lone surrogates are encoded distinctly or rejected', () => {
    // '\uD800', '\uDC00' and '\uFFFD' are three different strings (and partition ids or job names).
    const values = ['\uD800', '\uDC00', '\uFFFD', 'a\uD800', 'a\uFFFD'];
    expect(new Set(values.map(encodeOrRejected)).size).toBe(values.length);
    fc.assert(
      fc.property(fc.uniqueArray(anyString, { minLength: 2, maxLength: 40 }), (strings) => {
        expect(new Set(strings.map(encodeOrRejected)).size).toBe(strings.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('padNumber', () => {
  it('zero-pads so that string order equals numeric order', () => {
    expect(padNumber(0, 3)).toBe('000');
    expect(padNumber(42, 5)).toBe('00042');
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (a, b) => {
        const pa = padNumber(a, 16);
        const pb = padNumber(b, 16);
        expect(pa < pb).toBe(a < b);
      }),
    );
  });

  it('rejects negative, fractional, unsafe and too-wide numbers', () => {
    expect(() => padNumber(-1, 3)).toThrow(RangeError);
    expect(() => padNumber(1.5, 3)).toThrow(RangeError);
    expect(() => padNumber(2 ** 53, 20)).toThrow(RangeError);
    expect(() => padNumber(1000, 3)).toThrow(RangeError);
  });
});
