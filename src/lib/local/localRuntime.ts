import { InvocationContext, type Timer } from '@azure/functions';
import { closeWindowsHandler } from '../../functions/closeWindows';
import { ingestClickEventsHandler } from '../../functions/ingestClickEvents';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../adapters/azurite/embeddedAzurite';
import { ClickPulseApp, setClickPulseApp } from '../app/clickPulseApp';
import { loadJob } from '../app/loadJob';
import { parseAppSettings } from '../config/appSettings';
import type { IncidentKind } from '../clickstream/incidentSchedule';
import { createClickstreamSimulator, type SimulatedMessage } from '../clickstream/simulator';
import { partitionOf } from '../replay/partitionOf';
import type { DashboardFeeds } from '../dashboard/feeds';
import { startLocalHttpServer, type LocalHttpServer } from '../dashboard/localHttpServer';
import { dashboardPath, localRoutes } from '../dashboard/localRoutes';
import { WindowSummarySink } from './windowSummarySink';

export interface LocalRuntimeOptions {
  readonly partitions: number;
  readonly eventsPerSecond: number;
  readonly seed: number;
  readonly users: number;
  readonly products: number;
  /** Stop after this long; undefined runs until stop() (Ctrl-C). */
  readonly durationInMs: number | undefined;
  /** The process environment (settings); AzureWebJobsStorage absent means an embedded Azurite. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly write: (line: string) => void;
  /** Terminal summary period. Default 5000. */
  readonly summaryIntervalInMs?: number;
  /**
   * Port of the local HTTP server (dashboard, its data, health) on 127.0.0.1; when taken, any free
   * port. Default: CLICKPULSE_DASHBOARD_PORT, else 7071. 0 means any free port.
   */
  readonly dashboardPort?: number;
  /** The dashboard's anomaly and alert sources (tests seed alerts here). */
  readonly dashboardFeeds?: Partial<DashboardFeeds>;
  /** Incidents to inject, with start times relative to the runtime's start (ms). */
  readonly incidents?: readonly LocalIncident[];
}

/** An incident for the simulator, timed from the start of the run. */
export interface LocalIncident {
  readonly kind: IncidentKind;
  readonly key?: string;
  readonly startAfterInMs: number;
  readonly durationInMs: number;
}

export interface LocalRuntimeResult {
  readonly eventsSent: number;
  readonly windowsEmitted: number;
  readonly rowsEmitted: number;
  readonly deadLettered: number;
}

const maxBatchSize = 256;
const tickInMs = 100;
const timerPeriodInMs = 5000;
const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: '', next: '', lastUpdated: '' },
};

/**
 * The whole pipeline in one process, as the Functions host would run it: the simulator produces
 * traffic in real time, messages go to N partitions by userId, and each partition's batches are handed
 * to the same ingestClickEvents handler (one invocation per partition at a time, like the host), with
 * the closeWindows timer ticking every 5 s. A failed invocation is retried, as the retry policy would.
 */
export class LocalRuntime {
  private stopping = false;
  private azurite: EmbeddedAzurite | undefined;

  constructor(private readonly options: LocalRuntimeOptions) {}

  stop(): void {
    this.stopping = true;
  }

  async run(): Promise<LocalRuntimeResult> {
    const o = this.options;
    const write = o.write;
    let storage = o.env.AzureWebJobsStorage;
    let server: LocalHttpServer | undefined;
    if (!storage) {
      this.azurite = await startEmbeddedAzurite();
      storage = this.azurite.connectionString;
    }
    try {
      const settings = parseAppSettings({
        EventHubConnection: 'local-runtime (in-process simulator)',
        EVENTHUB_NAME: 'clickstream',
        EVENTHUB_CONSUMER_GROUP: '$Default',
        CLOSE_WINDOWS_SCHEDULE: '*/5 * * * * *',
        ...o.env,
        AzureWebJobsStorage: storage,
        EVENTHUB_PARTITION_COUNT: String(o.partitions),
      });
      const summary = new WindowSummarySink();
      const app = await ClickPulseApp.create({
        settings,
        job: await loadJob(settings.jobFile),
        extraSinks: [summary],
        ...(o.dashboardFeeds ? { dashboardFeeds: o.dashboardFeeds } : {}),
        // No Durable runtime here: escalations run in process; unconfigured channels go to the outbox.
        alerting: { escalation: 'inProcess', write },
        // userActivity entities run in the local executor (state in Table Storage); anomalies print here.
        userActivity: { mode: 'local', echo: write },
      });
      setClickPulseApp(Promise.resolve(app));
      server = await startLocalHttpServer({
        routes: localRoutes,
        port: o.dashboardPort ?? Number(o.env.CLICKPULSE_DASHBOARD_PORT || 7071),
        onError: write,
      });
      write(
        [
          `ClickPulse local runtime: job "${app.job.definition.name}", ${o.partitions} partitions, ${o.eventsPerSecond} events/s`,
          `  dashboard:    ${server.origin}${dashboardPath}  (data: ${server.origin}${dashboardPath}/data)`,
          `  storage:      ${this.azurite ? `embedded Azurite (in memory, gone on exit): ${storage}` : 'AzureWebJobsStorage'}`,
          `  state table:  ${settings.stateTableName}`,
          `  archive:      container ${settings.archiveContainer} (<output>/yyyy/MM/dd/HH/window_<end>.jsonl)`,
          `  dead letters: container ${settings.deadLetterContainer} (<partition>/<sequence>.json)`,
          `  alerts:       email -> ${app.alerting.routes.email}; SMS -> ${app.alerting.routes.sms}`,
          `  anomalies:    table ${settings.anomalyTableName}; userActivity entities and rule state: table ${settings.entityTableName} (local executor)`,
          `  Power BI:     ${settings.powerBi ? `workspace ${settings.powerBi.workspaceId}, dataset ${settings.powerBi.dataset}` : 'off (set POWERBI_WORKSPACE_ID to push)'}`,
          '  Ctrl-C stops.',
        ].join('\n'),
      );
      try {
        return await this.pump(app, summary);
      } finally {
        app.alerting.runner?.stop();
      }
    } finally {
      await server?.close();
      setClickPulseApp(undefined);
      await this.azurite?.stop();
    }
  }

  private async pump(app: ClickPulseApp, summary: WindowSummarySink): Promise<LocalRuntimeResult> {
    const o = this.options;
    const started = Date.now();
    const simulator = createClickstreamSimulator({
      seed: o.seed,
      users: o.users,
      products: o.products,
      startTimeInMs: started,
      eventsPerSecond: o.eventsPerSecond,
      outOfOrderFractionOfEvents: 0.01,
      maxOutOfOrderDelayInMs: 2000,
      malformedFraction: 0.001,
      ...(o.incidents?.length
        ? {
            incidents: o.incidents.map((i) => ({
              kind: i.kind,
              startMs: started + i.startAfterInMs,
              durationMs: i.durationInMs,
              ...(i.key === undefined ? {} : { key: i.key }),
            })),
          }
        : {}),
    });
    const queues: SimulatedMessage[][] = Array.from({ length: o.partitions }, () => []);
    const nextSeq = queues.map(() => 0);
    const busy = queues.map(() => false);
    const inflight = new Set<Promise<void>>();
    let lookahead = simulator.next();
    let sent = 0;
    let lastTimer = started;
    let lastSummary = started;
    let sentAtLastSummary = 0;
    let failures = 0;

    const invoke = (p: number): void => {
      const batch = queues[p]!.slice(0, maxBatchSize);
      busy[p] = true;
      const first = nextSeq[p]!;
      const bodies: unknown[] = batch.map((m) => {
        try {
          return JSON.parse(m.body) as unknown;
        } catch {
          return m.body;
        }
      });
      const context = new InvocationContext({
        functionName: 'ingestClickEvents',
        logHandler: (level, ...args) => {
          if (level === 'error') o.write(`[partition ${p}] ${JSON.stringify(args)}`);
        },
        triggerMetadata: {
          partitionContext: {
            partitionId: String(p),
            eventHubName: 'clickstream',
            consumerGroup: '$Default',
          },
          sequenceNumberArray: batch.map((_, i) => first + i),
          enqueuedTimeUtcArray: batch.map((m) => new Date(m.enqueuedTimeInMs).toISOString()),
        },
      });
      const work = ingestClickEventsHandler(bodies, context).then(
        () => {
          // Checkpoint: only after the invocation succeeded.
          queues[p]!.splice(0, batch.length);
          nextSeq[p] = first + batch.length;
          sent += batch.length;
        },
        () => {
          failures++;
        },
      );
      const tracked = work.finally(() => {
        busy[p] = false;
        inflight.delete(tracked);
      });
      inflight.add(tracked);
    };

    while (!this.stopping && (o.durationInMs === undefined || Date.now() - started < o.durationInMs)) {
      const now = Date.now();
      while (lookahead.enqueuedTimeInMs <= now) {
        queues[partitionOf(lookahead.partitionKey, o.partitions)]!.push(lookahead);
        lookahead = simulator.next();
      }
      for (let p = 0; p < o.partitions; p++) if (!busy[p] && queues[p]!.length > 0) invoke(p);
      if (now - lastTimer >= timerPeriodInMs) {
        lastTimer = now;
        await closeWindowsHandler(
          timer,
          new InvocationContext({ functionName: 'closeWindows', logHandler: () => undefined }),
        );
      }
      if (now - lastSummary >= (o.summaryIntervalInMs ?? 5000)) {
        const health = await app.health();
        const delays = health.partitions
          .map((x) => x.watermarkDelayInMs)
          .filter((d): d is number => d !== null);
        const rate = ((sent - sentAtLastSummary) * 1000) / (now - lastSummary);
        const dead = Object.values(health.totals.deadLettered).reduce((n, v) => n + v, 0);
        const top = summary
          .topProducts(3)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ');
        o.write(
          `[${Math.round((now - started) / 1000)} s] ${Math.round(rate)} events/s | watermark delay ` +
            `${delays.length ? (Math.max(...delays) / 1000).toFixed(1) : '-'} s | windows emitted ${summary.windows} ` +
            `(${summary.rows} rows) | dead-lettered ${dead}` +
            (summary.latestWindowEndMs
              ? ` | top products in ${new Date(summary.latestWindowEndMs).toISOString()}: ${top}`
              : '') +
            (failures ? ` | failed invocations retried: ${failures}` : ''),
        );
        lastSummary = now;
        sentAtLastSummary = sent;
      }
      await new Promise((r) => setTimeout(r, tickInMs));
    }
    await Promise.all(inflight);
    const health = await app.health();
    return {
      eventsSent: sent,
      windowsEmitted: summary.windows,
      rowsEmitted: summary.rows,
      deadLettered: Object.values(health.totals.deadLettered).reduce((n, v) => n + v, 0),
    };
  }
}
