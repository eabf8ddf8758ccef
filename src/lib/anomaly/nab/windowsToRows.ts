import type { NabWindow } from './nabWindow';

/**
 * Converts NAB label windows (`[start, end]` timestamps, as in `labels/combined_windows.json`) to row ranges
 * of one file, the way NAB's sweeper does: a window starts at the first row stamped with its start and ends at
 * the first row stamped with its end from there on. A trailing `.000000` on a label is ignored.
 *
 * @param labelWindows - the file's windows, sorted and not overlapping
 * @param timestamps - the file's `timestamp` column, one entry per row
 * @throws RangeError when a window boundary is not a row's timestamp or a window ends before it starts
 */
export function windowsToRows(
  labelWindows: readonly (readonly [string, string])[],
  timestamps: readonly string[],
): NabWindow[] {
  const firstRowOf = new Map<string, number>();
  timestamps.forEach((t, i) => {
    if (!firstRowOf.has(t)) firstRowOf.set(t, i);
  });
  const strip = (label: string): string => label.replace(/\.0+$/, '');
  return labelWindows.map(([rawStart, rawEnd]) => {
    const start = firstRowOf.get(strip(rawStart));
    if (start === undefined) {
      throw new RangeError(`window start ${JSON.stringify(rawStart)} is not the timestamp of any row`);
    }
    const endStamp = strip(rawEnd);
    let end = -1;
    for (let i = start; i < timestamps.length; i++) {
      if (timestamps[i] === endStamp) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new RangeError(
        `window end ${JSON.stringify(rawEnd)} is not the timestamp of any row at or after its start`,
      );
    }
    return { start, end };
  });
}
