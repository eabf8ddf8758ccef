import { InvocationContext } from '@azure/functions';
import type { OrchestrationHandler } from 'durable-functions';

/*
 * Drives an orchestrator through durable-functions' own replay engine (the code the Functions host runs
 * in the worker), with a history in the host's wire format. createOrchestrator is an internal helper of
 * durable-functions 3.x (lib/src/util/testingUtils), used the way its own tests use it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const testingUtils = require('durable-functions/lib/src/util/testingUtils') as {
  createOrchestrator: (
    fn: OrchestrationHandler,
  ) => (trigger: unknown, context: InvocationContext) => Promise<OrchestratorState>;
};

export interface OrchestratorAction {
  readonly actionType: number;
  readonly functionName?: string;
  readonly input?: unknown;
  readonly fireAt?: Date;
  readonly isCanceled?: boolean;
  readonly externalEventName?: string;
}

export interface OrchestratorState {
  readonly isDone: boolean;
  readonly actions: OrchestratorAction[][];
  readonly output: unknown;
  readonly customStatus: unknown;
}

/** Action types of durable-functions (ActionType). */
export const actionType = {
  callActivity: 0,
  callActivityWithRetry: 1,
  createTimer: 5,
  waitForExternalEvent: 6,
} as const;

/** History event types of the Durable Task Framework. */
const T = {
  executionStarted: 0,
  taskScheduled: 4,
  taskCompleted: 5,
  timerCreated: 10,
  timerFired: 11,
  orchestratorStarted: 12,
  orchestratorCompleted: 13,
  eventRaised: 15,
};

/** Builds a history in the order the host appends it. */
export class History {
  readonly events: Record<string, unknown>[] = [];
  private at(ms: number): string {
    return new Date(ms).toISOString();
  }
  orchestratorStarted(ms: number): this {
    this.events.push({
      EventType: T.orchestratorStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.at(ms),
    });
    return this;
  }
  orchestratorCompleted(ms: number): this {
    this.events.push({
      EventType: T.orchestratorCompleted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.at(ms),
    });
    return this;
  }
  executionStarted(ms: number, name: string, input: unknown): this {
    this.events.push({
      EventType: T.executionStarted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.at(ms),
      Name: name,
      Input: JSON.stringify(input),
    });
    return this;
  }
  taskScheduled(ms: number, id: number, name: string): this {
    this.events.push({
      EventType: T.taskScheduled,
      EventId: id,
      IsPlayed: false,
      Timestamp: this.at(ms),
      Name: name,
    });
    return this;
  }
  taskCompleted(ms: number, scheduledId: number, result: unknown): this {
    this.events.push({
      EventType: T.taskCompleted,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.at(ms),
      TaskScheduledId: scheduledId,
      Result: JSON.stringify(result),
    });
    return this;
  }
  timerCreated(ms: number, id: number, fireAt: Date): this {
    this.events.push({
      EventType: T.timerCreated,
      EventId: id,
      IsPlayed: false,
      Timestamp: this.at(ms),
      FireAt: fireAt.toISOString(),
    });
    return this;
  }
  timerFired(ms: number, timerId: number, fireAt: Date): this {
    this.events.push({
      EventType: T.timerFired,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.at(ms),
      TimerId: timerId,
      FireAt: fireAt.toISOString(),
    });
    return this;
  }
  eventRaised(ms: number, name: string, input: unknown): this {
    this.events.push({
      EventType: T.eventRaised,
      EventId: -1,
      IsPlayed: false,
      Timestamp: this.at(ms),
      Name: name,
      Input: JSON.stringify(input),
    });
    return this;
  }
}

/** Runs one episode: the orchestrator replays `history` and returns its state (actions, output). */
export async function replay(
  orchestrator: OrchestrationHandler,
  history: History,
  input: unknown,
  instanceId: string,
): Promise<OrchestratorState> {
  const handler = testingUtils.createOrchestrator(orchestrator);
  const trigger = {
    history: structuredClone(history.events),
    input,
    instanceId,
    isReplaying: false,
    parentInstanceId: undefined,
    upperSchemaVersion: 0,
    longRunningTimerIntervalDuration: '3.00:00:00',
    maximumShortTimerDuration: '6.00:00:00',
    defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
  };
  const context = new InvocationContext({
    functionName: 'alertEscalation',
    invocationId: 'test',
    logHandler: () => undefined,
  });
  return handler(trigger, context);
}
