import { InvocationContext } from '@azure/functions';
import { createUserActivityWiring } from '../anomaly/userActivityWiring';
import { parseAppSettings, type AppSettings } from '../config/appSettings';
import { fileAnomalyPort } from './fileAnomalyPort';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { startEmbeddedAzurite } from '../adapters/azurite/embeddedAzurite';
import { openStorage } from '../adapters/storage/openStorage';
import { TableStateStore } from '../adapters/tables/tableStateStore';
import { compileJob } from '../engine/compileJob';
import { createFieldReader } from '../engine/fieldAccess';
import type { InputMessage } from '../engine/inputMessage';
import type { JobDefinition } from '../engine/job';
import type { EngineCounters } from '../engine/state/engineCounters';
import { StreamEngine } from '../engine/streamEngine';
import { toEpochMs } from '../engine/toEpochMs';
import { scalarToString, type EventRecord } from '../engine/values';
import { fileDeadLetterStore } from './fileDeadLetterStore';
import { fileOutputSink } from './fileOutputSink';
import { partitionOf } from './partitionOf';
import { readReplayInput } from './readReplayInput';
import { ReplayClock } from './replayClock';

export interface ReplayOptions {
  readonly inputPath: string;
  /** A JSON Lines file, or a directory for one file per output. */
  readonly outputPath: string;
  readonly outputIsDirectory: boolean;
  readonly deadLetterPath: string;
  readonly job: JobDefinition;
  /** Simulated Event Hubs partitions. Default 1. */
  readonly partitions?: number;
  /** Field whose value picks a record's partition (hashed). Default: none, every record in partition 0. */
  readonly partitionKeyField?: string;
  /** Messages per simulated trigger invocation. Default 100. */
  readonly batchSize?: number;
  /** Persistent state; without it an embedded in-memory Azurite is started and stopped. */
  readonly storageConnectionString?: string;
  readonly stateTableName?: string;
  /**
   * Where the per-user entities and fraud rules write their anomalies (JSON Lines), for a clickstream
   * input; absent means they do not run.
   */
  readonly anomaliesPath?: string;
  /** Receives a progress line now and then (the CLI prints them on stderr). */
  readonly onProgress?: (line: string) => void;
}

export interface ReplaySummary {
  readonly recordsRead: number;
  /** Counters over the job's stored state (a resumed run includes its earlier runs). */
  readonly totals: EngineCounters;
  readonly outputFiles: readonly string[];
  readonly deadLetterPath: string;
  /** Anomalies the rules found (this run), and where they are; absent when the rules did not run. */
  readonly anomalies?: { readonly count: number; readonly path: string };
  readonly elapsedInMs: number;
}

/** How often (in replay time) idle partitions' watermarks are advanced. */
const idleCheckIntervalInMs = 1000;

/** The state of a replay is keyed by everything that decides its results, so reruns resume it. */
export function replayStateName(options: ReplayOptions): string {
  const identity = JSON.stringify([
    resolve(options.inputPath),
    options.partitions ?? 1,
    options.partitionKeyField ?? null,
    options.job,
  ]);
  return `${options.job.name}~replay~${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
}

/**
 * ASA's "local run with local input", on the production code path: records are split over simulated
 * partitions, fed in file order and in batches through the same StreamEngine the Event Hubs function
 * uses, with per-partition sequence numbers; at end of input every window closes.
 */
/**
 * Settings for the replay's rules: their tables are named after the replay's state, so that two replays
 * sharing a storage account (--storage) never share entity state or sequence fences.
 */
function replayRuleSettings(connectionString: string, stateName: string, partitions: number): AppSettings {
  const suffix = createHash('sha256').update(stateName).digest('hex').slice(0, 16);
  return parseAppSettings({
    AzureWebJobsStorage: connectionString,
    EventHubConnection: 'replay',
    EVENTHUB_NAME: 'replay',
    EVENTHUB_CONSUMER_GROUP: 'replay',
    EVENTHUB_PARTITION_COUNT: String(partitions),
    CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
    CLICKPULSE_ANOMALY_TABLE: `replayanomalies${suffix}`,
    CLICKPULSE_ENTITY_TABLE: `replayentities${suffix}`,
  });
}

export async function runReplay(options: ReplayOptions): Promise<ReplaySummary> {
  const started = Date.now();
  const partitions = options.partitions ?? 1;
  const batchSize = options.batchSize ?? 100;
  if (!Number.isSafeInteger(partitions) || partitions < 1 || partitions > 1024) {
    throw new RangeError(`partitions: expected an integer in 1..1024, received ${partitions}`);
  }
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize: expected a positive integer, received ${batchSize}`);
  }
  const job = compileJob(options.job);
  const azurite = options.storageConnectionString ? undefined : await startEmbeddedAzurite();
  try {
    const connectionString = options.storageConnectionString ?? azurite!.connectionString;
    const storage = await openStorage({
      connection: { kind: 'connectionString', connectionString },
      stateTableName: options.stateTableName ?? 'clickpulsestate',
      containers: [],
    });
    const sink = await fileOutputSink({
      path: options.outputPath,
      perOutputDirectory: options.outputIsDirectory,
    });
    const clock = new ReplayClock();
    const partitionIds = Array.from({ length: partitions }, (_, i) => String(i));
    const engine = new StreamEngine({
      job,
      store: new TableStateStore({ client: storage.stateTable, jobName: replayStateName(options) }),
      sink,
      deadLetters: fileDeadLetterStore(options.deadLetterPath),
      clock,
      partitionIds,
    });
    // The per-user entities and fraud rules, as npm start runs them, when the input is the clickstream.
    const anomalies =
      options.anomaliesPath && job.input.contract === 'clickstream'
        ? fileAnomalyPort(options.anomaliesPath)
        : undefined;
    const activity = anomalies
      ? await createUserActivityWiring({
          mode: 'local',
          settings: replayRuleSettings(connectionString, replayStateName(options), partitions),
          connection: { kind: 'connectionString', connectionString },
          alerts: anomalies,
        })
      : undefined;
    const context = new InvocationContext({ functionName: 'replay', logHandler: () => undefined });
    const readEnqueued = createFieldReader(['EventEnqueuedUtcTime']);
    const readPartitionKey = options.partitionKeyField
      ? createFieldReader(options.partitionKeyField.split('.'))
      : undefined;
    const buffers: InputMessage[][] = partitionIds.map(() => []);
    const nextSeq = partitionIds.map(() => 0);
    let recordsRead = 0;
    let lastIdleCheck = Number.NEGATIVE_INFINITY;
    let lastProgress = Date.now();
    let windowRows = 0;

    const feed = async (p: number): Promise<void> => {
      const batch = buffers[p]!;
      if (batch.length === 0) return;
      buffers[p] = [];
      const summary = await engine.processBatch(String(p), batch);
      windowRows += summary.windowRowsEmitted;
      await activity?.observer.observe({ partitionId: String(p), messages: batch }, summary, context);
    };
    const feedAll = async (): Promise<void> => {
      for (let p = 0; p < partitions; p++) await feed(p);
    };

    for await (const record of readReplayInput(options.inputPath)) {
      recordsRead++;
      let parsed: EventRecord | undefined;
      try {
        const value: unknown = JSON.parse(record.body);
        if (value !== null && typeof value === 'object' && !Array.isArray(value))
          parsed = value as EventRecord;
      } catch {
        parsed = undefined;
      }
      // Arrival time: EventEnqueuedUtcTime when present, else the event time; a record without either
      // (it will be dead-lettered) arrives "now".
      let arrival = parsed ? toEpochMs(readEnqueued(parsed)) : undefined;
      if (arrival === undefined && parsed && job.input.timestampBy) {
        arrival = toEpochMs(job.input.timestampBy({ record: parsed, timestampMs: clock.now() }));
      }
      arrival ??= clock.now();
      const key = parsed && readPartitionKey ? readPartitionKey(parsed) : null;
      const p = readPartitionKey ? partitionOf(scalarToString(key), partitions) : 0;
      if (partitions > 1 && arrival - lastIdleCheck >= idleCheckIntervalInMs && arrival > clock.now()) {
        // Everything read so far is in; partitions quiet since then are idle for real.
        await feedAll();
        await engine.advanceIdlePartitions();
        lastIdleCheck = arrival;
      }
      clock.advanceTo(arrival);
      buffers[p]!.push({
        sequenceNumber: nextSeq[p]!++,
        enqueuedTimeMs: arrival,
        body: record.body,
        lineNumber: record.lineNumber,
      });
      if (buffers[p]!.length >= batchSize) await feed(p);
      if (options.onProgress && Date.now() - lastProgress >= 2000) {
        const seconds = (Date.now() - started) / 1000;
        options.onProgress(
          `${recordsRead} records, ${Math.round(recordsRead / seconds)} records/s, ${windowRows} window rows`,
        );
        lastProgress = Date.now();
      }
    }
    await feedAll();
    await engine.flush();
    const health = await engine.health();
    return {
      recordsRead,
      totals: health.totals,
      outputFiles: sink.files(),
      deadLetterPath: options.deadLetterPath,
      ...(anomalies && options.anomaliesPath
        ? { anomalies: { count: anomalies.count(), path: options.anomaliesPath } }
        : {}),
      elapsedInMs: Date.now() - started,
    };
  } finally {
    await azurite?.stop();
  }
}
