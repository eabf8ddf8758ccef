import { ackAlertHandler, ackAlertName } from '../../functions/ackAlert';
import { dashboardHandler, dashboardName } from '../../functions/dashboard';
import { dashboardDataHandler, dashboardDataName } from '../../functions/dashboardData';
import { healthHandler, healthName } from '../../functions/health';
import type { LocalRoute } from './localHttpServer';

/**
 * The HTTP functions the local runtime serves, with the routes and methods they have in Azure. The
 * acknowledgement has no Durable client here: the alert service tells the in-process escalation runner
 * itself, so raising the event is left out (reported as not notified).
 */
export const localRoutes: readonly LocalRoute[] = [
  { name: dashboardName, methods: ['GET'], route: 'dashboard', handler: dashboardHandler },
  { name: dashboardDataName, methods: ['GET'], route: 'dashboard/data', handler: dashboardDataHandler },
  { name: healthName, methods: ['GET'], route: 'health', handler: healthHandler },
  {
    name: ackAlertName,
    methods: ['GET', 'POST'],
    route: 'alerts/{id}/ack',
    handler: (request, context) => ackAlertHandler(request, () => Promise.resolve(false), context),
  },
];

/** The dashboard's address under a local server's origin. */
export const dashboardPath = '/api/dashboard';
