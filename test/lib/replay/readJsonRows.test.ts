import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JsonRowsError,
  parseJsonRows,
  readJsonRows,
  splitJsonValues,
} from '../../../src/lib/replay/readJsonRows';

describe('readJsonRows', () => {
  it('reads line-delimited JSON, objects spanning lines, and blank lines', () => {
    const text = '{"a":1}\n\n{"b":\n  "x y"}{"c":"}{"}\r\n';
    expect(splitJsonValues(text).map((v) => v.line)).toEqual([1, 3, 4]);
    expect(parseJsonRows(text, 'f')).toEqual([{ a: 1 }, { b: 'x y' }, { c: '}{' }]);
  });

  it('reads a JSON array, with a trailing comma', () => {
    expect(parseJsonRows('[{"a": 1}, {"a": 2},]', 'f')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(parseJsonRows('', 'f')).toEqual([]);
  });

  it('names the file and line of a row that is not a JSON object', () => {
    expect(() => parseJsonRows('{"a":1}\n{"a":\n', 'out.json')).toThrow(/^out\.json:2: not valid JSON/);
    expect(() => parseJsonRows('{"a":1}\n42\n', 'out.json')).toThrow(
      'out.json:2: expected a JSON object, received 42',
    );
    expect(() => parseJsonRows('[1]', 'out.json')).toThrow(
      'out.json: element 1: expected a JSON object, received 1',
    );
  });

  it('reads a file, and names a file it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cp-rows-'));
    await writeFile(join(dir, 'rows.json'), '{"a":1}\n');
    await expect(readJsonRows(join(dir, 'rows.json'))).resolves.toEqual([{ a: 1 }]);
    await expect(readJsonRows(join(dir, 'none.json'))).rejects.toBeInstanceOf(JsonRowsError);
    await expect(readJsonRows(join(dir, 'none.json'))).rejects.toThrow(
      /none\.json: cannot be read \(ENOENT\)/,
    );
  });
});
