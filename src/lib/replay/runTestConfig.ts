import { randomBytes } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startEmbeddedAzurite } from '../adapters/azurite/embeddedAzurite';
import { compileQueryFile } from '../asaql/compileQueryFile';
import { defaultEventOrderingPolicy, type EventOrderingPolicy } from '../engine/eventOrderingPolicy';
import { compareRowMultisets, type RowComparison } from './compareRowMultisets';
import { readJobConfig } from './readJobConfig';
import { readJsonRows } from './readJsonRows';
import { readTestConfig, type TestCase } from './readTestConfig';
import { runReplay } from './runReplay';

export interface RunTestConfigOptions {
  /** The testConfig.json (ASA CI/CD format). */
  readonly configPath: string;
  /** Storage for the job state; without it one embedded in-memory Azurite serves the whole run. */
  readonly storageConnectionString?: string;
  /** Letters and digits starting with a letter; each case's state table is this plus its index. */
  readonly stateTablePrefix?: string;
  /** An ASA JobConfig.json for the event-ordering policy; default: JobConfig.json beside the script, if any. */
  readonly jobConfigPath?: string;
  /** Where to write each case's actual outputs (line-delimited JSON) and testResultSummary.json. */
  readonly outputPath?: string;
  /** Called after each case, in order. */
  readonly onCaseResult?: (result: TestCaseResult) => void;
}

/** ASA's result categories for one output alias. */
export type TestOutputStatus = 'matched' | 'notEqual' | 'missing' | 'unexpected' | 'unrequired';

export interface TestOutputResult {
  readonly alias: string;
  readonly status: TestOutputStatus;
  readonly expectedPath?: string;
  /** Where the actual rows were written (only with `outputPath`). */
  readonly actualPath?: string;
  readonly expectedRows: number;
  readonly actualRows: number;
  /** The diff, for required outputs. */
  readonly comparison?: RowComparison;
}

export interface TestCaseResult {
  readonly name: string;
  readonly passed: boolean;
  /** Why the case could not run to a comparison: a missing input, an unsupported input, ... */
  readonly error?: string;
  readonly outputs: readonly TestOutputResult[];
  /** Input records dead-lettered, by reason (not valid JSON, early, ...). */
  readonly deadLettered: Readonly<Record<string, number>>;
  readonly elapsedInMs: number;
}

export interface TestRunSummary {
  readonly configPath: string;
  readonly script: string;
  /** The JobConfig.json whose policy applied, if any. */
  readonly jobConfigPath?: string;
  readonly eventOrdering: EventOrderingPolicy;
  readonly total: number;
  readonly passed: number;
  readonly failed: number;
  readonly results: readonly TestCaseResult[];
  readonly elapsedInMs: number;
}

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

/** A folder name for a test case's outputs. */
const folderName = (name: string, index: number): string =>
  `${index + 1}-${name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80)}`;

/**
 * Runs the test cases of an ASA CI/CD testConfig.json: compiles the script, replays each case's stream
 * input through the production engine (runReplay), and compares every required expected output with
 * what the job wrote, as multisets with datetimes compared as instants. An output the job wrote that
 * no expected output names fails the case (ASA's OutputUnexpected).
 *
 * Throws for what stops the whole run: an unreadable or invalid config, JobConfig.json or query (the
 * message names file:line:column). A case that cannot run (missing input file, an input format other
 * than JSON, reference data) fails with its `error`.
 */
export async function runTestConfig(options: RunTestConfigOptions): Promise<TestRunSummary> {
  const started = Date.now();
  const config = await readTestConfig(options.configPath);
  const besideScript = join(dirname(config.script), 'JobConfig.json');
  const jobConfigPath = options.jobConfigPath ?? ((await exists(besideScript)) ? besideScript : undefined);
  const eventOrdering = jobConfigPath ? await readJobConfig(jobConfigPath) : defaultEventOrderingPolicy;
  // Syntax and unsupported constructs stop the run before any case.
  await compileQueryFile(config.script, { eventOrdering });
  const prefix = options.stateTablePrefix ?? `asatest${randomBytes(4).toString('hex')}`;
  if (!/^[A-Za-z][A-Za-z0-9]{0,50}$/.test(prefix)) {
    throw new RangeError(
      `stateTablePrefix: expected 1 to 51 letters and digits starting with a letter, received ${prefix}`,
    );
  }
  const azurite = options.storageConnectionString ? undefined : await startEmbeddedAzurite();
  const results: TestCaseResult[] = [];
  try {
    const connectionString = options.storageConnectionString ?? azurite!.connectionString;
    for (const [index, testCase] of config.testCases.entries()) {
      const result = await runCase(testCase, {
        script: config.script,
        eventOrdering,
        connectionString,
        stateTableName: `${prefix}c${index}`,
        ...(options.outputPath !== undefined
          ? { outputDir: join(options.outputPath, folderName(testCase.name, index)) }
          : {}),
      });
      results.push(result);
      options.onCaseResult?.(result);
    }
  } finally {
    await azurite?.stop();
  }
  const passed = results.filter((r) => r.passed).length;
  const summary: TestRunSummary = {
    configPath: config.path,
    script: config.script,
    ...(jobConfigPath ? { jobConfigPath } : {}),
    eventOrdering,
    total: results.length,
    passed,
    failed: results.length - passed,
    results,
    elapsedInMs: Date.now() - started,
  };
  if (options.outputPath !== undefined) {
    await mkdir(options.outputPath, { recursive: true });
    await writeFile(
      join(options.outputPath, 'testResultSummary.json'),
      JSON.stringify(asaSummary(summary), null, 2) + '\n',
    );
  }
  return summary;
}

interface CaseContext {
  readonly script: string;
  readonly eventOrdering: EventOrderingPolicy;
  readonly connectionString: string;
  readonly stateTableName: string;
  readonly outputDir?: string;
}

async function runCase(testCase: TestCase, ctx: CaseContext): Promise<TestCaseResult> {
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'clickpulse-test-'));
  const failed = (error: string, deadLettered: Record<string, number> = {}): TestCaseResult => ({
    name: testCase.name,
    passed: false,
    error,
    outputs: [],
    deadLettered,
    elapsedInMs: Date.now() - started,
  });
  try {
    let job;
    try {
      job = await compileQueryFile(ctx.script, {
        eventOrdering: ctx.eventOrdering,
        inputs: testCase.inputs.map((i) => ({ name: i.alias, kind: i.type })),
      });
    } catch (error) {
      return failed((error as Error).message);
    }
    const inputName = job.inputs[0]!.name;
    const input = testCase.inputs.find((i) => i.alias.toLowerCase() === inputName.toLowerCase());
    if (!input) {
      return failed(
        `Inputs: expected an input with InputAlias ${inputName} (the query reads it), received ${testCase.inputs.map((i) => i.alias).join(', ') || 'none'}`,
      );
    }
    const jobOutputs = [...new Set(job.statements.map((st) => st.output))];
    const stray = testCase.expectedOutputs.find(
      (o) => !jobOutputs.some((name) => name.toLowerCase() === o.alias.toLowerCase()),
    );
    if (stray) {
      return failed(
        `ExpectedOutputs: expected an output of the query (${jobOutputs.join(', ')}), received ${stray.alias}`,
      );
    }
    if (input.format.toLowerCase() !== 'json') {
      return failed(`Inputs (${input.alias}): not supported yet: Format ${input.format} (JSON only)`);
    }
    let summary;
    try {
      summary = await runReplay({
        inputPath: input.filePath,
        outputPath: join(work, 'out'),
        outputIsDirectory: true,
        deadLetterPath: join(work, 'deadletters.jsonl'),
        job,
        storageConnectionString: ctx.connectionString,
        stateTableName: ctx.stateTableName,
      });
    } catch (error) {
      return failed((error as Error).message);
    }
    const deadLettered = Object.fromEntries(
      Object.entries(summary.totals.deadLettered).filter(
        (entry): entry is [string, number] => entry[1] !== undefined,
      ),
    );
    const actual = new Map<string, { alias: string; rows: Record<string, unknown>[] }>();
    for (const file of summary.outputFiles) {
      for (const line of (await readFile(file, 'utf8')).split('\n')) {
        if (line.length === 0) continue;
        const { output, row } = JSON.parse(line) as { output: string; row: Record<string, unknown> };
        const key = output.toLowerCase();
        let entry = actual.get(key);
        if (!entry) actual.set(key, (entry = { alias: output, rows: [] }));
        entry.rows.push(row);
      }
    }
    const actualPaths = new Map<string, string>();
    if (ctx.outputDir !== undefined) {
      await mkdir(ctx.outputDir, { recursive: true });
      for (const [key, { alias, rows }] of actual) {
        const path = join(ctx.outputDir, `${alias}.json`);
        await writeFile(path, rows.map((r) => JSON.stringify(r) + '\n').join(''));
        actualPaths.set(key, path);
      }
    }
    const outputs: TestOutputResult[] = [];
    const named = new Set<string>();
    for (const expected of testCase.expectedOutputs) {
      const key = expected.alias.toLowerCase();
      named.add(key);
      const got = actual.get(key)?.rows ?? [];
      const actualPath = actualPaths.get(key);
      const common = {
        alias: expected.alias,
        expectedPath: expected.filePath,
        ...(actualPath ? { actualPath } : {}),
      };
      if (!expected.required) {
        outputs.push({ ...common, status: 'unrequired', expectedRows: 0, actualRows: got.length });
        continue;
      }
      let want;
      try {
        want = await readJsonRows(expected.filePath);
      } catch (error) {
        return failed((error as Error).message, deadLettered);
      }
      const comparison = compareRowMultisets(want, got);
      const status: TestOutputStatus = comparison.equal
        ? 'matched'
        : got.length === 0
          ? 'missing'
          : 'notEqual';
      outputs.push({ ...common, status, expectedRows: want.length, actualRows: got.length, comparison });
    }
    for (const [key, { alias, rows }] of actual) {
      if (named.has(key)) continue;
      const actualPath = actualPaths.get(key);
      outputs.push({
        alias,
        status: 'unexpected',
        ...(actualPath ? { actualPath } : {}),
        expectedRows: 0,
        actualRows: rows.length,
        comparison: compareRowMultisets([], rows),
      });
    }
    return {
      name: testCase.name,
      passed: outputs.every((o) => o.status === 'matched' || o.status === 'unrequired'),
      outputs,
      deadLettered,
      elapsedInMs: Date.now() - started,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A TimeSpan as .NET prints it: hh:mm:ss.fffffff. */
function timeSpan(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(h)}:${two(m)}:${two(s)}.${String(ms % 1000).padStart(3, '0')}0000`;
}

/** The run in the shape of ASA's testResultSummary.json. */
export function asaSummary(summary: TestRunSummary): unknown {
  const entries = (r: TestCaseResult, status: TestOutputStatus): unknown[] =>
    r.outputs
      .filter((o) => o.status === status)
      .map((o) => ({
        OutputAlias: o.alias,
        ExpectedOutput: o.expectedPath ?? '',
        Output: o.actualPath ?? '',
      }));
  return {
    Total: summary.total,
    Passed: summary.passed,
    Failed: summary.failed,
    Script: summary.script,
    Results: summary.results.map((r) => ({
      Name: r.name,
      Status: r.passed ? 0 : 1,
      Time: timeSpan(r.elapsedInMs),
      ...(r.error !== undefined ? { Error: r.error } : {}),
      OutputMatched: entries(r, 'matched'),
      OutputNotEqual: entries(r, 'notEqual'),
      OutputMissing: entries(r, 'missing'),
      OutputUnexpected: entries(r, 'unexpected'),
      OutputUnrequired: entries(r, 'unrequired'),
    })),
    Time: timeSpan(summary.elapsedInMs),
  };
}
