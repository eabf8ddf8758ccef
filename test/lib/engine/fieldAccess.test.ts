import { describe, expect, it } from 'vitest';

import { createFieldReader } from '../../../src/lib/engine/fieldAccess';

describe('createFieldReader', () => {
  it('reads a field in any case, and the exact spelling first', () => {
    expect(createFieldReader(['userid'])({ UserId: 'u' })).toBe('u');
    expect(createFieldReader(['a'])({ A: 2, a: 1 })).toBe(1);
    expect(createFieldReader(['A'])({ a: 1, A: 2 })).toBe(2);
  });

  it('follows a stream whose spelling changes from record to record', () => {
    const read = createFieldReader(['userId']);
    expect(read({ UserId: 'u1' })).toBe('u1');
    expect(read({ USERID: 'u2' })).toBe('u2');
    expect(read({ userId: 'u3' })).toBe('u3');
    expect(read({ other: 1 })).toBe(null);
    expect(read({ UserId: 'u4' })).toBe('u4');
  });

  it('reads nested paths with one reader across records of different spellings', () => {
    const read = createFieldReader(['device', 'os']);
    expect(read({ Device: { OS: 'ios' } })).toBe('ios');
    expect(read({ device: { os: 'android' } })).toBe('android');
    expect(read({ DEVICE: 'flat' })).toBe(null);
  });

  it('gives a record the same value whatever records the reader saw before: the exact spelling wins', () => {
    const fresh = createFieldReader(['a'])({ a: 1, A: 2 });
    const read = createFieldReader(['a']);
    expect(read({ A: 5 })).toBe(5);
    expect(read({ a: 1, A: 2 })).toBe(fresh);
  });

  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])(
    'reads a missing field named %s as NULL, not as an inherited member of Object.prototype',
    (name) => {
      const record = JSON.parse('{"x":1}') as Record<string, unknown>;
      expect(createFieldReader([name])(record)).toBe(null);
      expect(createFieldReader(['x', name])(record)).toBe(null);
    },
  );

  it('rejects an empty path', () => {
    expect(() => createFieldReader([])).toThrow(
      new RangeError('path: expected at least one field name, received none'),
    );
  });
});
