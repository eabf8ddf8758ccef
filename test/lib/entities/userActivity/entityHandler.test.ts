import { DummyEntityContext, EntityId, type DurableEntityContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import type { AnomalyEvent } from '../../../../src/lib/anomaly/anomalyEvent';
import type { AnomalySink } from '../../../../src/lib/anomaly/anomalySink';
import { DEFAULT_RULE_CONFIG } from '../../../../src/lib/anomaly/ruleConfig';
import { createUserActivityEntity } from '../../../../src/lib/entities/userActivity/entityHandler';
import { USER_ACTIVITY_ENTITY } from '../../../../src/lib/entities/userActivity/operations';
import type { UserProfile } from '../../../../src/lib/entities/userActivity/profile';
import type { UserActivityState } from '../../../../src/lib/entities/userActivity/state';
import { failure, op, t0, view } from './fixtures';

// durable-functions' own tests drive entities through this (deep import, no types).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const testingUtils = require('durable-functions/lib/src/util/testingUtils') as {
  createEntityFunction: (fn: unknown) => (
    trigger: unknown,
    context: DummyEntityContext<unknown>,
  ) => Promise<{
    entityExists: boolean;
    entityState?: string;
    results: { isError: boolean; result?: string }[];
  }>;
};

class RecordingSink implements AnomalySink {
  readonly handled: AnomalyEvent[] = [];
  failing = false;
  handle(events: readonly AnomalyEvent[]): Promise<AnomalyEvent[]> {
    if (this.failing) return Promise.reject(new Error('store down'));
    this.handled.push(...events);
    return Promise.resolve([...events]);
  }
}

/** A DummyEntityContext with a hand-made `df` over an in-memory state, recording every call. */
function dummy(operationName: string | undefined, input: unknown, stored?: UserActivityState) {
  const calls: string[] = [];
  let state: string | undefined = stored === undefined ? undefined : JSON.stringify(stored);
  let returned: unknown;
  const context = new DummyEntityContext<UserActivityState>(USER_ACTIVITY_ENTITY, 'inv-1', () => undefined);
  const df: DurableEntityContext<UserActivityState> = {
    entityName: 'useractivity',
    entityKey: 'user-0001',
    entityId: new EntityId(USER_ACTIVITY_ENTITY, 'user-0001'),
    operationName,
    isNewlyConstructed: stored === undefined,
    getState: (init?: () => UserActivityState) => {
      calls.push('getState');
      return state === undefined ? init?.() : (JSON.parse(state) as UserActivityState);
    },
    setState: (s: UserActivityState) => {
      calls.push('setState');
      state = JSON.stringify(s);
    },
    getInput: <T>() => (input === undefined ? undefined : (JSON.parse(JSON.stringify(input)) as T)),
    return: (v: unknown) => {
      calls.push('return');
      returned = v;
    },
    destructOnExit: () => {
      calls.push('destructOnExit');
      state = undefined;
    },
    signalEntity: () => calls.push('signalEntity'),
  };
  context.df = df;
  return {
    context,
    calls,
    state: () => (state === undefined ? undefined : (JSON.parse(state) as UserActivityState)),
    returned: () => returned,
  };
}

const sinkAndEntity = () => {
  const sink = new RecordingSink();
  const entity = createUserActivityEntity({
    dependencies: () => Promise.resolve({ rules: DEFAULT_RULE_CONFIG.user, sink }),
  });
  return { sink, entity };
};

describe('userActivity entity (DummyEntityContext)', () => {
  it('applyActivity: reduces, sets the state once, hands anomalies to the sink', async () => {
    const { sink, entity } = sinkAndEntity();
    const d = dummy(
      'applyActivity',
      op([0, 20, 40, 60, 80].map((s) => failure(t0 + s * 1000, 50, 'pm-1-0'))),
    );
    await entity(d.context);
    expect(d.calls).toEqual(['getState', 'setState', 'return']);
    expect(d.state()!.lifetime.reduce((a, b) => a + b, 0)).toBe(5);
    expect(sink.handled.map((e) => e.rule)).toEqual(['paymentVelocity']);
    expect(d.state()!.outbox).toEqual([]);
  });

  it('a replayed operation changes nothing and writes nothing', async () => {
    const { entity } = sinkAndEntity();
    const input = op([view(t0), view(t0 + 1000)], 5);
    const first = dummy('applyActivity', input);
    await entity(first.context);
    const again = dummy('applyActivity', input, first.state());
    await entity(again.context);
    expect(again.calls).toEqual(['getState', 'return']);
    expect(again.returned()).toEqual({ applied: 0, skipped: 2 });
  });

  it.each([
    ['an unknown operation', 'explode', {}],
    ['no operation name', undefined, {}],
    ['applyActivity without input', 'applyActivity', undefined],
    ['events out of their range', 'applyActivity', { ...op([view(t0)], 3), lastSeq: 2 }],
    ['a bad event type', 'applyActivity', op([{ timeMs: t0, type: 'teleport' as never }])],
    ['getProfile with a bad top', 'getProfile', { top: 99 }],
  ])('throws on %s before touching the state', async (_name, operation, input) => {
    const { entity } = sinkAndEntity();
    const d = dummy(operation, input);
    await expect(entity(d.context)).rejects.toThrow(/expected/);
    expect(d.calls).toEqual([]);
  });

  it('keeps anomalies the sink could not take in the outbox, and delivers them with the next operation', async () => {
    const { sink, entity } = sinkAndEntity();
    sink.failing = true;
    const first = dummy(
      'applyActivity',
      op([0, 20, 40, 60, 80].map((s) => failure(t0 + s * 1000, 50, 'pm-1-0'))),
    );
    await entity(first.context);
    expect(first.state()!.outbox.map((e) => e.rule)).toEqual(['paymentVelocity']);
    sink.failing = false;
    const next = dummy('getProfile', undefined, first.state());
    await entity(next.context);
    expect(sink.handled.map((e) => e.rule)).toEqual(['paymentVelocity']);
    expect(next.state()!.outbox).toEqual([]);
    expect((next.returned() as UserProfile).userId).toBe('user-0001');
  });

  it('reset destroys the entity', async () => {
    const { entity } = sinkAndEntity();
    const first = dummy('applyActivity', op([view(t0)]));
    await entity(first.context);
    const reset = dummy('reset', undefined, first.state());
    await entity(reset.context);
    expect(reset.calls).toEqual(['getState', 'destructOnExit']);
    expect(reset.state()).toBeUndefined();
  });
});

describe('userActivity entity under the durable-functions Entity runtime', () => {
  it('runs a batch of operations like the host: state JSON round trip, results, errors recorded', async () => {
    const { entity } = sinkAndEntity();
    const run = testingUtils.createEntityFunction(entity);
    const trigger = {
      self: new EntityId(USER_ACTIVITY_ENTITY, 'user-0001'),
      exists: false,
      state: undefined,
      batch: [
        {
          id: '1',
          name: 'applyActivity',
          signal: true,
          input: JSON.stringify(op([view(t0), view(t0 + 10)], 0)),
        },
        {
          id: '2',
          name: 'applyActivity',
          signal: true,
          input: JSON.stringify(op([view(t0), view(t0 + 10)], 0)),
        },
        { id: '3', name: 'explode', signal: true, input: '' },
        { id: '4', name: 'getProfile', signal: false, input: JSON.stringify({ top: 2 }) },
      ],
    };
    const out = await run(trigger, new DummyEntityContext(USER_ACTIVITY_ENTITY));
    expect(out.entityExists).toBe(true);
    expect(out.results.map((r) => r.isError)).toEqual([false, false, true, false]);
    const profile = JSON.parse(out.results[3]!.result!) as UserProfile;
    expect(profile.counts.lifetime.product_view).toBe(2);
    expect(profile.topProducts).toEqual([{ id: 'product-0001', score: 2 }]);
    expect((JSON.parse(out.entityState!) as UserActivityState).applied).toEqual({ '0': 1 });
  });
});
