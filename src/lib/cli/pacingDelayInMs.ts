/** Options of {@link pacingDelayInMs}. */
export interface PacingDelayOptions {
  /** Simulated time at which pacing started, in ms since the epoch. */
  readonly simulatedStartInMs: number;
  /** Wall-clock time at which pacing started, in ms since the epoch. */
  readonly wallStartInMs: number;
  /** Simulated time of the next message (its enqueue time), in ms since the epoch. */
  readonly simulatedTimeInMs: number;
  /** The wall clock now, in ms since the epoch. */
  readonly wallNowInMs: number;
}

/**
 * How long to wait before sending a message so that simulated time advances with the wall clock: a message
 * `d` ms of simulated time after the start goes out `d` ms of wall time after the start, never earlier. A
 * sender that falls behind does not wait (it catches up as fast as it can).
 *
 * @returns Milliseconds to wait, 0 or more.
 */
export function pacingDelayInMs(options: PacingDelayOptions): number {
  const due = options.wallStartInMs + (options.simulatedTimeInMs - options.simulatedStartInMs);
  return Math.max(0, due - options.wallNowInMs);
}
