import type { AlertPort, AnomalyStore } from '../ports/anomalyStore';
import type { AnomalyEvent } from './anomalyEvent';

/** Where rules hand their anomalies: recorded once each, and the new ones passed on to alerting. */
export interface AnomalySink {
  /** Records the events and delivers them all; returns the new ones. Safe to repeat. */
  handle(events: readonly AnomalyEvent[]): Promise<AnomalyEvent[]>;
}

export interface AnomalySinkOptions {
  readonly store: AnomalyStore;
  readonly alerts: AlertPort;
}

/**
 * Records in the store (deterministic ids: a replay records nothing new), then hands every event to
 * alerting, not only the new ones: if delivery failed after an earlier recording, the retried batch must
 * deliver again. Alerting claims each alert before sending, so a repeat sends nothing twice.
 */
export function anomalySink(options: AnomalySinkOptions): AnomalySink {
  return {
    async handle(events) {
      if (events.length === 0) return [];
      const fresh = await options.store.record(events);
      await options.alerts.deliver(events);
      return fresh;
    },
  };
}

/** One terminal line per anomaly: severity, rule, key, window end, score and the evidence as JSON. */
export function formatAnomalyLine(event: AnomalyEvent): string {
  return (
    `ANOMALY ${event.severity.padEnd(8)} ${event.rule} ${event.key} window end ${event.windowEnd} ` +
    `score ${event.score.toFixed(2)} ${JSON.stringify(event.evidence)}`
  );
}

/** A log line per anomaly, each id once per process (the sink re-delivers on replays). */
export function logAlertPort(write: (line: string) => void, rememberedIds = 10_000): AlertPort {
  const seen = new Set<string>();
  return {
    deliver(events) {
      for (const e of events) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        // Forget the oldest: a Set iterates in insertion order.
        if (seen.size > rememberedIds) seen.delete(seen.values().next().value!);
        write(formatAnomalyLine(e));
      }
      return Promise.resolve();
    },
  };
}

/** An anomaly store in memory (tests, the incident evaluation): same contract as the Table store. */
export class InMemoryAnomalyStore implements AnomalyStore {
  private readonly byId = new Map<string, AnomalyEvent>();

  record(events: readonly AnomalyEvent[]): Promise<AnomalyEvent[]> {
    const fresh: AnomalyEvent[] = [];
    for (const e of events) {
      if (this.byId.has(e.id)) continue;
      this.byId.set(e.id, e);
      fresh.push(e);
    }
    return Promise.resolve(fresh);
  }

  recent(limit: number): Promise<AnomalyEvent[]> {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`limit: expected a positive integer, received ${limit}`);
    return Promise.resolve(
      [...this.byId.values()]
        .sort((a, b) => b.windowEnd.localeCompare(a.windowEnd) || a.id.localeCompare(b.id))
        .slice(0, limit),
    );
  }

  /** Every event recorded, in recording order. */
  all(): AnomalyEvent[] {
    return [...this.byId.values()];
  }
}
