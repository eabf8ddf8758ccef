import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../../src/lib/replay/jsonErrorOffset';

describe('jsonErrorOffset', () => {
  it('finds no error in any valid JSON text', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        expect(jsonErrorOffset(text)).toBeUndefined();
      }),
    );
  });

  it.each([
    ['{"a": }', 6],
    ['[1, 2,]', 6],
    ['{"a" 1}', 5],
    ['[1] x', 4],
    ['"abc', 4],
    ['tru', 3],
    ['[01]', 2],
  ])('locates the error in %j at offset %i', (text, offset) => {
    expect(() => {
      JSON.parse(text);
    }).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
