import { open } from 'node:fs/promises';
import type { EventBatchProducer } from '../adapters/eventhubs/eventBatchProducer';
import {
  createEventHubsProducer,
  type EventHubsConnection,
} from '../adapters/eventhubs/createEventHubsProducer';
import { PartitionKeyBatcher } from '../adapters/eventhubs/partitionKeyBatcher';
import { createDefaultIncidentSchedule } from '../clickstream/createDefaultIncidentSchedule';
import { advanceAlongDiurnalRateCurve, DEFAULT_DIURNAL_RATE_CURVE } from '../clickstream/diurnalRateCurve';
import type { IncidentLabel, IncidentSchedule } from '../clickstream/incidentSchedule';
import { createClickstreamSimulator, type SimulatedMessage } from '../clickstream/simulator';
import { pacingDelayInMs } from './pacingDelayInMs';
import {
  parseSimulateArgs,
  simulateUsage,
  type SimulateArgs,
  type SimulateTarget,
} from './parseSimulateArgs';
import { UsageError } from './parseReplayArgs';
import { replayLineOf } from './replayLineOf';

/** What the simulate command does I/O with; tests replace any of it. */
export interface SimulateCommandDependencies {
  /** Writes to standard output: the events when stdout is the target, else the summary. */
  readonly stdout?: (text: string) => Promise<void>;
  /** Writes to standard error: progress lines, usage errors, and the summary when stdout holds events. */
  readonly stderr?: (text: string) => void;
  /** The wall clock, in ms since the epoch. */
  readonly now?: () => number;
  /** Waits `ms` milliseconds (pacing with --realtime). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Opens the event hub target; default: `createEventHubsProducer` (AMQP). */
  readonly createProducer?: (connection: EventHubsConnection) => EventBatchProducer;
}

/** Start of the simulated time for file and stdout targets without --start: fixed, so runs are reproducible. */
export const DEFAULT_SIMULATION_START = '2026-01-01T00:00:00.000Z';
/** Events per second of each bot (the simulator's default). */
const BOT_CLICKS_PER_SECOND = 0.5;
/** Factor on the estimated span of an event hub backfill (no --start, no --realtime). */
const BACKFILL_SPAN_MARGIN = 1.05;
/** Lines written to a file or stdout at once. */
const LINES_PER_WRITE = 1000;
/** Wall-clock interval of progress lines, in ms. */
const PROGRESS_INTERVAL_IN_MS = 2000;
/** With --realtime, buffered events wait at most about this long (wall clock, ms) before being sent. */
const REALTIME_MAX_LATENCY_IN_MS = 200;

/** Where messages go: a file, stdout or an event hub. */
interface MessageSink {
  /** Says where the events went, for the summary. */
  readonly description: () => string;
  /** Messages written but not yet handed over. */
  readonly pending: () => number;
  /** True once the reader went away (stdout closed); the run stops early. */
  readonly closed: () => boolean;
  write(message: SimulatedMessage): Promise<void>;
  flush(): Promise<void>;
  /** Releases the file or connection; safe after a failure. */
  close(): Promise<void>;
}

let stdoutErrorsHandled = false;
const writeProcessStdout = (text: string): Promise<void> => {
  if (!stdoutErrorsHandled) {
    // A write error (EPIPE when the reader exits) also reaches the write callback below; without a listener
    // the stream's 'error' event would crash the process.
    process.stdout.on('error', () => undefined);
    stdoutErrorsHandled = true;
  }
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => (error ? reject(error) : resolve()));
  });
};

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `clickpulse simulate`: simulated clickstream traffic into a JSON Lines file (for `clickpulse replay`), onto
 * stdout, or into an event hub (partition key = userId, in `EventDataBatch`es), with ground-truth labels of
 * the injected incidents. See {@link simulateUsage} for the flags.
 *
 * @returns The exit code: 0 on success, 2 on a usage error, 1 when the output file cannot be written or
 * sending to the event hub fails.
 */
export async function simulateCommand(
  argv: readonly string[],
  dependencies: SimulateCommandDependencies = {},
): Promise<number> {
  const stdout = dependencies.stdout ?? writeProcessStdout;
  const stderr = dependencies.stderr ?? ((text: string) => void process.stderr.write(text));
  const now = dependencies.now ?? Date.now;
  const sleep = dependencies.sleep ?? realSleep;

  let args: SimulateArgs;
  try {
    args = parseSimulateArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      stderr(`clickpulse simulate: ${error.message}\n\n${simulateUsage}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    await stdout(simulateUsage);
    return 0;
  }

  const wallStartInMs = now();
  const target = args.target;
  const toEventHub = target.kind === 'namespace' || target.kind === 'connectionString';
  const curve = args.diurnal ? DEFAULT_DIURNAL_RATE_CURVE : undefined;
  const botRate = args.bots * BOT_CLICKS_PER_SECOND;
  // Without a curve the span of a run of N events is about N / (rate + bot rate).
  const flatSpanInMs =
    args.durationInSeconds !== undefined
      ? args.durationInSeconds * 1000
      : ((args.events ?? 0) * 1000) / (args.rate + botRate);
  const estimateSpanInMs = (fromMs: number): number =>
    args.durationInSeconds !== undefined || curve === undefined
      ? flatSpanInMs
      : // The human share of the events takes flatSpanInMs of work at multiplier 1.
        advanceAlongDiurnalRateCurve(curve, fromMs, flatSpanInMs) - fromMs;
  let startGuessInMs: number;
  if (args.startTimeInMs !== undefined) {
    startGuessInMs = args.startTimeInMs;
  } else if (args.realtime) {
    startGuessInMs = wallStartInMs;
  } else if (toEventHub) {
    // A backfill that ends a little before now, so that Poisson noise leaves no event in the future.
    startGuessInMs = wallStartInMs - flatSpanInMs * BACKFILL_SPAN_MARGIN;
    for (let round = 0; round < 3 && curve !== undefined; round++) {
      startGuessInMs = wallStartInMs - estimateSpanInMs(startGuessInMs) * BACKFILL_SPAN_MARGIN;
    }
  } else {
    startGuessInMs = Date.parse(DEFAULT_SIMULATION_START);
  }
  const startTimeInMs = Math.max(0, Math.floor(startGuessInMs));
  const endTimeInMs =
    args.durationInSeconds === undefined ? undefined : startTimeInMs + args.durationInSeconds * 1000;
  const spanInMs = estimateSpanInMs(startTimeInMs);
  const incidents: IncidentSchedule =
    args.incidents === 'none'
      ? []
      : createDefaultIncidentSchedule({
          seed: args.seed,
          startMs: startTimeInMs,
          durationMs: Math.max(1, Math.round(spanInMs)),
          users: args.users,
          products: args.products,
          ...(args.incidents === 'default' ? {} : { kinds: args.incidents }),
        });
  const simulator = createClickstreamSimulator({
    seed: args.seed,
    users: args.users,
    products: args.products,
    startTimeInMs,
    eventsPerSecond: args.rate,
    bots: args.bots,
    botClicksPerSecond: BOT_CLICKS_PER_SECOND,
    incidents,
    malformedFraction: args.malformed,
    ...(curve === undefined ? {} : { diurnalRateCurve: curve }),
  });
  const labelsPath =
    args.labels ??
    (target.kind === 'file' ? `${target.path.replace(/\.jsonl?$/i, '')}.labels.jsonl` : undefined);
  // With events on stdout, everything else goes to stderr.
  const report = target.kind === 'stdout' ? (text: string) => Promise.resolve(stderr(text)) : stdout;

  let sink: MessageSink;
  try {
    sink = await openSink(target, stdout, dependencies.createProducer ?? createEventHubsProducer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (target.kind === 'file' && code !== undefined) {
      stderr(`clickpulse simulate: ${target.path}: cannot be written (${code})\n`);
      return 1;
    }
    throw error;
  }

  const counts = new Map<string, number>();
  let produced = 0;
  let malformed = 0;
  let lastTimeInMs: number | undefined;
  let lastProgressInMs = wallStartInMs;
  let lastFlushInMs = wallStartInMs;
  try {
    while (args.events === undefined || produced < args.events) {
      const message = simulator.next();
      if (endTimeInMs !== undefined && simulator.currentTimeInMs >= endTimeInMs) {
        break;
      }
      if (args.realtime) {
        const delay = pacingDelayInMs({
          simulatedStartInMs: startTimeInMs,
          wallStartInMs,
          simulatedTimeInMs: message.enqueuedTimeInMs,
          wallNowInMs: now(),
        });
        if (sink.pending() > 0 && (delay >= 20 || now() - lastFlushInMs >= REALTIME_MAX_LATENCY_IN_MS)) {
          await sink.flush();
          lastFlushInMs = now();
        }
        if (delay > 0) {
          await sleep(delay);
        }
      }
      await sink.write(message);
      if (sink.closed()) {
        break;
      }
      produced++;
      lastTimeInMs = simulator.currentTimeInMs;
      const origin = message.origin ?? 'humans';
      counts.set(origin, (counts.get(origin) ?? 0) + 1);
      if (message.malformation !== undefined) {
        malformed++;
      }
      if (now() - lastProgressInMs >= PROGRESS_INTERVAL_IN_MS) {
        const seconds = Math.max(0.001, (now() - wallStartInMs) / 1000);
        stderr(
          `simulate: ${produced} events (${Math.round(produced / seconds)}/s), simulated time ` +
            `${new Date(simulator.currentTimeInMs).toISOString()}, ${sink.description()}\n`,
        );
        lastProgressInMs = now();
      }
    }
    await sink.flush();
  } catch (error) {
    if (!toEventHub || !(error instanceof Error) || error instanceof RangeError) throw error;
    // Network, authorization or quota trouble (after the SDK's own retries): one line, not a stack trace.
    stderr(`clickpulse simulate: ${sink.description()}; sending failed: ${error.message}\n`);
    return 1;
  } finally {
    await sink.close();
  }

  // Labels cover what was simulated: incidents not reached are left out, running ones end with the run.
  const spanEndInMs =
    endTimeInMs ?? (lastTimeInMs === undefined ? startTimeInMs : Math.floor(lastTimeInMs) + 1);
  const labels = clipLabels(simulator.labels(), spanEndInMs);
  if (labelsPath !== undefined) {
    const handle = await open(labelsPath, 'w');
    try {
      await handle.writeFile(labels.map((label) => JSON.stringify(label) + '\n').join(''));
    } finally {
      await handle.close();
    }
  }

  const origins = [...counts].map(([origin, count]) => `${origin} ${count}`).join(', ');
  const lines = [
    `events:            ${produced}${produced > 0 ? ` (${origins}; malformed ${malformed})` : ''}`,
    `simulated time:    ${new Date(startTimeInMs).toISOString()} to ${new Date(spanEndInMs).toISOString()}`,
    `incidents:         ${labels.length} labelled${labelsPath === undefined ? '' : ` -> ${labelsPath}`}`,
    ...(labelsPath === undefined ? labels.map((label) => `  ${JSON.stringify(label)}`) : []),
    `output:            ${sink.description()}`,
    `elapsed:           ${((now() - wallStartInMs) / 1000).toFixed(1)} s`,
  ];
  await report(lines.join('\n') + '\n');
  return 0;
}

/** Drops labels that start at or after `spanEndInMs` and ends the others there at the latest. */
function clipLabels(labels: readonly IncidentLabel[], spanEndInMs: number): IncidentLabel[] {
  const spanEnd = new Date(spanEndInMs).toISOString();
  return labels
    .filter((label) => Date.parse(label.start) < spanEndInMs)
    .map((label) => (Date.parse(label.end) > spanEndInMs ? { ...label, end: spanEnd } : label));
}

async function openSink(
  target: SimulateTarget,
  stdout: (text: string) => Promise<void>,
  createProducer: (connection: EventHubsConnection) => EventBatchProducer,
): Promise<MessageSink> {
  switch (target.kind) {
    case 'file': {
      const handle = await open(target.path, 'w');
      return lineSink(
        (text) => handle.write(text).then(() => undefined),
        () => handle.close(),
        () => target.path,
      );
    }
    case 'stdout': {
      let closed = false;
      const sink = lineSink(
        (text) =>
          stdout(text).catch((error: NodeJS.ErrnoException) => {
            // The reader went away (e.g. `| head`): stop without an error.
            if (error.code !== 'EPIPE') throw error;
            closed = true;
          }),
        () => Promise.resolve(),
        () => 'stdout',
      );
      return { ...sink, closed: () => closed };
    }
    case 'namespace':
    case 'connectionString': {
      const connection: EventHubsConnection =
        target.kind === 'namespace'
          ? {
              kind: 'namespace',
              fullyQualifiedNamespace: target.fullyQualifiedNamespace,
              eventHubName: target.eventHubName,
            }
          : target.eventHubName === undefined
            ? { kind: 'connectionString', connectionString: target.connectionString }
            : {
                kind: 'connectionString',
                connectionString: target.connectionString,
                eventHubName: target.eventHubName,
              };
      const producer = createProducer(connection);
      const batcher = new PartitionKeyBatcher(producer);
      const name =
        target.kind === 'namespace'
          ? `${target.eventHubName} on ${target.fullyQualifiedNamespace}`
          : (target.eventHubName ?? /EntityPath\s*=\s*([^;\s]+)/i.exec(target.connectionString)?.[1] ?? '?');
      return {
        description: () =>
          `event hub ${name}: ${batcher.sentCount} events sent in ${batcher.sentBatchCount} batches`,
        pending: () => batcher.bufferedCount,
        closed: () => false,
        write: (message) =>
          batcher.add(message.partitionKey, {
            body: Buffer.from(message.body, 'utf8'),
            contentType: 'application/json',
          }),
        flush: () => batcher.flush(),
        close: () => producer.close(),
      };
    }
  }
}

/** A sink of JSON Lines for `clickpulse replay`, written in chunks. */
function lineSink(
  write: (text: string) => Promise<void>,
  close: () => Promise<void>,
  description: () => string,
): MessageSink {
  let lines: string[] = [];
  const flush = async (): Promise<void> => {
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    lines = [];
    await write(text);
  };
  return {
    description,
    pending: () => lines.length,
    closed: () => false,
    async write(message) {
      lines.push(replayLineOf(message));
      if (lines.length >= LINES_PER_WRITE) await flush();
    },
    flush,
    close,
  };
}
