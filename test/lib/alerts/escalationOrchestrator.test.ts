import type { OrchestrationContext, Task, TimerTask } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf, escalationInstanceId } from '../../../src/lib/alerts/alertKey';
import type { EscalationInput } from '../../../src/lib/alerts/alertRecord';
import { alertEscalationOrchestrator, escalationNames } from '../../../src/lib/alerts/escalationOrchestrator';
import { actionType, History, replay } from './durableReplay';

const anomaly = createAnomalyEvent({
  rule: 'purchaseAmountSpike',
  key: 'u42',
  severity: 'critical',
  score: 0.97,
  windowEndMs: Date.parse('2026-03-01T12:00:00Z'),
  evidence: { amount: 5000 },
});
const alertKey = alertKeyOf(anomaly.id);
const input: EscalationInput = {
  alertKey,
  timeoutInMs: 15 * 60_000,
  record: {
    alertKey,
    anomaly,
    status: 'pending',
    channels: ['email', 'sms'],
    createdAt: '2026-03-01T12:00:03.000Z',
    updatedAt: '2026-03-01T12:00:03.000Z',
  },
};
const instanceId = escalationInstanceId(alertKey);
const t0 = Date.parse('2026-03-01T12:00:05.000Z');
const t1 = t0 + 2_000;
const deadline = new Date(t1 + input.timeoutInMs);

/** The history up to the wait: started, email activity scheduled and completed, timer created. */
function untilWaiting(): History {
  return new History()
    .orchestratorStarted(t0)
    .executionStarted(t0, escalationNames.orchestrator, input)
    .taskScheduled(t0, 0, escalationNames.emailActivity)
    .orchestratorCompleted(t0)
    .orchestratorStarted(t1)
    .taskCompleted(t1, 0, 'accepted op-1')
    .timerCreated(t1, 1, deadline)
    .orchestratorCompleted(t1);
}

describe('alertEscalation orchestrator (replayed by durable-functions)', () => {
  it('first episode: schedules the email activity with retries, nothing else', async () => {
    const state = await replay(
      alertEscalationOrchestrator,
      new History().orchestratorStarted(t0).executionStarted(t0, escalationNames.orchestrator, input),
      input,
      instanceId,
    );
    expect(state.isDone).toBe(false);
    expect(state.actions.flat()).toEqual([
      expect.objectContaining({
        actionType: actionType.callActivityWithRetry,
        functionName: escalationNames.emailActivity,
      }),
    ]);
  });

  it('after the email: a durable timer at (orchestration time + timeout) raced against the ack event', async () => {
    const h = new History()
      .orchestratorStarted(t0)
      .executionStarted(t0, escalationNames.orchestrator, input)
      .taskScheduled(t0, 0, escalationNames.emailActivity)
      .orchestratorCompleted(t0)
      .orchestratorStarted(t1)
      .taskCompleted(t1, 0, 'accepted op-1');
    const state = await replay(alertEscalationOrchestrator, h, input, instanceId);
    expect(state.isDone).toBe(false);
    const actions = state.actions.flat();
    const timer = actions.find((a) => a.actionType === actionType.createTimer);
    // Time comes from the history (the OrchestratorStarted of this episode), never from the wall clock.
    expect(timer?.fireAt).toEqual(deadline);
    expect(timer?.isCanceled).toBe(false);
    expect(actions).toContainEqual(
      expect.objectContaining({
        actionType: actionType.waitForExternalEvent,
        externalEventName: 'Acknowledged',
      }),
    );
    expect(state.customStatus).toEqual({
      stage: 'awaitingAcknowledgement',
      deadline: deadline.toISOString(),
    });
  });

  it('acknowledged: completes as acknowledged, cancels the timer, never schedules the SMS', async () => {
    const h = untilWaiting()
      .orchestratorStarted(t1 + 60_000)
      .eventRaised(t1 + 60_000, 'Acknowledged', { at: 'x' });
    const state = await replay(alertEscalationOrchestrator, h, input, instanceId);
    expect(state.isDone).toBe(true);
    expect(state.output).toEqual({ alertKey, outcome: 'acknowledged' });
    const actions = state.actions.flat();
    expect(actions.find((a) => a.actionType === actionType.createTimer)?.isCanceled).toBe(true);
    expect(actions.some((a) => a.functionName === escalationNames.smsActivity)).toBe(false);
  });

  it('timed out: schedules the SMS activity, then completes as escalated', async () => {
    const fired = untilWaiting()
      .orchestratorStarted(deadline.getTime())
      .timerFired(deadline.getTime(), 1, deadline);
    const waiting = await replay(alertEscalationOrchestrator, fired, input, instanceId);
    expect(waiting.isDone).toBe(false);
    expect(waiting.actions.flat()).toContainEqual(
      expect.objectContaining({
        actionType: actionType.callActivityWithRetry,
        functionName: escalationNames.smsActivity,
      }),
    );
    const done = fired
      .taskScheduled(deadline.getTime(), 2, escalationNames.smsActivity)
      .orchestratorCompleted(deadline.getTime())
      .orchestratorStarted(deadline.getTime() + 1000)
      .taskCompleted(deadline.getTime() + 1000, 2, 'accepted SM1');
    const state = await replay(alertEscalationOrchestrator, done, input, instanceId);
    expect(state.isDone).toBe(true);
    expect(state.output).toEqual({ alertKey, outcome: 'escalated' });
  });

  it('an acknowledgement raised before the wait started is buffered and still wins', async () => {
    const h = new History()
      .orchestratorStarted(t0)
      .executionStarted(t0, escalationNames.orchestrator, input)
      .taskScheduled(t0, 0, escalationNames.emailActivity)
      .orchestratorCompleted(t0)
      .orchestratorStarted(t1)
      .eventRaised(t1, 'Acknowledged', { at: 'early' })
      .taskCompleted(t1, 0, 'accepted op-1');
    const state = await replay(alertEscalationOrchestrator, h, input, instanceId);
    expect(state.output).toEqual({ alertKey, outcome: 'acknowledged' });
  });

  it('is deterministic: replaying one history gives the same actions, whatever the wall clock', async () => {
    const h = untilWaiting();
    const a = await replay(alertEscalationOrchestrator, h, input, instanceId);
    await new Promise((r) => setTimeout(r, 20));
    const b = await replay(alertEscalationOrchestrator, h, input, instanceId);
    expect(JSON.stringify(b.actions)).toBe(JSON.stringify(a.actions));
  });

  it('rejects a missing input', async () => {
    await expect(
      replay(
        alertEscalationOrchestrator,
        new History().orchestratorStarted(t0).executionStarted(t0, 'alertEscalation', null),
        undefined,
        instanceId,
      ),
    ).rejects.toThrow(/expected \{ alertKey, record, timeoutInMs \}/);
  });
});

describe('alertEscalation orchestrator (stepped by hand)', () => {
  function fakeContext() {
    const tasks: { kind: string; name?: string; fireAt?: Date; canceled?: boolean }[] = [];
    const task = (t: (typeof tasks)[number]): Task & { cancel: () => void } => {
      tasks.push(t);
      return { isCompleted: false, isFaulted: false, cancel: () => void (t.canceled = true) };
    };
    const df = {
      currentUtcDateTime: new Date(t0),
      getInput: () => input,
      setCustomStatus: () => undefined,
      callActivityWithRetry: (name: string) => task({ kind: 'activity', name }),
      createTimer: (fireAt: Date) => task({ kind: 'timer', fireAt }) as unknown as TimerTask,
      waitForExternalEvent: (name: string) => task({ kind: 'event', name }),
      Task: { any: (ts: Task[]) => ({ ...task({ kind: 'any' }), children: ts }) },
    };
    return { context: { df } as unknown as OrchestrationContext, tasks, df };
  }

  it('acknowledged path: email, race, winner is the event, timer cancelled', () => {
    const { context, tasks } = fakeContext();
    const g = alertEscalationOrchestrator(context);
    g.next();
    const any = g.next('accepted').value as unknown as { children: Task[] };
    const [ack] = any.children;
    const result = g.next(ack);
    expect(result).toEqual({ done: true, value: { alertKey, outcome: 'acknowledged' } });
    expect(tasks.map((t) => `${t.kind}:${t.name ?? ''}`)).toEqual([
      'activity:sendAlertEmail',
      'timer:',
      'event:Acknowledged',
      'any:',
    ]);
    expect(tasks[1]!.canceled).toBe(true);
    expect(tasks[1]!.fireAt).toEqual(new Date(t0 + input.timeoutInMs));
  });

  it('timeout path: the winner is the timer, then the SMS', () => {
    const { context, tasks } = fakeContext();
    const g = alertEscalationOrchestrator(context);
    g.next();
    const any = g.next('accepted').value as unknown as { children: Task[] };
    const sms = g.next(any.children[1]);
    expect(sms.done).toBe(false);
    expect(tasks.at(-1)).toEqual({ kind: 'activity', name: 'sendAlertSms' });
    expect(g.next('accepted')).toEqual({ done: true, value: { alertKey, outcome: 'escalated' } });
  });
});
