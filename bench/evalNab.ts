/**
 * Evaluates ClickPulse's detectors on the Numenta Anomaly Benchmark files in ../shared/data/nab.
 *
 *     npm run eval:nab
 *     npm run -s eval:nab -- --nab DIR --out DIR --detectors contextual,spikeanddip,changepoint
 *
 * 1. Checks the scorer first: the published per-row output of the Windowed Gaussian baseline must reproduce
 *    every published per-file result of that detector (3 profiles), and a constant output every result of the
 *    null detector. A mismatch stops the run (exit 1).
 * 2. Runs `clickpulse detect` (the compiled CLI, one process per file, as many at once as there are cores) on
 *    every series, for every detector, and reads the scored CSVs back.
 * 3. Scores them with NAB's rules (one threshold per detector and profile, chosen by NAB's optimiser over these
 *    files) and prints the scores per profile and per category beside NAB's published results.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { DETECTOR_NAMES, type DetectorName } from '../src/lib/anomaly/detectors/createStreamingScorer';
import { nabProfileNames, nabProfiles, type NabProfileName } from '../src/lib/anomaly/nab/nabProfiles';
import type { NabWindow } from '../src/lib/anomaly/nab/nabWindow';
import { parsePublishedScores, type PublishedFileScore } from '../src/lib/anomaly/nab/parsePublishedScores';
import { parseSeriesCsv } from '../src/lib/anomaly/nab/parseSeriesCsv';
import {
  groupNabScores,
  nabCategoryOf,
  scoreNabCorpus,
  type NabGroupScore,
} from '../src/lib/anomaly/nab/scoreNabCorpus';
import { scoreFileAtThreshold } from '../src/lib/anomaly/nab/scoreFileAtThreshold';
import { windowsToRows } from '../src/lib/anomaly/nab/windowsToRows';

const run = promisify(execFile);
const cli = join(__dirname, '../src/lib/cli/main.js');

/** Published detectors shown beside ours (results folder, display name); random is left out (incomplete). */
const PUBLISHED: readonly (readonly [string, string])[] = [
  ['ARTime', 'ARTime'],
  ['numenta', 'Numenta HTM (NuPIC 0.5.6)'],
  ['contextOSE', 'CAD OSE'],
  ['htmjava', 'HTM Java'],
  ['numentaTM', 'NumentaTM HTM'],
  ['relativeEntropy', 'Relative Entropy'],
  ['knncad', 'KNN CAD'],
  ['earthgeckoSkyline', 'earthgecko Skyline'],
  ['randomCutForest', 'Random Cut Forest'],
  ['twitterADVec', 'Twitter ADVec'],
  ['windowedGaussian', 'Windowed Gaussian'],
  ['skyline', 'Etsy Skyline'],
  ['expose', 'EXPoSE'],
  ['bayesChangePt', 'Bayesian Changepoint'],
  ['null', 'Null'],
];
/** Published detectors given a per-category column. */
const CATEGORY_COLUMNS: readonly (readonly [string, string])[] = [
  ['numenta', 'HTM'],
  ['ARTime', 'ARTime'],
  ['contextOSE', 'CAD OSE'],
  ['windowedGaussian', 'W.Gauss'],
];
/** README scoreboard rows missing from results/final_results.json (NAB v1.0 scoreboard, all 58 files). */
const SCOREBOARD_ONLY: Readonly<Record<string, Readonly<Record<NabProfileName, number>>>> = {
  bayesChangePt: { standard: 17.7, reward_low_FP_rate: 3.2, reward_low_FN_rate: 32.2 },
};
const PROFILE_TITLES: Readonly<Record<NabProfileName, string>> = {
  standard: 'Standard',
  reward_low_FP_rate: 'Reward low FP',
  reward_low_FN_rate: 'Reward low FN',
};

interface Args {
  readonly nab: string;
  readonly out: string;
  readonly detectors: readonly DetectorName[];
}

function parseArgs(argv: readonly string[]): Args {
  let nab = resolve('../shared/data/nab');
  let out = resolve('dist/nab-results');
  let detectors: DetectorName[] = [...DETECTOR_NAMES];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag}: expected a value`);
    if (flag === '--nab') nab = resolve(value);
    else if (flag === '--out') out = resolve(value);
    else if (flag === '--detectors') {
      detectors = value.split(',') as DetectorName[];
      const bad = detectors.filter((d) => !DETECTOR_NAMES.includes(d));
      if (bad.length > 0)
        throw new Error(`--detectors: unknown ${bad.join(', ')}; known: ${DETECTOR_NAMES.join(', ')}`);
    } else throw new Error(`unknown option ${flag}; options: --nab DIR, --out DIR, --detectors a,b`);
    i++;
  }
  return { nab, out, detectors };
}

interface CorpusFile {
  readonly name: string;
  readonly path: string;
  readonly timestamps: readonly string[];
  readonly windows: readonly NabWindow[];
}

async function loadCorpus(nab: string): Promise<CorpusFile[]> {
  const labels = JSON.parse(await readFile(join(nab, 'labels/combined_windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const names = Object.keys(labels).sort();
  const onDisk: string[] = [];
  for (const folder of await readdir(join(nab, 'data'))) {
    for (const file of await readdir(join(nab, 'data', folder)))
      if (file.endsWith('.csv')) onDisk.push(`${folder}/${file}`);
  }
  const unlabelled = onDisk.filter((n) => !(n in labels));
  if (unlabelled.length > 0) throw new Error(`data files without labels: ${unlabelled.join(', ')}`);
  return Promise.all(
    names.map(async (name) => {
      const path = join(nab, 'data', name);
      const rows = parseSeriesCsv(await readFile(path, 'utf8'));
      const timestamps = rows.map((r) => r.timestamp);
      return { name, path, timestamps, windows: windowsToRows(labels[name]!, timestamps) };
    }),
  );
}

async function readPublished(
  nab: string,
  detector: string,
  profile: NabProfileName,
): Promise<PublishedFileScore[]> {
  return parsePublishedScores(
    await readFile(join(nab, 'results', detector, `${detector}_${profile}_scores.csv`), 'utf8'),
  );
}

/** Reads a results CSV's anomaly_score column (NAB's per-row output or ours). */
async function readAnomalyScores(path: string, expectedTimestamps: readonly string[]): Promise<Float64Array> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  const header = lines[0]?.split(',') ?? [];
  const ts = header.indexOf('timestamp');
  const col = header.indexOf('anomaly_score');
  if (ts < 0 || col < 0) throw new Error(`${path}: no timestamp or anomaly_score column`);
  if (lines.length - 1 !== expectedTimestamps.length) {
    throw new Error(`${path}: ${lines.length - 1} rows, expected ${expectedTimestamps.length}`);
  }
  const scores = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.split(',');
    if (fields[ts] !== expectedTimestamps[i - 1])
      throw new Error(`${path} line ${i + 1}: timestamp differs from the input`);
    const score = Number(fields[col]);
    if (!Number.isFinite(score) || score < 0 || score > 1)
      throw new Error(`${path} line ${i + 1}: anomaly_score ${fields[col]}`);
    scores[i - 1] = score;
  }
  return scores;
}

/** Step 1: the scorer must reproduce published per-file results before its numbers are trusted. */
async function checkScorer(nab: string, corpus: readonly CorpusFile[]): Promise<string[]> {
  const lines: string[] = [];
  const wg = await Promise.all(
    corpus.map((f) => {
      const [folder, file] = f.name.split('/') as [string, string];
      return readAnomalyScores(
        join(nab, 'results/windowedGaussian', folder, `windowedGaussian_${file}`),
        f.timestamps,
      );
    }),
  );
  for (const [detector, scoresOf] of [
    ['windowedGaussian', (i: number) => wg[i]!],
    ['null', (i: number) => new Float64Array(corpus[i]!.timestamps.length).fill(0.5)],
  ] as const) {
    let compared = 0;
    let maxDifference = 0;
    const mismatches: string[] = [];
    for (const profile of nabProfileNames) {
      for (const published of await readPublished(nab, detector, profile)) {
        const i = corpus.findIndex((f) => f.name === published.file);
        if (i < 0) throw new Error(`published ${detector} result for unknown file ${published.file}`);
        const mine = scoreFileAtThreshold({
          anomalyScores: scoresOf(i),
          windows: corpus[i]!.windows,
          cost: nabProfiles[profile],
          threshold: published.threshold,
        });
        compared++;
        const difference = Math.abs(mine.score - published.score);
        maxDifference = Math.max(maxDifference, difference);
        const counts = (['tp', 'tn', 'fp', 'fn'] as const).every((k) => mine[k] === published[k]);
        if (difference > 1e-9 || !counts) mismatches.push(`${profile} ${published.file}`);
      }
    }
    if (mismatches.length > 0)
      throw new Error(`scorer check failed for ${detector}: ${mismatches.join('; ')}`);
    lines.push(
      `  ${detector}: ${compared}/${compared} published per-file results reproduced (raw score within ${maxDifference.toExponential(1)}, TP/TN/FP/FN exact)`,
    );
  }
  return lines;
}

/** Runs tasks with at most `limit` at a time. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined ? '-' : v.toFixed(digits);
const pad = (s: string, n: number): string => s.padStart(n);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!existsSync(join(args.nab, 'labels/combined_windows.json'))) {
    throw new Error(`no NAB data at ${args.nab} (use --nab DIR)`);
  }
  const started = performance.now();
  const corpus = await loadCorpus(args.nab);
  const windowCount = corpus.reduce((n, f) => n + f.windows.length, 0);
  const rowCount = corpus.reduce((n, f) => n + f.timestamps.length, 0);
  const out: string[] = [];
  const say = (line = ''): void => void out.push(line);
  say(`NAB evaluation: ${corpus.length} files, ${rowCount} rows, ${windowCount} windows from ${args.nab}`);
  say("Scorer check against NAB's published per-file results:");
  for (const line of await checkScorer(args.nab, corpus)) say(line);

  // Step 2: `clickpulse detect` on every series.
  const timings = new Map<DetectorName, number>();
  const scored = new Map<DetectorName, Float64Array[]>();
  for (const detector of args.detectors) {
    const t0 = performance.now();
    const outputs = corpus.map((f) =>
      join(args.out, detector, dirname(f.name), `${detector}_${f.name.split('/')[1]}`),
    );
    await Promise.all(outputs.map((o) => mkdir(dirname(o), { recursive: true })));
    await pool(
      corpus.map(
        (f, i) => () =>
          run(process.execPath, [
            cli,
            'detect',
            '--input',
            f.path,
            '--output',
            outputs[i]!,
            '--detector',
            detector,
          ]),
      ),
      availableParallelism(),
    );
    scored.set(
      detector,
      await Promise.all(corpus.map((f, i) => readAnomalyScores(outputs[i]!, f.timestamps))),
    );
    timings.set(detector, (performance.now() - t0) / 1000);
  }

  // Step 3: NAB's scoring.
  const ours = new Map(
    args.detectors.map((d) => [
      d,
      scoreNabCorpus(
        corpus.map((f, i) => ({ name: f.name, anomalyScores: scored.get(d)![i]!, windows: f.windows })),
      ),
    ]),
  );
  const finalResults = JSON.parse(
    await readFile(join(args.nab, 'results/final_results.json'), 'utf8'),
  ) as Record<string, Partial<Record<NabProfileName, number>>>;
  const windowsOf = new Map(corpus.map((f) => [f.name, f.windows.length]));
  const published = new Map<
    string,
    Map<NabProfileName, { categories: NabGroupScore[]; total: NabGroupScore }>
  >();
  for (const [folder] of PUBLISHED) {
    const byProfile = new Map<NabProfileName, { categories: NabGroupScore[]; total: NabGroupScore }>();
    for (const profile of nabProfileNames) {
      const rows = await readPublished(args.nab, folder, profile);
      byProfile.set(
        profile,
        groupNabScores(
          rows.map((r) => ({ name: r.file, score: r.score, windowCount: windowsOf.get(r.file) ?? 0 })),
          profile,
        ),
      );
    }
    published.set(folder, byProfile);
  }

  say();
  say(`Scores on these ${corpus.length} files (normalised: null detector 0, perfect 100).`);
  say("  ours: one threshold per detector and profile, chosen by NAB's optimiser over these files;");
  say('  published: their per-file results at their published thresholds (tuned on all 58 NAB files).');
  say(
    "  Right: NAB's published scoreboard over all 58 files (results/final_results.json; Bayesian Changepoint from the README), not comparable 1:1.",
  );
  say();
  const head = `${'Detector'.padEnd(34)}${pad('Standard', 9)}${pad('Low FP', 9)}${pad('Low FN', 9)}   |${pad('Standard', 9)}${pad('Low FP', 9)}${pad('Low FN', 9)}  (58 files)`;
  say(head);
  say('-'.repeat(head.length));
  for (const d of args.detectors) {
    const r = ours.get(d)!;
    say(
      `${`clickpulse ${d}${d === 'contextual' ? ' (default)' : ''}`.padEnd(34)}${r.map((p) => pad(fmt(p.total.normalizedScore, 2), 9)).join('')}   |${pad('-', 9)}${pad('-', 9)}${pad('-', 9)}`,
    );
  }
  for (const [folder, name] of PUBLISHED) {
    const p = published.get(folder)!;
    const full = finalResults[folder] ?? SCOREBOARD_ONLY[folder] ?? {};
    say(
      `${name.padEnd(34)}${nabProfileNames.map((pr) => pad(fmt(p.get(pr)!.total.normalizedScore, 2), 9)).join('')}   |${nabProfileNames.map((pr) => pad(fmt(full[pr], 2), 9)).join('')}`,
    );
  }
  say();
  say(
    'Thresholds chosen for ours: ' +
      args.detectors
        .map(
          (d) =>
            `${d} ${ours
              .get(d)!
              .map((p) => `${p.profile} ${p.threshold.toPrecision(6)}`)
              .join(', ')}`,
        )
        .join('; '),
  );

  const categories = [...new Set(corpus.map((f) => nabCategoryOf(f.name)))];
  for (const profile of nabProfileNames) {
    say();
    say(
      `Per category, ${PROFILE_TITLES[profile]} profile (normalised per category; a category without windows shows its raw score, the false-alarm cost):`,
    );
    const cols = [...args.detectors.map((d) => d as string), ...CATEGORY_COLUMNS.map(([, label]) => label)];
    const line = `${'Category'.padEnd(24)}${pad('Files', 6)}${pad('Windows', 8)}${cols.map((c) => pad(c, 12)).join('')}`;
    say(line);
    say('-'.repeat(line.length));
    for (const category of [...categories, 'all']) {
      const pick = (g: {
        readonly categories: readonly NabGroupScore[];
        readonly total: NabGroupScore;
      }): NabGroupScore | undefined =>
        category === 'all' ? g.total : g.categories.find((c) => c.group === category);
      const oursCells = args.detectors.map((d) => pick(ours.get(d)!.find((p) => p.profile === profile)!));
      const pubCells = CATEGORY_COLUMNS.map(([folder]) => pick(published.get(folder)!.get(profile)!));
      const first = oursCells[0] ?? pubCells[0];
      const cell = (g: NabGroupScore | undefined): string =>
        pad(
          g === undefined
            ? '-'
            : g.normalizedScore === null
              ? `${fmt(g.rawScore, 2)} raw`
              : fmt(g.normalizedScore, 1),
          12,
        );
      say(
        `${category.padEnd(24)}${pad(String(first?.fileCount ?? '-'), 6)}${pad(String(first?.windowCount ?? '-'), 8)}${[...oursCells, ...pubCells].map(cell).join('')}`,
      );
    }
  }
  say();
  say(
    `Runtime: ${[...timings].map(([d, s]) => `${d} ${s.toFixed(1)} s`).join(', ')}; total ${((performance.now() - started) / 1000).toFixed(1)} s (${availableParallelism()} cores). Scored CSVs in ${args.out}`,
  );
  console.log(out.join('\n'));
}

main().catch((error: unknown) => {
  console.error(`eval:nab: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
