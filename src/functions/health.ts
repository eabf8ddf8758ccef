import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { getClickPulseApp } from '../lib/app/clickPulseApp';

export const healthName = 'health';

/** Per partition: watermark, watermark delay, last batch, and the engine's counters. */
export const healthHandler = async (
  _request: HttpRequest,
  _context: InvocationContext,
): Promise<HttpResponseInit> => {
  const clickPulse = await getClickPulseApp();
  return { status: 200, jsonBody: await clickPulse.health() };
};

app.http(healthName, {
  route: 'health',
  methods: ['GET'],
  authLevel: 'function',
  handler: healthHandler,
});
