import { RetryOptions, type OrchestrationContext, type Task, type TimerTask } from 'durable-functions';
import type { EscalationInput, EscalationResult } from './alertRecord';

/** Function names, shared by the registrations, the orchestrator and the local runner. */
export const escalationNames = {
  orchestrator: 'alertEscalation',
  emailActivity: 'sendAlertEmail',
  smsActivity: 'sendAlertSms',
  ackEvent: 'Acknowledged',
} as const;

/**
 * Activity retries: an activity throws only when the provider certainly did not take the message
 * (throttled or unreachable), so retrying cannot send twice. 30 s, then doubling, 5 attempts in all.
 */
export function escalationRetryOptions(): RetryOptions {
  const retry = new RetryOptions(30_000, 5);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 5 * 60_000;
  return retry;
}

function checkInput(input: EscalationInput | undefined): EscalationInput {
  if (!input || typeof input.alertKey !== 'string' || !input.record) {
    throw new TypeError('alertEscalation input: expected { alertKey, record, timeoutInMs }, received none');
  }
  if (!Number.isSafeInteger(input.timeoutInMs) || input.timeoutInMs < 0) {
    throw new RangeError(
      `alertEscalation timeoutInMs: expected an integer >= 0, received ${input.timeoutInMs}`,
    );
  }
  return input;
}

/**
 * The escalation of one critical alert (instance id alert-<key>): send the email, then race an
 * acknowledgement (the 'Acknowledged' event, raised by POST /api/alerts/{key}/ack) against a durable
 * timer; the loser of the race is the timer, which is cancelled (an instance with a pending timer never
 * completes), or the SMS to the on-call numbers goes out. Deterministic: time only from
 * context.df.currentUtcDateTime, no I/O (the activities do it).
 */
export function* alertEscalationOrchestrator(
  context: OrchestrationContext,
): Generator<Task, EscalationResult, unknown> {
  const input = checkInput(context.df.getInput<EscalationInput>());
  const retry = escalationRetryOptions();
  yield context.df.callActivityWithRetry(escalationNames.emailActivity, retry, input);
  const deadline = new Date(context.df.currentUtcDateTime.getTime() + input.timeoutInMs);
  context.df.setCustomStatus({ stage: 'awaitingAcknowledgement', deadline: deadline.toISOString() });
  const timer: TimerTask = context.df.createTimer(deadline);
  const ack = context.df.waitForExternalEvent(escalationNames.ackEvent);
  const winner = yield context.df.Task.any([ack, timer]);
  if (winner === ack) {
    if (!timer.isCompleted) timer.cancel();
    context.df.setCustomStatus({ stage: 'acknowledged' });
    return { alertKey: input.alertKey, outcome: 'acknowledged' };
  }
  context.df.setCustomStatus({ stage: 'escalating' });
  yield context.df.callActivityWithRetry(escalationNames.smsActivity, retry, input);
  context.df.setCustomStatus({ stage: 'escalated' });
  return { alertKey: input.alertKey, outcome: 'escalated' };
}
