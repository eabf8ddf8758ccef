import type { TableClient } from '@azure/data-tables';
import type { InvocationContext } from '@azure/functions';
import { LatestRowsStore } from '../adapters/tables/latestRowsStore';
import type { BatchObserver, HealthReport } from '../app/clickPulseApp';
import type { EventHubBatch } from '../app/eventHubBatch';
import { assembleDashboardData, trafficSampleOf } from './assembleDashboardData';
import type { DashboardData } from './dashboardData';
import { emptyAlertFeed, emptyAnomalyFeed, type DashboardFeeds } from './feeds';
import { ProductCountStore } from './readModels/productCountStore';
import { TrafficSampleStore } from './readModels/trafficSampleStore';

/** Logs a warning with structured data (an InvocationContext's warn fits). */
export type WarnLog = (message: string, data: Record<string, unknown>) => void;

export interface DashboardBackendOptions {
  /** The state table: the read models live in it under their own partition keys. */
  readonly client: TableClient;
  readonly jobName: string;
  /** The job's outputs, whose latest rows the page shows. */
  readonly outputs: readonly string[];
  readonly feeds?: Partial<DashboardFeeds>;
  /** How often the page polls. Default 2000. */
  readonly refreshIntervalInMs?: number;
  /** How far back the traffic charts go. Default 5 minutes. */
  readonly trafficWindowInMs?: number;
  /** The arrival-time range of the top-products lists, back from now. Default 1 minute. */
  readonly topProductsWindowInMs?: number;
  /** Entries per top-products list. Default 10. */
  readonly topLimit?: number;
  /** Anomalies and alerts per request. Default 20. */
  readonly feedLimit?: number;
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The dashboard's server side: the read models the pipeline writes (latest output rows, product
 * counters, traffic samples) and the read that GET /api/dashboard/data answers with.
 */
export class DashboardBackend implements BatchObserver {
  /** An output sink: add it beside the archive. */
  readonly latestRows: LatestRowsStore;
  readonly traffic: TrafficSampleStore;
  readonly products: ProductCountStore;
  readonly feeds: DashboardFeeds;
  private readonly o: Required<Omit<DashboardBackendOptions, 'feeds' | 'client' | 'jobName' | 'outputs'>>;

  constructor(private readonly options: DashboardBackendOptions) {
    const { client, jobName } = options;
    this.latestRows = new LatestRowsStore({ client, jobName });
    this.traffic = new TrafficSampleStore({ client, jobName });
    this.products = new ProductCountStore({ client, jobName });
    this.feeds = {
      anomalies: options.feeds?.anomalies ?? emptyAnomalyFeed,
      alerts: options.feeds?.alerts ?? emptyAlertFeed,
    };
    this.o = {
      refreshIntervalInMs: options.refreshIntervalInMs ?? 2000,
      trafficWindowInMs: options.trafficWindowInMs ?? 300_000,
      topProductsWindowInMs: options.topProductsWindowInMs ?? 60_000,
      topLimit: options.topLimit ?? 10,
      feedLimit: options.feedLimit ?? 20,
    };
  }

  /**
   * After a committed batch: counts its product events (fenced on sequence numbers, so a redelivered
   * batch counts once). Best effort: a failure is logged, never thrown, because a dashboard read model
   * must not hold the pipeline up; the counters then miss that batch.
   */
  async observe(batch: EventHubBatch, _summary: unknown, context: InvocationContext): Promise<void> {
    try {
      await this.products.observe(batch.partitionId, batch.messages);
    } catch (error) {
      context.warn('clickpulse.readModelFailed', {
        readModel: 'productCounts',
        partitionId: batch.partitionId,
        error: message(error),
      });
    }
  }

  /** After a closeWindows tick: stores a traffic sample of the stored progress. Best effort, as above. */
  async afterTick(readHealth: () => Promise<HealthReport>, warn: WarnLog): Promise<void> {
    try {
      await this.traffic.record(trafficSampleOf(await readHealth()));
    } catch (error) {
      warn('clickpulse.readModelFailed', { readModel: 'traffic', error: message(error) });
    }
  }

  /** Reads everything the page shows. A section that fails is empty and named in `problems`. */
  async read(health: HealthReport): Promise<DashboardData> {
    const nowMs = Date.parse(health.now);
    const problems: string[] = [];
    const attempt = async <T>(section: string, read: () => Promise<T>, fallback: T): Promise<T> => {
      try {
        return await read();
      } catch (error) {
        problems.push(`${section}: ${message(error)}`);
        return fallback;
      }
    };
    const [samples, outputs, products, anomalies, alerts] = await Promise.all([
      attempt('traffic', () => this.traffic.since(nowMs - this.o.trafficWindowInMs), []),
      attempt('outputs', () => this.latestRows.latest(this.options.outputs), []),
      attempt('topProducts', () => this.products.totals(nowMs - this.o.topProductsWindowInMs, nowMs), {
        fromMs: nowMs - this.o.topProductsWindowInMs,
        toMs: nowMs,
        counts: {},
      }),
      attempt('anomalies', () => this.feeds.anomalies.recent(this.o.feedLimit), []),
      attempt('alerts', () => this.feeds.alerts.recent(this.o.feedLimit), []),
    ]);
    return assembleDashboardData({
      health,
      samples,
      outputs,
      products,
      anomalies,
      alerts,
      problems,
      refreshIntervalInMs: this.o.refreshIntervalInMs,
      topLimit: this.o.topLimit,
    });
  }
}
