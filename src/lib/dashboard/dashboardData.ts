import type { AnomalyEvent } from '../anomaly/anomalyEvent';
import type { LatestWindow } from '../adapters/tables/latestRowsStore';
import type { ProductCount } from './readModels/productCounts';
import type { DashboardAlert } from './feeds';

/**
 * What GET /api/dashboard/data returns: everything the page draws, read from stored state (Table
 * Storage read models and the engine's progress rows), so that any instance answers the same.
 * Times are ISO-8601 UTC strings; durations are milliseconds.
 */
export interface DashboardData {
  readonly schemaVersion: 1;
  readonly job: string;
  /** The serving instance's clock when the data was read. */
  readonly now: string;
  /** How often the page polls. */
  readonly refreshIntervalInMs: number;
  /** Input rate and watermark delay over the last minutes, oldest first. */
  readonly traffic: readonly TrafficPoint[];
  readonly totals: DashboardTotals;
  readonly partitions: readonly DashboardPartition[];
  /** The newest stored window of each output that has one. */
  readonly outputs: readonly LatestWindow[];
  readonly topProducts: TopProducts;
  /** Newest first. */
  readonly anomalies: readonly AnomalyEvent[];
  /** Newest first. */
  readonly alerts: readonly DashboardAlert[];
  readonly deadLetters: DeadLetterSummary;
  /** Sections that could not be read this time (the rest is still right), e.g. 'alerts: timeout'. */
  readonly problems: readonly string[];
}

export interface TrafficPoint {
  readonly time: string;
  /** Input events per second since the previous point; null for the first point or after a reset. */
  readonly eventsPerSecond: number | null;
  /** The largest watermark delay over partitions; null before the first event. */
  readonly watermarkDelayInMs: number | null;
}

export interface DashboardTotals {
  readonly inputEvents: number;
  /** The latest traffic point's rate. */
  readonly eventsPerSecond: number | null;
  readonly maxWatermarkDelayInMs: number | null;
  readonly duplicatesSkipped: number;
  readonly lateDropped: number;
  readonly outOfOrderDropped: number;
  readonly deadLettered: number;
  /** Rows emitted, all outputs. */
  readonly rowsEmitted: number;
  /** The time through which windows are final, or null. */
  readonly finalizedThrough: string | null;
}

export interface DashboardPartition {
  readonly partitionId: string;
  readonly watermark: string | null;
  readonly watermarkDelayInMs: number | null;
  /** When the partition's last batch was applied (the engine clock). */
  readonly lastBatch: string | null;
  /** Time since then. */
  readonly lastBatchAgeInMs: number | null;
  /** Arrival lag: now minus the enqueued time of the last applied event. */
  readonly lagInMs: number | null;
  readonly lastSequenceNumber: number;
  readonly inputEvents: number;
  readonly deadLettered: number;
}

export interface TopProducts {
  /** The arrival-time range counted: [from, to). */
  readonly from: string;
  readonly to: string;
  /** Products by events of type click. */
  readonly byClicks: readonly ProductCount[];
  /** Products by events of type add_to_cart. */
  readonly byCartAdds: readonly ProductCount[];
}

export interface DeadLetterSummary {
  readonly total: number;
  /** Largest first. */
  readonly byReason: readonly { readonly reason: string; readonly count: number }[];
}
