import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getClickPulseApp } from '../lib/app/clickPulseApp';

export const dashboardDataName = 'dashboardData';

/**
 * What the dashboard draws, as JSON (see DashboardData): read from stored state (the engine's progress
 * rows and the read models the pipeline writes in Table Storage), so every instance answers the same.
 */
export const dashboardDataHandler = async (
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> => {
  const clickPulse = await getClickPulseApp();
  const data = await clickPulse.dashboard.read(await clickPulse.health());
  return { status: 200, jsonBody: data, headers: { 'cache-control': 'no-store' } };
};

app.http(dashboardDataName, {
  route: 'dashboard/data',
  methods: ['GET'],
  authLevel: 'function',
  handler: dashboardDataHandler,
});
