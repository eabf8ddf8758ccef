import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { compileQueryFile, QueryLoadError } from '../asaql/compileQueryFile';
import { defaultEventOrderingPolicy } from '../engine/eventOrderingPolicy';
import { defaultJob, type JobDefinition } from '../engine/job';
import { JobConfigError, readJobConfig } from '../replay/readJobConfig';
import { ReplayInputError } from '../replay/readReplayInput';
import { runReplay } from '../replay/runReplay';
import { detectCommand } from './detectCommand';
import { formatReplaySummary } from './formatReplaySummary';
import { parseIncidentFlag } from './parseIncidentFlag';
import { parseReplayArgs, replayUsage, UsageError, type ReplayArgs } from './parseReplayArgs';
import { simulateCommand } from './simulateCommand';
import { testCommand, testUsage } from './testCommand';

const usage = `Usage: clickpulse <command> [options]

Commands:
  replay   run a job or an ASA query over local files (clickpulse replay --help)
  test     run ASA CI/CD test cases (testConfig.json) on the engine (clickpulse test --help)
  simulate simulated clickstream with labelled incidents to a file, stdout or an event hub (clickpulse simulate --help)
  detect   score a timestamp,value CSV with an anomaly detector (clickpulse detect --help)
  start    run the whole pipeline locally: embedded Azurite, simulated traffic, the Functions handlers
           [--partitions 4] [--rate 200] [--duration SECONDS] [--seed 1] [--users 2000] [--products 200] [--dashboard-port 7071]
           [--incident KIND[:KEY]@START_SECONDS[+DURATION_SECONDS] ...]
`;

async function isDirectoryTarget(path: string): Promise<boolean> {
  if (path.endsWith('/') || path.endsWith('\\')) return true;
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function loadJob(path: string | undefined): Promise<JobDefinition> {
  if (!path) return defaultJob;
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--job: cannot read ${path} (${error.code ?? error.message})`);
  });
  try {
    return JSON.parse(text) as JobDefinition;
  } catch (error) {
    throw new UsageError(`--job: ${path} is not valid JSON (${(error as Error).message})`);
  }
}

/** The file of the input the job reads: the one --input, or the --input ALIAS=FILE naming it. */
function inputPathFor(args: ReplayArgs, inputName: string | undefined): string {
  const [only] = args.inputs;
  if (args.inputs.length === 1 && only!.alias === undefined) return only!.path;
  const match = args.inputs.find(
    (i) => inputName !== undefined && i.alias?.toLowerCase() === inputName.toLowerCase(),
  );
  if (!match) {
    throw new UsageError(
      `--input: expected a file for input ${inputName ?? '(none)'} (--input ${inputName ?? 'ALIAS'}=FILE), received ` +
        args.inputs.map((i) => i.alias ?? i.path).join(', '),
    );
  }
  return match.path;
}

async function replayCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(replayUsage);
    return 0;
  }
  const args = parseReplayArgs(argv);
  const configured = args.jobConfigFile ? await readJobConfig(args.jobConfigFile) : undefined;
  let base: JobDefinition;
  if (args.queryFile) {
    const declared = args.inputs.every((i) => i.alias !== undefined);
    base = await compileQueryFile(args.queryFile, {
      ...(declared
        ? {
            inputs: [
              ...args.inputs.map((i) => ({ name: i.alias!, kind: 'stream' as const })),
              ...args.references.map((r) => ({ name: r.alias, kind: 'reference' as const })),
            ],
          }
        : {}),
      eventOrdering: configured ?? defaultEventOrderingPolicy,
      ...(args.contract ? { contract: args.contract } : {}),
    });
  } else {
    base = await loadJob(args.jobFile);
    if (configured) base = { ...base, eventOrdering: configured };
    const contract = args.contract;
    if (contract) base = { ...base, inputs: base.inputs.map((i) => ({ ...i, contract })) };
  }
  const inputPath = inputPathFor(args, base.inputs[0]?.name);
  const job: JobDefinition = {
    ...base,
    eventOrdering: {
      lateArrivalToleranceInSeconds:
        args.lateToleranceInSeconds ?? base.eventOrdering.lateArrivalToleranceInSeconds,
      outOfOrderToleranceInSeconds:
        args.outOfOrderToleranceInSeconds ?? base.eventOrdering.outOfOrderToleranceInSeconds,
      action: args.orderPolicy ?? base.eventOrdering.action,
    },
  };
  const outputIsDirectory = await isDirectoryTarget(args.output);
  const deadLetterPath =
    args.deadLetter ??
    (outputIsDirectory
      ? join(args.output, '_deadletters.jsonl')
      : `${args.output.replace(/\.jsonl?$/i, '')}.deadletters.jsonl`);
  // For a clickstream input, the per-user entities and fraud rules run too, as under npm start.
  const anomaliesPath = outputIsDirectory
    ? join(args.output, '_anomalies.jsonl')
    : `${args.output.replace(/\.jsonl?$/i, '')}.anomalies.jsonl`;
  const summary = await runReplay({
    inputPath,
    outputPath: args.output,
    outputIsDirectory,
    deadLetterPath,
    anomaliesPath,
    job,
    partitions: args.partitions,
    ...(args.partitionKey === undefined ? {} : { partitionKeyField: args.partitionKey }),
    batchSize: args.batchSize,
    ...(args.storage === undefined ? {} : { storageConnectionString: args.storage }),
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatReplaySummary(summary) + '\n');
  return 0;
}

/** `npm start`: the whole pipeline in one process on an embedded default (Azurite + simulator). */
async function startCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      partitions: { type: 'string', default: '4' },
      rate: { type: 'string', default: '200' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
      users: { type: 'string', default: '2000' },
      products: { type: 'string', default: '200' },
      'dashboard-port': { type: 'string' },
      incident: { type: 'string', multiple: true },
    },
  });
  const problems: string[] = [];
  const int = (name: string, raw: string | undefined, min: number, max: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`--${name}: expected an integer in ${min}..${max}, received ${JSON.stringify(raw)}`);
    }
    return n;
  };
  const partitions = int('partitions', values.partitions, 1, 32)!;
  const rate = int('rate', values.rate, 1, 100_000)!;
  const duration = int('duration', values.duration, 1, 31 * 24 * 3600);
  const seed = int('seed', values.seed, 0, Number.MAX_SAFE_INTEGER)!;
  const users = int('users', values.users, 1, 10_000_000)!;
  const products = int('products', values.products, 1, 1_000_000)!;
  const dashboardPort = int('dashboard-port', values['dashboard-port'], 0, 65535);
  const incidents = (values.incident ?? []).map(parseIncidentFlag);
  for (const i of incidents) if (typeof i === 'string') problems.push(i);
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  // Loaded here, not at the top: it registers the Functions handlers, which other commands don't need.
  // Outside the Functions host, @azure/functions warns that it skips registrations; that is expected
  // here (the local runtime calls the handlers itself), so those lines are not shown.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && /^WARNING: .*(test mode|Azure Functions runtime)/.test(args[0]))
      return;
    warn(...args);
  };
  const { LocalRuntime } = await import('../local/localRuntime.js').finally(() => {
    console.warn = warn;
  });
  const runtime = new LocalRuntime({
    partitions,
    eventsPerSecond: rate,
    seed,
    users,
    products,
    durationInMs: duration === undefined ? undefined : duration * 1000,
    ...(dashboardPort === undefined ? {} : { dashboardPort }),
    incidents: incidents.filter((i): i is Exclude<typeof i, string> => typeof i !== 'string'),
    env: process.env,
    write: (line) => process.stdout.write(`${line}\n`),
  });
  const stop = (): void => {
    process.stdout.write('Stopping: finishing in-flight batches...\n');
    runtime.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const result = await runtime.run();
  process.stdout.write(
    `Stopped: ${result.eventsSent} events sent, ${result.windowsEmitted} windows (${result.rowsEmitted} rows) emitted, ` +
      `${result.deadLettered} dead-lettered.\n`,
  );
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'replay':
        return await replayCommand(rest);
      case 'test':
        return await testCommand(rest, {
          out: (text) => process.stdout.write(text),
          err: (text) => process.stderr.write(text),
        });
      case 'start':
        return await startCommand(rest);
      case 'simulate':
        return await simulateCommand(rest);
      case 'detect':
        return await detectCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(usage);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`clickpulse: unknown command ${JSON.stringify(command)}\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(
        `clickpulse ${command ?? ''}: ${error.message}\n\n${command === 'test' ? testUsage : replayUsage}`,
      );
      return 2;
    }
    if (
      error instanceof ReplayInputError ||
      error instanceof RangeError ||
      error instanceof QueryLoadError ||
      error instanceof JobConfigError
    ) {
      process.stderr.write(`clickpulse ${command ?? ''}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
