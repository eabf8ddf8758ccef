/** An anomaly window as inclusive 0-based row indices (NAB scores by row position, not by clock time). */
export interface NabWindow {
  /** The window's first row. */
  readonly start: number;
  /** The window's last row (inclusive). */
  readonly end: number;
}
