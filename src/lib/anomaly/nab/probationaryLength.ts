/** The share of a file that NAB ignores at its start. */
export const NAB_PROBATIONARY_PERCENT = 0.15;

/**
 * The number of leading rows NAB ignores when scoring a file: `min(floor(0.15 × N), 0.15 × 5000 = 750)`.
 *
 * @param rowCount - N, the rows in the file
 * @returns P, in rows; rows with 0-based index `i < P` count neither as detections nor as misses
 */
export function probationaryLength(rowCount: number): number {
  return Math.min(Math.floor(NAB_PROBATIONARY_PERCENT * rowCount), NAB_PROBATIONARY_PERCENT * 5000);
}
