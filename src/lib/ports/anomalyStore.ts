import type { AnomalyEvent } from '../anomaly/anomalyEvent';

/** Where anomaly events are recorded (Table Storage), once each. */
export interface AnomalyStore {
  /**
   * Records the events; an event whose id is already recorded is skipped. Returns the events that were
   * new, so that each anomaly is handed on (to alerting) once, even when a batch is replayed.
   */
  record(events: readonly AnomalyEvent[]): Promise<AnomalyEvent[]>;
  /** The most recent events, newest window first. */
  recent(limit: number): Promise<AnomalyEvent[]>;
}

/** Hands anomalies to alerting (email, SMS, Power BI). Must tolerate seeing an event twice. */
export interface AlertPort {
  deliver(events: readonly AnomalyEvent[]): Promise<void>;
}
