import { describe, expect, it } from 'vitest';
import {
  LenientJsonError,
  parseLenientJson,
  withoutTrailingCommas,
} from '../../../src/lib/replay/parseLenientJson';

describe('parseLenientJson', () => {
  it('accepts trailing commas in arrays and objects, as ASA accepts them in JSON inputs', () => {
    expect(parseLenientJson('[\n  {"a": 1},\n  {"b": [1, 2,],},\n]\n')).toEqual([{ a: 1 }, { b: [1, 2] }]);
    expect(parseLenientJson('\uFEFF[1]')).toEqual([1]);
  });

  it('leaves commas inside strings alone', () => {
    expect(withoutTrailingCommas('["a,]", "b\\",}",]')).toBe('["a,]", "b\\",}"]');
  });

  it('names the line of the first error of JSON that does not parse even so', () => {
    try {
      parseLenientJson('[\n{"a": 1},\n{"a": }\n]');
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(LenientJsonError);
      expect((error as LenientJsonError).line).toBe(3);
    }
    expect(() => parseLenientJson('[1,,2]')).toThrow(LenientJsonError);
  });
});
