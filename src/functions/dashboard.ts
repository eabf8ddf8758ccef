import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { loadDashboardPage } from '../lib/dashboard/dashboardPage';

export const dashboardName = 'dashboard';

/**
 * The live dashboard: one self-contained HTML page (script and styles inlined, no CDN). In Azure open it
 * as /api/dashboard?code=<key>; the page passes the key on to its data and acknowledge calls, so use a
 * host key (or one function key given the same value on dashboard, dashboardData and the ack function).
 */
export const dashboardHandler = async (
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> => {
  try {
    const page = await loadDashboardPage();
    return {
      status: 200,
      body: page.html,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': page.contentSecurityPolicy,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
      },
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.error('clickpulse.dashboardUnavailable', { error: message });
    return {
      status: 503,
      body: 'The dashboard page is not built: run npm run build.\n',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    };
  }
};

app.http(dashboardName, {
  route: 'dashboard',
  methods: ['GET'],
  authLevel: 'function',
  handler: dashboardHandler,
});
