import type { AnomalyEvent, AnomalySeverity } from '../anomaly/anomalyEvent';

/**
 * Where an alert stands: chiefly sent (to its recipients), acknowledged (by one of them) or escalated
 * (not acknowledged in time); the alerting may report others (pending, suppressed, digested, failed).
 */
export type AlertState =
  'sent' | 'acknowledged' | 'escalated' | 'pending' | 'suppressed' | 'digested' | 'failed';

/** An alert as the dashboard shows it. */
export interface DashboardAlert {
  readonly id: string;
  /** The anomaly it was raised for, when there is one. */
  readonly anomalyId: string | null;
  /** One line a person reads first. */
  readonly title: string;
  readonly severity: AnomalySeverity;
  readonly state: AlertState;
  /** ISO-8601 UTC. */
  readonly raisedAt: string;
  /** When the state last changed, ISO-8601 UTC. */
  readonly updatedAt: string;
  /** Where it went, e.g. 'email', 'sms'. */
  readonly channels: readonly string[];
  /** When it was acknowledged, ISO-8601 UTC; null while it is not. */
  readonly acknowledgedAt: string | null;
}

/** Recent anomalies, newest first: read from the anomaly pipeline's stored state. */
export interface AnomalyFeed {
  recent(limit: number): Promise<readonly AnomalyEvent[]>;
}

/** Recent alerts, newest first, and their acknowledgement: read from the alerting's stored state. */
export interface AlertFeed {
  recent(limit: number): Promise<readonly DashboardAlert[]>;
  /**
   * Marks an alert acknowledged (safe to repeat) and returns it as it now stands; undefined when no
   * alert has that id.
   */
  acknowledge(id: string): Promise<DashboardAlert | undefined>;
}

/** The dashboard's sources beyond the engine's own read models. */
export interface DashboardFeeds {
  readonly anomalies: AnomalyFeed;
  readonly alerts: AlertFeed;
}

/** No anomalies: the default until an anomaly source is wired. */
export const emptyAnomalyFeed: AnomalyFeed = { recent: () => Promise.resolve([]) };

/** No alerts: the default until an alert source is wired. */
export const emptyAlertFeed: AlertFeed = {
  recent: () => Promise.resolve([]),
  acknowledge: () => Promise.resolve(undefined),
};
