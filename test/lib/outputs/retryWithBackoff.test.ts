import { describe, expect, it } from 'vitest';
import {
  isRetriable,
  parseRetryAfter,
  retryAfterOf,
  statusOf,
  wasNotAccepted,
} from '../../../src/lib/adapters/isRetriable';
import { retryWithBackoff } from '../../../src/lib/outputs/retryWithBackoff';

describe('retryWithBackoff', () => {
  it('retries what shouldRetry accepts, with Retry-After winning over the backoff, up to maxAttempts', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retryWithBackoff(
      () => {
        calls++;
        if (calls < 3)
          return Promise.reject(
            Object.assign(new Error('x'), {
              statusCode: 429,
              retryAfterInMs: calls === 1 ? 5000 : undefined,
            }),
          );
        return Promise.resolve('ok');
      },
      {
        maxAttempts: 3,
        shouldRetry: isRetriable,
        retryAfterInMs: (e) => retryAfterOf(e, 0),
        initialDelayInMs: 100,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.resolve();
        },
      },
    );
    expect(result).toBe('ok');
    expect(sleeps).toEqual([5000, 200]);
  });

  it('throws the last error when attempts run out, and at once for an error it may not retry', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(Object.assign(new Error('boom'), { statusCode: 500 }));
    };
    await expect(
      retryWithBackoff(failing, { maxAttempts: 2, shouldRetry: () => true, sleep: () => Promise.resolve() }),
    ).rejects.toThrow('boom');
    expect(calls).toBe(2);
    calls = 0;
    await expect(retryWithBackoff(failing, { maxAttempts: 5, shouldRetry: () => false })).rejects.toThrow(
      'boom',
    );
    expect(calls).toBe(1);
    await expect(retryWithBackoff(failing, { maxAttempts: 0, shouldRetry: () => false })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('retriability (isRetriable.ts)', () => {
  it('reads statusCode (Azure SDKs) and status (Twilio, Power BI)', () => {
    expect(statusOf({ statusCode: 503 })).toBe(503);
    expect(statusOf({ status: 429 })).toBe(429);
    expect(isRetriable({ status: 502 })).toBe(true);
    expect(isRetriable({ status: 400 })).toBe(false);
    expect(isRetriable({ code: 'ECONNABORTED' })).toBe(true);
  });

  it('a send is certainly not accepted only on 429 or a connection that never opened', () => {
    expect(wasNotAccepted({ statusCode: 429 })).toBe(true);
    expect(wasNotAccepted({ status: 429 })).toBe(true);
    expect(wasNotAccepted(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }))).toBe(true);
    expect(wasNotAccepted({ statusCode: 500 })).toBe(false);
    expect(wasNotAccepted({ statusCode: 503 })).toBe(false);
    expect(wasNotAccepted({ code: 'ECONNRESET' })).toBe(false);
    expect(wasNotAccepted({ name: 'TimeoutError' })).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP-date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', Date.parse('2026-03-01T10:00:00Z'))).toBe(30_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(retryAfterOf({ response: { headers: { get: () => '2' } } }, 0)).toBe(2000);
    expect(retryAfterOf({ headers: { 'retry-after': '1' } }, 0)).toBe(1000);
  });
});
