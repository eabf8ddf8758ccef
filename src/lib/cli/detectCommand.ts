import { readFile, writeFile } from 'node:fs/promises';
import {
  createStreamingScorer,
  streamingScorerProblems,
  type DetectorName,
  type StreamingScorerOptions,
  type StreamingScorerParameter,
} from '../anomaly/detectors/createStreamingScorer';
import type { SpikeAndDipMode } from '../anomaly/detectors/createSpikeAndDipDetector';
import { parseSeriesCsv, SeriesCsvError } from '../anomaly/nab/parseSeriesCsv';

export const detectUsage = `Usage: clickpulse detect --input SERIES.csv --output SCORED.csv [options]

Scores a time series with an anomaly detector, one value at a time in file order (no look-ahead).
The input is a CSV with the header timestamp,value (the Numenta Anomaly Benchmark's format); the output
has the header timestamp,value,anomaly_score and one row per input row, anomaly_score in [0, 1]
(higher = more anomalous; 0 while the detector warms up).

  --input FILE          the series to score
  --output FILE         where the scored series goes (overwritten)
  --detector NAME       contextual (default): seasonal and local predictions with an anomaly likelihood;
                          score -log10(p)/10, so 0.5 is a tail probability of 1e-5
                        spikeanddip: ASA's AnomalyDetection_SpikeAndDip; score 1 - p-value
                        changepoint: ASA's AnomalyDetection_ChangePoint; score 1 - the constant p-value
                          that gives the martingale
  --confidence N        1 to 100 (contextual 99.999, others 95): for spikeanddip and changepoint an
                          anomaly_score >= N/100 is an alert
  --history-size N      values the detector learns from (contextual 2048, others 120)
  --mode MODE           spikeanddip only: spikes, dips or spikesanddips (default)
`;

/** What the detect command writes to; tests replace it. */
export interface DetectCommandDependencies {
  /** Standard output: the summary line. */
  readonly stdout?: (text: string) => void;
  /** Standard error: usage and input errors. */
  readonly stderr?: (text: string) => void;
}

const FLAG_OF: Readonly<Record<StreamingScorerParameter, string>> = {
  detector: '--detector',
  confidence: '--confidence',
  historySize: '--history-size',
  mode: '--mode',
};

const FLAGS = ['input', 'output', 'detector', 'confidence', 'history-size', 'mode'] as const;
type Flag = (typeof FLAGS)[number];

/** Parses the flags; returns the scorer options and paths, or every problem found. */
function parseDetectArgs(
  argv: readonly string[],
): { input: string; output: string; scorer: StreamingScorerOptions } | { problems: string[] } {
  const problems: string[] = [];
  const values: Partial<Record<Flag, string>> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!(FLAGS as readonly string[]).includes(name)) {
      problems.push(`unknown option ${arg.slice(0, eq < 0 ? undefined : eq)}`);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i];
    if (value === undefined) problems.push(`--${name}: expected a value, received none`);
    else values[name as Flag] = value;
  }
  if (positionals.length > 0)
    problems.push(`unexpected argument${positionals.length > 1 ? 's' : ''}: ${positionals.join(' ')}`);
  const input = values.input;
  const output = values.output;
  if (typeof input !== 'string' || input === '')
    problems.push('--input: expected a file path, received none');
  if (typeof output !== 'string' || output === '')
    problems.push('--output: expected a file path, received none');
  const number = (
    flag: string,
    raw: string | undefined,
    pattern: RegExp,
    what: string,
  ): number | undefined => {
    if (raw === undefined) return undefined;
    if (!pattern.test(raw.trim())) {
      problems.push(`${flag}: expected ${what}, received ${JSON.stringify(raw)}`);
      return undefined;
    }
    return Number(raw);
  };
  const confidence = number(
    '--confidence',
    values.confidence,
    /^[+-]?(\d+\.?\d*|\.\d+)$/,
    'a number from 1 to 100',
  );
  const historySize = number('--history-size', values['history-size'], /^[+-]?\d+$/, 'an integer');
  const scorer: StreamingScorerOptions = {
    detector: (values.detector ?? 'contextual') as DetectorName,
    ...(confidence === undefined ? {} : { confidence }),
    ...(historySize === undefined ? {} : { historySize }),
    ...(values.mode === undefined ? {} : { mode: values.mode as SpikeAndDipMode }),
  };
  for (const p of streamingScorerProblems(scorer)) problems.push(`${FLAG_OF[p.parameter]}: ${p.message}`);
  if (problems.length > 0) return { problems };
  return { input: input as string, output: output as string, scorer };
}

/** Quotes a CSV field when it needs it (a comma, a quote or a line break). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * `clickpulse detect`: reads a `timestamp,value` CSV, runs a detector over it as a stream and writes
 * `timestamp,value,anomaly_score`, one row per input row (timestamp and value as read).
 *
 * @returns the exit code: 0 done, 1 unreadable or bad input (naming the lines), 2 usage error (naming every
 *   problem)
 */
export async function detectCommand(
  argv: readonly string[],
  dependencies: DetectCommandDependencies = {},
): Promise<number> {
  const stdout = dependencies.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = dependencies.stderr ?? ((text: string) => void process.stderr.write(text));
  if (argv.includes('--help') || argv.includes('-h')) {
    stdout(detectUsage);
    return 0;
  }
  const args = parseDetectArgs(argv);
  if ('problems' in args) {
    stderr(`clickpulse detect: ${args.problems.join('\nclickpulse detect: ')}\n\n${detectUsage}`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(args.input, 'utf8');
  } catch (error) {
    stderr(
      `clickpulse detect: --input: cannot read ${args.input} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`,
    );
    return 1;
  }
  let rows;
  try {
    rows = parseSeriesCsv(text);
  } catch (error) {
    if (!(error instanceof SeriesCsvError)) throw error;
    stderr(
      `clickpulse detect: ${args.input}: ${error.message.split('\n').join(`\nclickpulse detect: ${args.input}: `)}\n`,
    );
    return 1;
  }
  const scorer = createStreamingScorer(args.scorer);
  const lines = ['timestamp,value,anomaly_score'];
  let alerts = 0;
  for (const row of rows) {
    const score = scorer.score(row.value);
    if (scorer.lastIsAnomaly) alerts++;
    lines.push(`${csvField(row.timestamp)},${row.valueText},${score}`);
  }
  try {
    await writeFile(args.output, lines.join('\n') + '\n', 'utf8');
  } catch (error) {
    stderr(
      `clickpulse detect: --output: cannot write ${args.output} (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`,
    );
    return 1;
  }
  stdout(
    `clickpulse detect: ${rows.length} rows scored with ${args.scorer.detector} (${alerts} flagged as anomalies) -> ${args.output}\n`,
  );
  return 0;
}
