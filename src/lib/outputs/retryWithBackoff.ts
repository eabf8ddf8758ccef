/** Waits `ms` milliseconds; injected so that tests do not wait in real time. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryWithBackoffOptions {
  /** Attempts in all, the first included (>= 1). */
  readonly maxAttempts: number;
  /** Whether a failure may be tried again. */
  readonly shouldRetry: (error: unknown) => boolean;
  /** The server's Retry-After for this failure, in ms, if it sent one; it wins over the backoff. */
  readonly retryAfterInMs?: (error: unknown) => number | undefined;
  /** First backoff delay, in ms; doubled per attempt. Default 500. */
  readonly initialDelayInMs?: number;
  /** Cap on any one delay, Retry-After included, in ms. Default 60000. */
  readonly maxDelayInMs?: number;
  readonly sleep?: Sleep;
  /** Told before each wait (logging, tests). */
  readonly onRetry?: (info: {
    readonly attempt: number;
    readonly delayInMs: number;
    readonly error: unknown;
  }) => void;
}

/**
 * Runs `operation` until it succeeds, fails with an error `shouldRetry` rejects, or `maxAttempts` run out
 * (then the last error is thrown). Between attempts it waits the server's Retry-After when there is one,
 * else an exponential backoff without jitter (deterministic; callers are few and not synchronised).
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryWithBackoffOptions,
): Promise<T> {
  const { maxAttempts, shouldRetry } = options;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts: expected a positive integer, received ${maxAttempts}`);
  }
  const initial = options.initialDelayInMs ?? 500;
  const cap = options.maxDelayInMs ?? 60_000;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= maxAttempts || !shouldRetry(error)) throw error;
      const delayInMs = Math.min(cap, options.retryAfterInMs?.(error) ?? initial * 2 ** (attempt - 1));
      options.onRetry?.({ attempt, delayInMs, error });
      await sleep(delayInMs);
    }
  }
}
