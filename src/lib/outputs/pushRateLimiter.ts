import { powerBiLimits } from './powerBiSchema';

export interface PushRateLimiterOptions {
  /** POST requests per rolling minute. Default 120. */
  readonly postsPerMinute?: number;
  /** Rows per rolling hour. Default 1,000,000. */
  readonly rowsPerHour?: number;
}

/**
 * Power BI's per-dataset push limits on the client side, over rolling windows: at most N POSTs in any
 * minute and M rows in any hour. Pure: the caller supplies the time, asks how long to wait, waits, then
 * records the POST.
 */
export class PushRateLimiter {
  readonly postsPerMinute: number;
  readonly rowsPerHour: number;
  private readonly posts: number[] = [];
  private readonly rows: { atMs: number; rows: number }[] = [];
  private rowsInHour = 0;

  constructor(options: PushRateLimiterOptions = {}) {
    this.postsPerMinute = options.postsPerMinute ?? powerBiLimits.postsPerMinute;
    this.rowsPerHour = options.rowsPerHour ?? powerBiLimits.rowsPerHour;
    for (const [name, v] of [
      ['postsPerMinute', this.postsPerMinute],
      ['rowsPerHour', this.rowsPerHour],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new RangeError(`${name}: expected a positive integer, received ${v}`);
    }
  }

  private expire(nowMs: number): void {
    while (this.posts.length > 0 && this.posts[0]! <= nowMs - 60_000) this.posts.shift();
    while (this.rows.length > 0 && this.rows[0]!.atMs <= nowMs - 3_600_000)
      this.rowsInHour -= this.rows.shift()!.rows;
  }

  /**
   * How long to wait, in ms, before a POST of `rows` rows keeps within both limits (0: now).
   * Throws RangeError for more rows than an hour allows.
   */
  delayFor(rows: number, nowMs: number): number {
    if (!Number.isSafeInteger(rows) || rows < 0 || rows > this.rowsPerHour) {
      throw new RangeError(`rows: expected an integer in 0..${this.rowsPerHour}, received ${rows}`);
    }
    this.expire(nowMs);
    let until = nowMs;
    if (this.posts.length >= this.postsPerMinute) {
      until = Math.max(until, this.posts[this.posts.length - this.postsPerMinute]! + 60_000);
    }
    let excess = this.rowsInHour + rows - this.rowsPerHour;
    for (const r of this.rows) {
      if (excess <= 0) break;
      until = Math.max(until, r.atMs + 3_600_000);
      excess -= r.rows;
    }
    return until - nowMs;
  }

  /** Records a POST made at `nowMs`. */
  record(rows: number, nowMs: number): void {
    this.expire(nowMs);
    this.posts.push(nowMs);
    this.rows.push({ atMs: nowMs, rows });
    this.rowsInHour += rows;
  }
}
