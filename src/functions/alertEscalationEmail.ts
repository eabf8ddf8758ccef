import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { EscalationInput } from '../lib/alerts/alertRecord';
import { escalationNames } from '../lib/alerts/escalationOrchestrator';
import { getClickPulseApp } from '../lib/app/clickPulseApp';

/**
 * The escalation's email (activity): sent once (claimed first); throws only when ACS certainly did not
 * take it, so that the orchestrator's retry cannot send it twice.
 */
export const sendAlertEmailHandler = async (input: unknown, context: InvocationContext): Promise<string> => {
  const clickPulse = await getClickPulseApp();
  const outcome = await clickPulse.alerting.service.escalationEmail(input as EscalationInput);
  context.log('clickpulse.alertEmail', { alertKey: (input as EscalationInput).alertKey, outcome });
  return outcome;
};

df.app.activity(escalationNames.emailActivity, { handler: sendAlertEmailHandler });
