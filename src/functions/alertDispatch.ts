import type { InvocationContext, Timer } from '@azure/functions';
import * as df from 'durable-functions';
import type { EscalationClient } from '../lib/alerts/alertService';
import { escalationNames } from '../lib/alerts/escalationOrchestrator';
import { getClickPulseApp } from '../lib/app/clickPulseApp';

export const alertDispatchName = 'alertDispatch';

/** Every 10 s: the escalation outbox and the digests wait at most this long. */
export const alertDispatchSchedule = '*/10 * * * * *';

/** The Durable client as the dispatcher needs it. */
export function escalationClientOf(client: df.DurableClient): EscalationClient {
  return {
    async exists(instanceId) {
      try {
        await client.getStatus(instanceId);
        return true;
      } catch (error) {
        // The client reports an unknown instance as an error naming HTTP 404.
        if (error instanceof Error && /\b404\b/.test(error.message)) return false;
        throw error;
      }
    },
    async start(instanceId, input) {
      await client.startNew(escalationNames.orchestrator, { instanceId, input });
    },
  };
}

/**
 * Starts the escalations the ingest path queued (it has no Durable client binding) and sends the
 * digests of minutes that have ended.
 */
export const alertDispatchHandler = async (
  _timer: Timer,
  client: df.DurableClient,
  context: InvocationContext,
): Promise<void> => {
  const clickPulse = await getClickPulseApp();
  const started = await clickPulse.alerting.service.dispatchEscalations(escalationClientOf(client));
  const digests = await clickPulse.alerting.service.flushDigests();
  if (started > 0 || digests > 0)
    context.log('clickpulse.alertDispatch', { escalationsStarted: started, digestsSent: digests });
};

df.app.client.timer(alertDispatchName, { schedule: alertDispatchSchedule, handler: alertDispatchHandler });
