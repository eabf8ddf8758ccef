import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NabWindow } from '../../../../src/lib/anomaly/nab/nabWindow';
import { parseSeriesCsv } from '../../../../src/lib/anomaly/nab/parseSeriesCsv';
import { windowsToRows } from '../../../../src/lib/anomaly/nab/windowsToRows';

/** The shared NAB folder (read at test time, never copied into the repository). */
export const NAB_DIR = process.env.CLICKPULSE_NAB_DIR ?? join(__dirname, '../../../../../shared/data/nab');
/** False where the shared data is not present (the tests that need it are skipped). */
export const nabAvailable = existsSync(join(NAB_DIR, 'labels/combined_windows.json'));

/** One NAB data file with its values and windows. */
export interface NabFixtureFile {
  readonly name: string;
  readonly timestamps: readonly string[];
  readonly values: readonly number[];
  readonly windows: readonly NabWindow[];
}

/** Every labelled data file, sorted by name. */
export function loadNabFiles(): NabFixtureFile[] {
  const labels = JSON.parse(readFileSync(join(NAB_DIR, 'labels/combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  return Object.keys(labels)
    .sort()
    .map((name) => {
      const rows = parseSeriesCsv(readFileSync(join(NAB_DIR, 'data', name), 'utf8'));
      const timestamps = rows.map((r) => r.timestamp);
      return {
        name,
        timestamps,
        values: rows.map((r) => r.value),
        windows: windowsToRows(labels[name]!, timestamps),
      };
    });
}

/** The `anomaly_score` column of a published per-row results file. */
export function readPublishedRows(detector: string, name: string): number[] {
  const [folder, file] = name.split('/') as [string, string];
  const text = readFileSync(join(NAB_DIR, 'results', detector, folder, `${detector}_${file}`), 'utf8');
  const lines = text.split(/\r?\n/).filter((l) => l !== '');
  const column = lines[0]!.split(',').indexOf('anomaly_score');
  return lines.slice(1).map((l) => Number(l.split(',')[column]));
}

/** The published detectors that have per-file results here. */
export function publishedDetectors(): string[] {
  return readdirSync(join(NAB_DIR, 'results'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'random')
    .map((d) => d.name);
}
