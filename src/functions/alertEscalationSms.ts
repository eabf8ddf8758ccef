import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { EscalationInput } from '../lib/alerts/alertRecord';
import { escalationNames } from '../lib/alerts/escalationOrchestrator';
import { getClickPulseApp } from '../lib/app/clickPulseApp';

/** The escalation's SMS to the on-call numbers (activity): each number claimed once. */
export const sendAlertSmsHandler = async (input: unknown, context: InvocationContext): Promise<string> => {
  const clickPulse = await getClickPulseApp();
  const outcome = await clickPulse.alerting.service.escalationSms(input as EscalationInput);
  context.log('clickpulse.alertSms', { alertKey: (input as EscalationInput).alertKey, outcome });
  return outcome;
};

df.app.activity(escalationNames.smsActivity, { handler: sendAlertSmsHandler });
