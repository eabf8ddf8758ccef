import type { InvocationContext } from '@azure/functions';
import { mapWithConcurrency } from '../adapters/blobs/mapWithConcurrency';
import type { BatchObserver } from '../app/clickPulseApp';
import type { EventHubBatch } from '../app/eventHubBatch';
import type { EntitySignaller } from '../entities/entityPorts';
import { USER_ACTIVITY_ENTITY } from '../entities/userActivity/operations';
import { groupBatchActivity } from './batchActivity';
import type { KeyedRulesEvaluator } from './keyed/keyedRulesEvaluator';

export interface ActivityObserverOptions {
  /** The entity signaller of an invocation: the Durable client in Azure, the local executor elsewhere. */
  readonly signaller: (context: InvocationContext) => EntitySignaller;
  /** The per-product, per-payment-method and site-wide rules; absent: none. */
  readonly keyed?: KeyedRulesEvaluator;
  /** Signals in flight at once. Default 16. */
  readonly concurrency?: number;
}

/** What one observed batch produced (also logged as `clickpulse.activity`). */
export interface ActivityBatchReport {
  readonly partitionId: string;
  readonly events: number;
  readonly skipped: number;
  /** Users signalled: exactly one `applyActivity` each. */
  readonly userSignals: number;
  readonly keysUpdated: number;
  readonly keyedAnomalies: number;
}

/**
 * The batch observer of user activity: after the engine committed a batch, it groups the batch's valid
 * events per user and sends ONE `applyActivity` operation per user (never one per event), then runs the
 * keyed rules. A redelivered batch sends the same operations again; the entities and keyed states drop
 * what they already applied (per-partition sequence high-water marks), so it changes nothing.
 */
export class ActivityObserver implements BatchObserver {
  /** The last report, for tests and the local runtime. */
  lastReport: ActivityBatchReport | undefined;

  constructor(private readonly options: ActivityObserverOptions) {}

  async observe(batch: EventHubBatch, _summary: unknown, context: InvocationContext): Promise<void> {
    this.lastReport = await this.process(batch, context);
    context.log('clickpulse.activity', this.lastReport);
  }

  /** Groups, signals and evaluates one batch. */
  async process(batch: EventHubBatch, context: InvocationContext): Promise<ActivityBatchReport> {
    const activity = groupBatchActivity(batch);
    const signaller = this.options.signaller(context);
    await mapWithConcurrency([...activity.users], this.options.concurrency ?? 16, ([userId, input]) =>
      signaller.signal(USER_ACTIVITY_ENTITY, userId, 'applyActivity', input),
    );
    const keyed = this.options.keyed ? await this.options.keyed.apply(activity) : undefined;
    return {
      partitionId: batch.partitionId,
      events: activity.events,
      skipped: activity.skipped,
      userSignals: activity.users.size,
      keysUpdated: keyed?.keysUpdated ?? 0,
      keyedAnomalies: keyed?.anomalies.length ?? 0,
    };
  }
}
