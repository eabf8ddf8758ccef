import { describe, expect, it } from 'vitest';
import { PushRateLimiter } from '../../../src/lib/outputs/pushRateLimiter';

describe('PushRateLimiter', () => {
  it('allows 120 POSTs in any rolling minute, then waits for the oldest to leave', () => {
    const l = new PushRateLimiter();
    for (let i = 0; i < 120; i++) {
      expect(l.delayFor(1, i * 100)).toBe(0);
      l.record(1, i * 100);
    }
    expect(l.delayFor(1, 12_000)).toBe(48_000);
    expect(l.delayFor(1, 60_000)).toBe(0);
    l.record(1, 60_000);
    expect(l.delayFor(1, 60_000)).toBe(100);
  });

  it('allows 1,000,000 rows in any rolling hour', () => {
    const l = new PushRateLimiter();
    l.record(600_000, 0);
    l.record(300_000, 1_000_000);
    expect(l.delayFor(100_000, 2_000_000)).toBe(0);
    // 100,001 more would exceed: wait until the first 600,000 leave the hour.
    expect(l.delayFor(100_001, 2_000_000)).toBe(3_600_000 - 2_000_000);
    expect(l.delayFor(700_001, 2_000_000)).toBe(3_600_000 + 1_000_000 - 2_000_000);
  });

  it('rejects impossible requests and bad options', () => {
    expect(() => new PushRateLimiter().delayFor(1_000_001, 0)).toThrow(RangeError);
    expect(() => new PushRateLimiter({ postsPerMinute: 0 })).toThrow(RangeError);
  });
});
