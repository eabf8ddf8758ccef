import type { OrchestrationContext, RetryOptions, Task } from 'durable-functions';
import type { Clock } from '../ports/clock';
import type { EscalationInput, EscalationResult } from './alertRecord';
import type { EscalationStarter } from './alertService';
import { alertEscalationOrchestrator, escalationNames } from './escalationOrchestrator';

/** The activities the orchestrator calls, by name. */
export type EscalationActivities = Readonly<Record<string, (input: EscalationInput) => Promise<unknown>>>;

export interface LocalEscalationRunnerOptions {
  readonly clock: Clock;
  /** Resolved at start time, so that the runner can be built before the service that owns them. */
  readonly activities: () => EscalationActivities;
  /** Told when an escalation ends or fails. */
  readonly onEnd?: (alertKey: string, result: EscalationResult | Error) => void;
}

interface LocalTask extends Task {
  readonly promise: Promise<unknown>;
  cancel?: () => void;
  isCanceled?: boolean;
}

interface Instance {
  readonly events: Map<string, unknown[]>;
  readonly waiters: Map<string, ((value: unknown) => void)[]>;
  readonly timers: Set<NodeJS.Timeout>;
  done: Promise<void>;
}

function settle(task: LocalTask, promise: Promise<unknown>): void {
  promise.then(
    (value) => {
      task.isCompleted = true;
      task.result = value;
    },
    (error: unknown) => {
      task.isCompleted = true;
      task.isFaulted = true;
      task.result = error;
    },
  );
}

function makeTask(promise: Promise<unknown>): LocalTask {
  const task: LocalTask = { isCompleted: false, isFaulted: false, promise };
  settle(task, promise);
  // Unobserved rejections are seen through the task; avoid an unhandled-rejection crash.
  promise.catch(() => undefined);
  return task;
}

/**
 * Runs the same escalation orchestrator in process, where no Durable Functions runtime exists (npm start):
 * activities are called directly (with the orchestrator's retry options), durable timers are setTimeout,
 * and {@link acknowledge} raises the 'Acknowledged' event. Nothing survives a restart: an escalation in
 * progress when the process stops is dropped (its alert stays 'sent' on the dashboard).
 */
export class LocalEscalationRunner implements EscalationStarter {
  private readonly instances = new Map<string, Instance>();
  private stopped = false;

  constructor(private readonly options: LocalEscalationRunnerOptions) {}

  start(input: EscalationInput): Promise<void> {
    if (this.stopped || this.instances.has(input.alertKey)) return Promise.resolve();
    const instance: Instance = {
      events: new Map(),
      waiters: new Map(),
      timers: new Set(),
      done: Promise.resolve(),
    };
    this.instances.set(input.alertKey, instance);
    instance.done = this.run(input, instance).then(
      (result) => this.options.onEnd?.(input.alertKey, result),
      (error: unknown) =>
        this.options.onEnd?.(input.alertKey, error instanceof Error ? error : new Error(String(error))),
    );
    return Promise.resolve();
  }

  /** EscalationStarter: the alert service tells the runner about acknowledgements. */
  acknowledged(alertKey: string): void {
    this.acknowledge(alertKey);
  }

  /** Raises 'Acknowledged' on the alert's escalation; false when none is running. */
  acknowledge(alertKey: string): boolean {
    const instance = this.instances.get(alertKey);
    if (!instance) return false;
    this.raise(instance, escalationNames.ackEvent, { at: new Date(this.options.clock.now()).toISOString() });
    return true;
  }

  /** Resolves when every escalation started so far has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.instances.values()].map((i) => i.done));
  }

  /** Cancels every timer; pending escalations end without their SMS. */
  stop(): void {
    this.stopped = true;
    for (const instance of this.instances.values()) for (const t of instance.timers) clearTimeout(t);
  }

  private raise(instance: Instance, name: string, value: unknown): void {
    const waiter = instance.waiters.get(name)?.shift();
    if (waiter) waiter(value);
    else instance.events.set(name, [...(instance.events.get(name) ?? []), value]);
  }

  private async run(input: EscalationInput, instance: Instance): Promise<EscalationResult> {
    const { clock } = this.options;
    const activities = this.options.activities();
    const callWithRetry = async (
      name: string,
      retry: RetryOptions,
      arg: EscalationInput,
    ): Promise<unknown> => {
      const activity = activities[name];
      if (!activity) throw new Error(`activity ${name}: not registered`);
      let delay = retry.firstRetryIntervalInMilliseconds;
      for (let attempt = 1; ; attempt++) {
        try {
          return await activity(arg);
        } catch (error) {
          if (attempt >= retry.maxNumberOfAttempts || this.stopped) throw error;
          await new Promise((r) => {
            const t = setTimeout(r, delay);
            instance.timers.add(t);
          });
          delay = Math.min(
            delay * (retry.backoffCoefficient || 1),
            retry.maxRetryIntervalInMilliseconds || delay,
          );
        }
      }
    };
    const df = {
      instanceId: input.alertKey,
      isReplaying: false,
      currentUtcDateTime: new Date(clock.now()),
      getInput: () => input,
      setCustomStatus: () => undefined,
      callActivityWithRetry: (name: string, retry: RetryOptions, arg: EscalationInput): LocalTask =>
        makeTask(callWithRetry(name, retry, arg)),
      callActivity: (name: string, arg: EscalationInput): LocalTask =>
        makeTask(
          callWithRetry(
            name,
            { firstRetryIntervalInMilliseconds: 1, maxNumberOfAttempts: 1 } as RetryOptions,
            arg,
          ),
        ),
      createTimer: (fireAt: Date): LocalTask => {
        let cancel: () => void = () => undefined;
        const promise = new Promise<unknown>((resolve) => {
          const t = setTimeout(() => resolve(undefined), Math.max(0, fireAt.getTime() - clock.now()));
          instance.timers.add(t);
          cancel = () => clearTimeout(t);
        });
        const task = makeTask(promise);
        task.cancel = () => {
          task.isCanceled = true;
          cancel();
        };
        return task;
      },
      waitForExternalEvent: (name: string): LocalTask => {
        const buffered = instance.events.get(name);
        if (buffered?.length) return makeTask(Promise.resolve(buffered.shift()));
        return makeTask(
          new Promise((resolve) =>
            instance.waiters.set(name, [...(instance.waiters.get(name) ?? []), resolve]),
          ),
        );
      },
      Task: {
        any: (tasks: LocalTask[]): LocalTask =>
          makeTask(
            Promise.race(
              tasks.map((t) =>
                t.promise.then(
                  () => t,
                  () => t,
                ),
              ),
            ),
          ),
        all: (tasks: LocalTask[]): LocalTask => makeTask(Promise.all(tasks.map((t) => t.promise))),
      },
    };
    const context = { df } as unknown as OrchestrationContext;
    const generator = alertEscalationOrchestrator(context);
    let step = generator.next();
    while (!step.done) {
      const task = step.value as LocalTask;
      let value: unknown;
      let failed = false;
      try {
        value = await task.promise;
      } catch (error) {
        value = error;
        failed = true;
      }
      df.currentUtcDateTime = new Date(clock.now());
      step = failed ? generator.throw(value) : generator.next(value);
    }
    return step.value;
  }
}
