import type { EntityContext } from 'durable-functions';
import type { AnomalyEvent } from '../../anomaly/anomalyEvent';
import type { AnomalySink } from '../../anomaly/anomalySink';
import type { UserRuleConfig } from '../../anomaly/ruleConfig';
import { parseUserActivityOperation } from './operations';
import { reduceUserActivity } from './reducer';
import { readUserActivityState, STATE_LIMITS, type UserActivityState } from './state';

/** What the entity needs from the app. */
export interface UserActivityEntityDependencies {
  readonly rules: UserRuleConfig;
  /** Where the rules' anomalies go (anomaly store, then alerting). */
  readonly sink: AnomalySink;
}

export interface UserActivityEntityOptions {
  /** Resolved per operation: under the Functions host the app is built lazily, at first use. */
  readonly dependencies: () => Promise<UserActivityEntityDependencies>;
}

/**
 * The entity function as Durable Functions calls it; async (the runtime awaits what the handler returns),
 * so it is typed apart from durable-functions' `EntityHandler` (which says `void`).
 */
export type UserActivityEntityFunction = (context: EntityContext<UserActivityState>) => Promise<void>;

/**
 * The `userActivity` entity: a thin wrapper around {@link reduceUserActivity}. It validates the operation
 * before it touches the state (an unknown operation or a bad input throws, and Durable Functions does not
 * roll back state), reduces, hands the anomalies to the sink, and sets the state once, at the end.
 * Anomalies the sink could not take stay in the state's outbox and go with the next operation.
 */
export function createUserActivityEntity(options: UserActivityEntityOptions): UserActivityEntityFunction {
  return async (context) => {
    const df = context.df;
    const operation = parseUserActivityOperation(df.operationName, df.getInput<unknown>());
    const { rules, sink } = await options.dependencies();
    const state = readUserActivityState(df.getState());
    const outcome = reduceUserActivity(state, operation, { userId: df.entityKey, rules });
    const pending: readonly AnomalyEvent[] = [...state.outbox, ...outcome.effects];
    let outbox: readonly AnomalyEvent[] = [];
    if (pending.length > 0) {
      try {
        await sink.handle(pending);
      } catch (error) {
        outbox = pending.slice(-STATE_LIMITS.outbox);
        context.warn('clickpulse.userActivity.anomalyDeliveryFailed', {
          userId: df.entityKey,
          pending: pending.length,
          kept: outbox.length,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (outcome.destruct) {
      df.destructOnExit();
    } else if (outcome.changed || outbox.length !== state.outbox.length || pending.length > 0) {
      df.setState({ ...outcome.state, outbox });
    }
    if (outcome.result !== undefined) df.return(outcome.result);
  };
}
