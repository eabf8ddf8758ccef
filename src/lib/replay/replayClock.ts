import type { Clock } from '../ports/clock';

/**
 * The replay's "wall clock": the latest arrival time read so far. A live job's idle watermark
 * extrapolates from the wall clock; in a replay, time is what the input says it is, which keeps runs
 * deterministic (a resumed run makes the same decisions as an uninterrupted one).
 */
export class ReplayClock implements Clock {
  private current = 0;

  now(): number {
    return this.current;
  }

  /** Moves the clock forward to `ms` (never backward). */
  advanceTo(ms: number): void {
    if (ms > this.current) this.current = ms;
  }
}
