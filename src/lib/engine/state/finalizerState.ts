/**
 * The job-wide record of what has been emitted. Every window row with System.Timestamp before
 * `finalizedThroughMs` has been written to its sink. Written with an ETag, so two finalizers cannot
 * both advance it.
 */
export interface FinalizerState {
  /** Exclusive bound (epoch ms) of emitted output times; null before the first finalization. */
  finalizedThroughMs: number | null;
  /** Window rows emitted per output. */
  rowsEmitted: Record<string, number>;
  /** Session windows open at finalizedThroughMs, by statement index, as JSON text. */
  openSessions: Record<number, string>;
}

export function createFinalizerState(): FinalizerState {
  return { finalizedThroughMs: null, rowsEmitted: {}, openSessions: {} };
}
