import type { AnomalyEvent } from '../anomaly/anomalyEvent';
import type { AlertFeed, AlertState, DashboardAlert } from './feeds';

/**
 * The fields of the alerting's stored alert record that the dashboard shows (structurally, so that
 * this module does not depend on the alerting's internals).
 */
export interface AlertRecordLike {
  readonly alertKey: string;
  readonly anomaly: AnomalyEvent;
  readonly status: AlertState;
  readonly channels: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly acknowledgedAt?: string | undefined;
}

/** An alert record as the dashboard shows it. */
export function dashboardAlertOf(record: AlertRecordLike): DashboardAlert {
  const a = record.anomaly;
  return {
    id: record.alertKey,
    anomalyId: a.id,
    title: `${a.rule}: ${a.key}`,
    severity: a.severity,
    state: record.status,
    raisedAt: record.createdAt,
    updatedAt: record.updatedAt,
    channels: record.channels,
    acknowledgedAt: record.acknowledgedAt ?? null,
  };
}

/**
 * The dashboard's {@link AlertFeed} over the alerting's read model and its acknowledge operation, e.g.
 * `alertRecordFeed(alertStore, (key) => alertService.acknowledge(key))`.
 */
export function alertRecordFeed(
  readModel: { recent(limit: number): Promise<readonly AlertRecordLike[]> },
  acknowledge: (alertKey: string) => Promise<AlertRecordLike | undefined>,
): AlertFeed {
  return {
    recent: async (limit) => (await readModel.recent(limit)).map(dashboardAlertOf),
    acknowledge: async (id) => {
      const record = await acknowledge(id);
      return record && dashboardAlertOf(record);
    },
  };
}
