/// <reference lib="dom" />
import type { DashboardData } from '../dashboardData';

/**
 * Where the page's data comes from: beside the page's own URL (…/api/dashboard → …/api/dashboard/data
 * and …/api/alerts/{id}/ack), so it works under any host and route prefix. In Azure the page is opened
 * with ?code=<key>; the key is passed on in the x-functions-key header of every call it makes.
 */
export interface Api {
  data(): Promise<DashboardData>;
  /** POST /api/alerts/{id}/ack; false when there is no such alert. */
  acknowledge(alertId: string): Promise<boolean>;
}

/** The API of the page at `location`. */
export function apiFor(location: Location): Api {
  const base = location.pathname.replace(/\/dashboard\/?$/, '');
  const key = new URLSearchParams(location.search).get('code');
  const headers: Record<string, string> = key ? { 'x-functions-key': key } : {};
  const failed = async (response: Response, what: string): Promise<Error> => {
    const text = await response.text().catch(() => '');
    return new Error(`${what}: HTTP ${response.status}${text ? ` (${text.slice(0, 200)})` : ''}`);
  };
  return {
    async data() {
      const response = await fetch(`${base}/dashboard/data`, {
        headers: { ...headers, accept: 'application/json' },
        cache: 'no-store',
      });
      if (!response.ok) throw await failed(response, 'dashboard data');
      return (await response.json()) as DashboardData;
    },
    async acknowledge(alertId) {
      const response = await fetch(`${base}/alerts/${encodeURIComponent(alertId)}/ack`, {
        method: 'POST',
        headers: { ...headers, accept: 'application/json' },
      });
      if (response.status === 404) return false;
      if (!response.ok) throw await failed(response, 'acknowledge');
      return true;
    },
  };
}
