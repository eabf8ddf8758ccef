import type { AlertFeed, DashboardAlert } from '../../../src/lib/dashboard/feeds';

/**
 * Alerts held in this process's memory, for tests: the deployed app reads alerts
 * from stored state, so that every instance shows the same.
 */
export class InMemoryAlertFeed implements AlertFeed {
  private readonly alerts = new Map<string, DashboardAlert>();

  constructor(
    alerts: readonly DashboardAlert[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const a of alerts) this.alerts.set(a.id, a);
  }

  recent(limit: number): Promise<readonly DashboardAlert[]> {
    const newestFirst = [...this.alerts.values()].sort((a, b) => (a.raisedAt < b.raisedAt ? 1 : -1));
    return Promise.resolve(newestFirst.slice(0, limit));
  }

  acknowledge(id: string): Promise<DashboardAlert | undefined> {
    const alert = this.alerts.get(id);
    if (!alert || alert.state === 'acknowledged') return Promise.resolve(alert);
    const at = new Date(this.now()).toISOString();
    const acknowledged: DashboardAlert = {
      ...alert,
      state: 'acknowledged',
      acknowledgedAt: at,
      updatedAt: at,
    };
    this.alerts.set(id, acknowledged);
    return Promise.resolve(acknowledged);
  }
}
