import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClickstreamSimulator } from '../clickstream/simulator';
import { defaultJob, type JobDefinition } from '../engine/job';
import { ReplayInputError } from '../replay/readReplayInput';
import { runReplay } from '../replay/runReplay';
import { formatReplaySummary } from './formatReplaySummary';
import { parseReplayArgs, replayUsage, UsageError } from './parseReplayArgs';

const usage = `Usage: clickpulse <command> [options]

Commands:
  replay   run a job over a local file (clickpulse replay --help)
  start    simulate a minute of clickstream traffic and run the seed job over it on embedded Azurite
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

async function replayCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(replayUsage);
    return 0;
  }
  const args = parseReplayArgs(argv);
  const base = await loadJob(args.jobFile);
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
  const summary = await runReplay({
    inputPath: args.input,
    outputPath: args.output,
    outputIsDirectory,
    deadLetterPath,
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

/** `npm start` until the Functions app lands: simulated traffic through the seed job, end to end. */
async function startCommand(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'clickpulse-'));
  const input = join(dir, 'clickstream.jsonl');
  const simulator = createClickstreamSimulator({
    seed: 1,
    users: 200,
    products: 50,
    startTimeInMs: Date.UTC(2026, 11, 1, 9, 0, 0),
    eventsPerSecond: 100,
    outOfOrderFractionOfEvents: 0.02,
    maxOutOfOrderDelayInMs: 3000,
    malformedFraction: 0.002,
  });
  const lines = simulator.take(6000).map((m) => {
    // The simulator's enqueued time becomes the replay's arrival time.
    const body = JSON.parse(m.body) as unknown;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      return JSON.stringify({ ...body, EventEnqueuedUtcTime: new Date(m.enqueuedTimeInMs).toISOString() });
    }
    return m.body;
  });
  await writeFile(input, lines.join('\n') + '\n');
  const output = join(dir, 'results.jsonl');
  process.stdout.write(
    `Simulated ${lines.length} clickstream events into ${input}\nRunning the seed job on embedded Azurite...\n`,
  );
  const summary = await runReplay({
    inputPath: input,
    outputPath: output,
    outputIsDirectory: false,
    deadLetterPath: join(dir, 'deadletters.jsonl'),
    job: defaultJob,
    partitions: 4,
    partitionKeyField: 'userId',
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatReplaySummary(summary) + '\n');
  const rows = (await readFile(output, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  process.stdout.write(`\nFirst rows of ${output}:\n${rows.slice(0, 5).join('\n')}\n`);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'replay':
        return await replayCommand(rest);
      case 'start':
        return await startCommand();
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
      process.stderr.write(`clickpulse ${command ?? ''}: ${error.message}\n\n${replayUsage}`);
      return 2;
    }
    if (error instanceof ReplayInputError || error instanceof RangeError) {
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
