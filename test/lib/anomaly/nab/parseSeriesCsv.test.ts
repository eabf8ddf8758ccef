import { describe, expect, it } from 'vitest';
import { parseSeriesCsv, SeriesCsvError } from '../../../../src/lib/anomaly/nab/parseSeriesCsv';

describe('parseSeriesCsv', () => {
  it('reads NAB rows and keeps the value text as written', () => {
    const rows = parseSeriesCsv('timestamp,value\n2014-07-01 00:00:00,10844\r\n2014-07-01 00:30:00,8.10\n\n');
    expect(rows).toEqual([
      { timestamp: '2014-07-01 00:00:00', valueText: '10844', value: 10844 },
      { timestamp: '2014-07-01 00:30:00', valueText: '8.10', value: 8.1 },
    ]);
  });

  it('tolerates a BOM, quotes and spaces', () => {
    expect(parseSeriesCsv('\uFEFF"timestamp", "value"\n"a" , -1e3')).toEqual([
      { timestamp: 'a', valueText: '-1e3', value: -1000 },
    ]);
  });

  it('names every bad line', () => {
    const text = 'timestamp,value\nt1,1\nt2,abc\nt3\n,4\nt5,Infinity\nt6,2,3\n';
    let error: unknown;
    try {
      parseSeriesCsv(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeriesCsvError);
    const e = error as SeriesCsvError;
    expect(e.lines).toEqual([3, 4, 5, 6, 7]);
    expect(e.message).toContain('line 3: expected a number as the value, received "abc"');
    expect(e.message).toContain('line 4: expected 2 fields (timestamp,value), received 1');
    expect(e.message).toContain('line 5: the timestamp is empty');
    expect(e.message).toContain('line 6: expected a number as the value, received "Infinity"');
    expect(e.message).toContain('line 7: expected 2 fields (timestamp,value), received 3');
  });

  it('names a wrong header', () => {
    expect(() => parseSeriesCsv('time,value\nt,1')).toThrow(/line 1: expected the header "timestamp,value"/);
  });

  it('caps the named lines at 10 and counts the rest', () => {
    const text = 'timestamp,value\n' + Array.from({ length: 13 }, (_, i) => `t${i},x`).join('\n');
    expect(() => parseSeriesCsv(text)).toThrow(/\(and 3 more bad lines\)/);
  });
});
