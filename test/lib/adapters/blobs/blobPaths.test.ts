import { describe, expect, it } from 'vitest';

import { archiveFolder, compactUtc } from '../../../../src/lib/adapters/blobs/blobPaths';
import { mapWithConcurrency } from '../../../../src/lib/adapters/blobs/mapWithConcurrency';

describe('archiveFolder and compactUtc', () => {
  it('name folders and files by the UTC time of the row', () => {
    const t = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
    expect(archiveFolder('Out', t)).toBe('Out/2024/01/02/03');
    expect(compactUtc(t)).toBe('20240102T030405006Z');
    expect(archiveFolder('Out', Date.UTC(1999, 11, 31, 23, 59, 59, 999))).toBe('Out/1999/12/31/23');
    expect(compactUtc(0)).toBe('19700101T000000000Z');
  });
});

describe('mapWithConcurrency', () => {
  it('runs every item with at most `limit` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await mapWithConcurrency([...Array(20).keys()], 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1 + (i % 3)));
      seen.push(i);
      inFlight--;
    });
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });

  it('rejects with a failure, and rejects a limit that is not a positive integer', async () => {
    await expect(
      mapWithConcurrency([1, 2, 3], 2, (i) =>
        i === 2 ? Promise.reject(new Error('boom 2')) : Promise.resolve(),
      ),
    ).rejects.toThrow('boom 2');
    await expect(mapWithConcurrency([1], 0, () => Promise.resolve())).rejects.toThrow(RangeError);
    await expect(mapWithConcurrency([1], 1.5, () => Promise.resolve())).rejects.toThrow(RangeError);
    await expect(
      mapWithConcurrency([], 4, () => Promise.reject(new Error('never'))),
    ).resolves.toBeUndefined();
  });
});
