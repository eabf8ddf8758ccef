import type { EmittedRow } from '../engine/applyBatch';

/**
 * Where output rows go. Writes must be safe to repeat: the engine writes a window's rows before it
 * records the window as emitted, so after a crash the same rows may be written again (identical).
 */
export interface OutputSink {
  /** Rows of closed windows. Rows of one (output, System.Timestamp) are all in one call and complete. */
  writeWindowRows(rows: readonly EmittedRow[]): Promise<void>;
  /**
   * Rows of per-event statements (no GROUP BY) from one commit unit.
   * @param unitId - names the unit deterministically: partition and sequence range
   */
  writeEventRows(rows: readonly EmittedRow[], unitId: string): Promise<void>;
}

/** Writes to several sinks; all must succeed. */
export function fanOutSink(sinks: readonly OutputSink[]): OutputSink {
  return {
    async writeWindowRows(rows) {
      await Promise.all(sinks.map((s) => s.writeWindowRows(rows)));
    },
    async writeEventRows(rows, unitId) {
      await Promise.all(sinks.map((s) => s.writeEventRows(rows, unitId)));
    },
  };
}
