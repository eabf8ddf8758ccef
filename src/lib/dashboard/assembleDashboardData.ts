import type { LatestWindow } from '../adapters/tables/latestRowsStore';
import type { AnomalyEvent } from '../anomaly/anomalyEvent';
import type { HealthReport } from '../app/clickPulseApp';
import type { EngineCounters } from '../engine/state/engineCounters';
import type { DashboardData, DashboardPartition, DeadLetterSummary } from './dashboardData';
import type { DashboardAlert } from './feeds';
import type { ProductTotals } from './readModels/productCountStore';
import { topProducts } from './readModels/productCounts';
import type { TrafficSample } from './readModels/trafficSampleStore';
import { trafficSeries } from './trafficSeries';

/** Everything the dashboard data is made of, already read. */
export interface DashboardInputs {
  readonly health: HealthReport;
  readonly samples: readonly TrafficSample[];
  readonly outputs: readonly LatestWindow[];
  readonly products: ProductTotals;
  readonly anomalies: readonly AnomalyEvent[];
  readonly alerts: readonly DashboardAlert[];
  readonly problems: readonly string[];
  readonly refreshIntervalInMs: number;
  /** Entries per top-products list. */
  readonly topLimit: number;
}

const sum = (values: Iterable<number | undefined>): number => {
  let n = 0;
  for (const v of values) n += v ?? 0;
  return n;
};

const age = (nowMs: number, iso: string | null | undefined): number | null =>
  iso ? Math.max(0, nowMs - Date.parse(iso)) : null;

/** Dead letters by reason, largest first. */
export function deadLetterSummary(counters: EngineCounters): DeadLetterSummary {
  const byReason = Object.entries(counters.deadLettered)
    .map(([reason, count]) => ({ reason, count: count ?? 0 }))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  return { total: sum(byReason.map((r) => r.count)), byReason };
}

/** A traffic sample of the health report: what the closeWindows timer stores on each tick. */
export function trafficSampleOf(health: HealthReport): TrafficSample {
  const delays = health.partitions.map((p) => p.watermarkDelayInMs).filter((d): d is number => d !== null);
  return {
    atMs: Date.parse(health.now),
    inputEvents: health.totals.inputEvents,
    deadLettered: sum(Object.values(health.totals.deadLettered)),
    rowsEmitted: sum(Object.values(health.totals.rowsEmitted)),
    maxWatermarkDelayInMs: delays.length > 0 ? Math.max(...delays) : null,
  };
}

/** Assembles the data endpoint's answer. Pure: the same inputs give the same output. */
export function assembleDashboardData(inputs: DashboardInputs): DashboardData {
  const { health } = inputs;
  const nowMs = Date.parse(health.now);
  const live = trafficSampleOf(health);
  const traffic = trafficSeries(inputs.samples, live);
  const partitions: DashboardPartition[] = health.partitions.map((p) => ({
    partitionId: p.partitionId,
    watermark: p.watermark,
    watermarkDelayInMs: p.watermarkDelayInMs,
    lastBatch: p.lastBatch,
    lastBatchAgeInMs: age(nowMs, p.lastBatch),
    lagInMs: age(nowMs, p.lastEnqueued),
    lastSequenceNumber: p.lastSequenceNumber,
    inputEvents: p.counters?.inputEvents ?? 0,
    deadLettered: p.counters ? sum(Object.values(p.counters.deadLettered)) : 0,
  }));
  const t = health.totals;
  return {
    schemaVersion: 1,
    job: health.job,
    now: health.now,
    refreshIntervalInMs: inputs.refreshIntervalInMs,
    traffic,
    totals: {
      inputEvents: t.inputEvents,
      eventsPerSecond: traffic.at(-1)?.eventsPerSecond ?? null,
      maxWatermarkDelayInMs: live.maxWatermarkDelayInMs,
      duplicatesSkipped: t.duplicatesSkipped,
      lateDropped: t.lateDropped,
      outOfOrderDropped: t.outOfOrderDropped,
      deadLettered: live.deadLettered,
      rowsEmitted: live.rowsEmitted,
      finalizedThrough: health.finalizedThrough,
    },
    partitions,
    outputs: inputs.outputs,
    topProducts: {
      from: new Date(inputs.products.fromMs).toISOString(),
      to: new Date(inputs.products.toMs).toISOString(),
      byClicks: topProducts(inputs.products.counts, 'click', inputs.topLimit),
      byCartAdds: topProducts(inputs.products.counts, 'add_to_cart', inputs.topLimit),
    },
    anomalies: inputs.anomalies,
    alerts: inputs.alerts,
    deadLetters: deadLetterSummary(t),
    problems: inputs.problems,
  };
}
