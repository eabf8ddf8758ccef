import { fanOutSink } from '../ports/outputSink';
import { compilePathPattern } from '../outputs/pathPattern';
import { rawEventArchive } from './rawEventArchive';
import { DefaultAzureCredential } from '@azure/identity';
import type { InvocationContext } from '@azure/functions';
import { blobArchiveSink } from '../adapters/blobs/blobArchiveSink';
import { blobDeadLetterStore } from '../adapters/blobs/blobDeadLetterStore';
import { isRetriable } from '../adapters/isRetriable';
import {
  openStorage,
  type OpenStorageOptions,
  type StorageConnection,
} from '../adapters/storage/openStorage';
import { systemClock } from '../adapters/systemClock';
import { TableStateStore } from '../adapters/tables/tableStateStore';
import type { AppSettings } from '../config/appSettings';
import { loadAppSettings } from '../config/loadAppSettings';
import type { CompiledJob } from '../engine/compileJob';
import { bodyBytes } from '../engine/decodeMessage';
import type { EngineCounters } from '../engine/state/engineCounters';
import { StreamEngine, type BatchSummary } from '../engine/streamEngine';
import type { Clock } from '../ports/clock';
import type { DeadLetterStore } from '../ports/deadLetterStore';
import type { OutputSink } from '../ports/outputSink';
import { DashboardBackend } from '../dashboard/dashboardBackend';
import type { DashboardFeeds } from '../dashboard/feeds';
import {
  createUserActivityWiring,
  type UserActivityAppOptions,
  type UserActivityWiring,
} from '../anomaly/userActivityWiring';
import { alertRecordFeed } from '../dashboard/alertRecordFeed';
import { createAlerting, type Alerting, type EscalationMode } from '../alerts/createAlerting';
import type { AlertLog } from '../alerts/alertService';
import { createPowerBiSink } from '../outputs/createPowerBiSink';
import type { PowerBiSinkEvent } from '../outputs/powerBiSink';
import { readEventHubBatch, type EventHubBatch } from './eventHubBatch';
import { loadJob } from './loadJob';

/** Per-partition health, as GET /api/health reports it. */
export interface PartitionHealth {
  readonly partitionId: string;
  readonly watermark: string | null;
  /** Wall clock minus watermark (ASA's Watermark Delay), in ms; null before the first event. */
  readonly watermarkDelayInMs: number | null;
  readonly lastBatch: string | null;
  /** Enqueued (arrival) time of the last applied event: now minus it is the partition's lag. */
  readonly lastEnqueued: string | null;
  readonly lastSequenceNumber: number;
  readonly counters: EngineCounters | null;
}

export interface HealthReport {
  readonly job: string;
  readonly now: string;
  readonly finalizedThrough: string | null;
  readonly partitions: readonly PartitionHealth[];
  readonly totals: EngineCounters;
}

/**
 * Sees every batch after the engine committed it (per-user entities, anomaly rules, read models).
 * It runs again when a batch is redelivered, so it must be idempotent (e.g. fence on sequence numbers).
 * Its failure fails the invocation, and the retry re-runs it; the engine skips what it applied.
 */
export interface BatchObserver {
  observe(batch: EventHubBatch, summary: BatchSummary, context: InvocationContext): Promise<void>;
}

export interface ClickPulseAppOptions {
  readonly settings: AppSettings;
  readonly job: CompiledJob;
  readonly clock?: Clock;
  /** Extra sinks beside the Blob archive (the local runtime adds its terminal summary). */
  readonly extraSinks?: readonly OutputSink[];
  /** Run after each committed batch, in order. */
  readonly batchObservers?: readonly BatchObserver[];
  /** The dashboard's anomaly and alert sources; absent ones show nothing. */
  readonly dashboardFeeds?: Partial<DashboardFeeds>;
  /** Storage SDK retry policy (tests shorten it). */
  readonly storageRetryOptions?: OpenStorageOptions['retryOptions'];
  /**
   * Per-user activity entities and the fraud and behaviour rules: who runs the entities ('durable' under
   * the Functions host, 'local' for npm start and tests) and where alerts go. Absent: neither.
   */
  readonly userActivity?: UserActivityAppOptions;
  /**
   * Alerting: who runs escalations ('durable' under the Functions host, the default; 'inProcess' for
   * npm start and tests), terminal lines for outbox messages, and the alert log.
   */
  readonly alerting?: {
    readonly escalation?: EscalationMode;
    readonly write?: (line: string) => void;
    readonly log?: AlertLog;
  };
  /** Told about Power BI pushes, drops and failures (default: failures and drops as warnings). */
  readonly onPowerBiEvent?: (event: PowerBiSinkEvent) => void;
}

/** The default alert log: failures as warnings (the Functions host collects them). */
const warnAlertFailures: AlertLog = (event, data) => {
  if (/failed|Failed/.test(event)) console.warn(JSON.stringify({ event, ...data }));
};

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/** The app's composition root: settings, storage, engine; the functions' handlers call into it. */
export class ClickPulseApp {
  private constructor(
    readonly settings: AppSettings,
    readonly job: CompiledJob,
    readonly engine: StreamEngine,
    private readonly deadLetters: DeadLetterStore,
    private readonly clock: Clock,
    private readonly batchObservers: readonly BatchObserver[],
    /** The dashboard's read models (written by the pipeline) and the data endpoint's read. */
    readonly dashboard: DashboardBackend,
    /** User activity entities, anomaly store and rules; undefined when not enabled. */
    readonly userActivity: UserActivityWiring | undefined,
    /** The alert service (AlertPort, read model, acknowledgement, digests, escalations) and its store. */
    readonly alerting: Alerting,
  ) {}

  static async create(options: ClickPulseAppOptions): Promise<ClickPulseApp> {
    const { settings } = options;
    const s = settings.storage;
    const connection: StorageConnection =
      s.kind === 'connectionString'
        ? { kind: 'connectionString', connectionString: s.connectionString }
        : {
            kind: 'identity',
            tableServiceUri: s.tableServiceUri,
            blobServiceUri: s.blobServiceUri,
            credential: new DefaultAzureCredential(s.clientId ? { managedIdentityClientId: s.clientId } : {}),
          };
    const storage = await openStorage({
      connection,
      stateTableName: settings.stateTableName,
      containers: [settings.archiveContainer, settings.deadLetterContainer],
      ...(options.storageRetryOptions ? { retryOptions: options.storageRetryOptions } : {}),
    });
    const clock = options.clock ?? systemClock;
    const pathPattern = settings.archive.pathPattern
      ? compilePathPattern(settings.archive.pathPattern)
      : undefined;
    const archiveOptions = {
      container: storage.container(settings.archiveContainer),
      gzip: settings.archive.gzip,
      ...(pathPattern ? { pathPattern } : {}),
    };
    const archive = blobArchiveSink(archiveOptions);
    const rawArchive = settings.archive.rawEvents
      ? [rawEventArchive({ ...archiveOptions, input: options.job.input })]
      : [];
    const alerting = await createAlerting({
      settings: settings.alerts,
      connection,
      outbox: storage.container(settings.alerts.outboxContainer),
      clock,
      escalation: options.alerting?.escalation ?? 'durable',
      log: options.alerting?.log ?? warnAlertFailures,
      ...(options.alerting?.write ? { write: options.alerting.write } : {}),
      ...(options.storageRetryOptions ? { retryOptions: options.storageRetryOptions } : {}),
    });
    const powerBi = settings.powerBi
      ? createPowerBiSink({
          settings: settings.powerBi,
          outputs: options.job.outputs,
          onEvent:
            options.onPowerBiEvent ??
            ((e) => {
              if (e.kind !== 'pushed') console.warn(JSON.stringify({ event: `powerbi.${e.kind}`, ...e }));
            }),
        })
      : undefined;
    const userActivity = options.userActivity
      ? await createUserActivityWiring({
          ...options.userActivity,
          alerts: options.userActivity.alerts ?? alerting.service,
          settings,
          connection,
          ...(options.storageRetryOptions ? { retryOptions: options.storageRetryOptions } : {}),
        })
      : undefined;
    const dashboard = new DashboardBackend({
      client: storage.stateTable,
      jobName: options.job.definition.name,
      outputs: options.job.outputs,
      feeds: {
        alerts: alertRecordFeed(alerting.service, (key) => alerting.service.acknowledge(key)),
        ...(userActivity ? { anomalies: userActivity.anomalies } : {}),
        ...options.dashboardFeeds,
      },
    });
    const sinks = [
      archive,
      dashboard.latestRows,
      ...(powerBi ? [powerBi] : []),
      ...(options.extraSinks ?? []),
    ];
    const deadLetters = blobDeadLetterStore({ container: storage.container(settings.deadLetterContainer) });
    const engine = new StreamEngine({
      job: options.job,
      store: new TableStateStore({ client: storage.stateTable, jobName: options.job.definition.name }),
      sink: fanOutSink(sinks),
      deadLetters,
      clock,
      partitionIds: settings.eventHub.partitionIds,
      idleThresholdInMs: settings.idleThresholdInMs,
    });
    return new ClickPulseApp(
      settings,
      options.job,
      engine,
      deadLetters,
      clock,
      [
        ...rawArchive,
        ...(options.batchObservers ?? []),
        ...(userActivity ? [userActivity.observer] : []),
        dashboard,
      ],
      dashboard,
      userActivity,
      alerting,
    );
  }

  /**
   * Handles one Event Hubs trigger invocation. Bad events never fail it (they are dead-lettered).
   * Infrastructure failures do, so that the retry policy redelivers the batch; on the last retry the
   * batch is parked in the dead-letter store first, because the host checkpoints past a failed batch.
   */
  async ingest(bodies: readonly unknown[], context: InvocationContext): Promise<BatchSummary> {
    const batch = readEventHubBatch(bodies, context.triggerMetadata);
    const started = this.clock.now();
    try {
      const summary = await this.engine.processBatch(batch.partitionId, batch.messages);
      for (const observer of this.batchObservers) await observer.observe(batch, summary, context);
      const now = this.clock.now();
      context.log('clickpulse.batch', {
        ...summary,
        watermarkDelayInMs: summary.watermarkMs === null ? null : now - summary.watermarkMs,
        durationInMs: now - started,
      });
      return summary;
    } catch (error) {
      const retry = context.retryContext;
      const lastAttempt = !retry || (retry.maxRetryCount >= 0 && retry.retryCount >= retry.maxRetryCount);
      context.error('clickpulse.batchFailed', {
        partitionId: batch.partitionId,
        firstSequenceNumber: batch.messages[0]?.sequenceNumber,
        lastSequenceNumber: batch.messages.at(-1)?.sequenceNumber,
        retriable: isRetriable(error),
        retryCount: retry?.retryCount,
        lastAttempt,
        error: error instanceof Error ? error.message : String(error),
      });
      if (lastAttempt) {
        const parked = batch.messages.map((m) => ({
          partitionId: batch.partitionId,
          sequenceNumber: m.sequenceNumber,
          enqueuedTimeMs: m.enqueuedTimeMs,
          reason: 'batchFailed' as const,
          detail: `batch failed on its last attempt: ${error instanceof Error ? error.message : String(error)}`,
          body: bodyBytes(m.body),
        }));
        try {
          await this.deadLetters.write(parked);
        } catch (parkError) {
          // Storage is down too: the log is the last place the batch can survive the checkpoint.
          context.error('clickpulse.batchLost', {
            partitionId: batch.partitionId,
            error: parkError instanceof Error ? parkError.message : String(parkError),
            messages: parked.map((p) => ({
              sequenceNumber: p.sequenceNumber,
              enqueuedTime: new Date(p.enqueuedTimeMs).toISOString(),
              bodyBase64: Buffer.from(p.body).toString('base64'),
            })),
          });
        }
      }
      throw error;
    }
  }

  /** The timer: advances idle partitions' watermarks and emits the windows that closed. */
  async closeWindows(context: InvocationContext): Promise<number> {
    const rows = await this.engine.advanceIdlePartitions();
    context.log('clickpulse.closeWindows', { windowRowsEmitted: rows });
    await this.dashboard.afterTick(
      () => this.health(),
      (message, data) => context.warn(message, data),
    );
    try {
      // Digests of minutes that have ended (the alertDispatch timer does it too; both claim each digest).
      await this.alerting.service.flushDigests();
    } catch (error) {
      context.warn('clickpulse.alertDigestFailed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return rows;
  }

  async health(): Promise<HealthReport> {
    const h = await this.engine.health();
    const now = this.clock.now();
    return {
      job: this.job.definition.name,
      now: new Date(now).toISOString(),
      finalizedThrough: iso(h.finalizedThroughMs),
      partitions: h.partitions.map(({ partitionId, progress }) => ({
        partitionId,
        watermark: iso(progress?.watermarkMs),
        watermarkDelayInMs: progress?.watermarkMs == null ? null : now - progress.watermarkMs,
        lastBatch: iso(progress?.clockAtLastArrivalMs),
        lastEnqueued: iso(progress?.lastArrivalMs),
        lastSequenceNumber: progress?.lastSeq ?? -1,
        counters: progress?.counters ?? null,
      })),
      totals: h.totals,
    };
  }
}

let shared: Promise<ClickPulseApp> | undefined;

/** The process-wide app, created on first use from the app settings. A failed start is retried next call. */
export function getClickPulseApp(): Promise<ClickPulseApp> {
  shared ??= (async () => {
    const settings = loadAppSettings();
    return ClickPulseApp.create({
      settings,
      job: await loadJob(settings.jobFile),
      userActivity: { mode: 'durable' },
    });
  })();
  shared.catch(() => {
    shared = undefined;
  });
  return shared;
}

/** Replaces the process-wide app (the local runtime and tests wire their own). */
export function setClickPulseApp(app: Promise<ClickPulseApp> | undefined): void {
  shared = app;
}
