import type { NabFileScore } from './nabFileScore';

/** One row of a published NAB results file (`results/<detector>/<detector>_<profile>_scores.csv`). */
export interface PublishedFileScore extends NabFileScore {
  readonly detector: string;
  readonly profile: string;
  /** The data file, as `<folder>/<file>.csv`. */
  readonly file: string;
}

/**
 * Parses a published NAB per-file scores CSV (columns Detector, Profile, File, Threshold, Score, TP, TN, FP,
 * FN, Total_Count). A `Totals` row, where present, is skipped.
 *
 * @throws RangeError when the header or a row does not have that shape (naming the line)
 */
export function parsePublishedScores(text: string): PublishedFileScore[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const expected = 'Detector,Profile,File,Threshold,Score,TP,TN,FP,FN,Total_Count';
  if (lines[0]?.trim() !== expected) {
    throw new RangeError(`line 1: expected the header ${expected}, received ${JSON.stringify(lines[0])}`);
  }
  const rows: PublishedFileScore[] = [];
  lines.slice(1).forEach((line, i) => {
    const f = line.split(',');
    if (f[0] === 'Totals' || f[2] === 'Totals') return;
    const numbers = f.slice(3).map(Number);
    if (f.length !== 10 || numbers.some((n) => !Number.isFinite(n))) {
      throw new RangeError(
        `line ${i + 2}: expected 10 fields with numbers from the 4th on, received ${line}`,
      );
    }
    const [threshold, score, tp, tn, fp, fn, totalCount] = numbers as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    rows.push({ detector: f[0]!, profile: f[1]!, file: f[2]!, threshold, score, tp, tn, fp, fn, totalCount });
  });
  return rows;
}
