import type { EntityId } from 'durable-functions';
import { EntityStateResponse } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { durableEntityPorts } from '../../../src/lib/entities/durableEntities';

describe('durableEntityPorts', () => {
  it('signals entities by EntityId and reads their last committed state', async () => {
    const signals: [string, string | undefined, unknown][] = [];
    const ports = durableEntityPorts({
      signalEntity(id: EntityId, operationName?: string, input?: unknown) {
        signals.push([id.toString(), operationName, input]);
        return Promise.resolve();
      },
      readEntityState<T>(id: EntityId) {
        return Promise.resolve(
          id.key === 'known'
            ? new EntityStateResponse<T>(true, { n: 1 } as T)
            : new EntityStateResponse<T>(false, undefined),
        );
      },
    });
    await ports.signal('userActivity', 'User-1', 'applyActivity', { partitionId: '0' });
    expect(signals).toEqual([['@useractivity@User-1', 'applyActivity', { partitionId: '0' }]]);
    expect(await ports.readState('userActivity', 'known')).toEqual({ n: 1 });
    expect(await ports.readState('userActivity', 'unknown')).toBeUndefined();
  });
});
