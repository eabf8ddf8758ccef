import type { InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import type { EntitySignaller, EntityStateReader } from './entityPorts';

/** A Durable client as the entity ports: `signalEntity` (fire-and-forget) and `readEntityState`. */
export function durableEntityPorts(
  client: Pick<df.DurableClient, 'signalEntity' | 'readEntityState'>,
): EntitySignaller & EntityStateReader {
  return {
    signal: (entityName, key, operationName, input) =>
      client.signalEntity(new df.EntityId(entityName, key), operationName, input),
    async readState<T>(entityName: string, key: string): Promise<T | undefined> {
      const response = await client.readEntityState<T>(new df.EntityId(entityName, key));
      return response.entityExists ? response.entityState : undefined;
    },
  };
}

/**
 * The Durable client of an invocation as the entity ports. The function must declare the
 * `df.input.durableClient()` extra input, or `df.getClient` throws.
 */
export function durableEntityClient(context: InvocationContext): EntitySignaller & EntityStateReader {
  return durableEntityPorts(df.getClient(context));
}
