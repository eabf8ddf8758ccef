import type { LogHandler } from '@azure/functions';
import {
  DummyEntityContext,
  EntityId,
  type DurableEntityContext,
  type EntityContext,
} from 'durable-functions';
import type { DocumentStore } from './documentStore';
import type { EntitySignaller, EntityStateReader } from './entityPorts';
import { SerialDocumentUpdater } from './serialDocumentUpdater';

/**
 * An entity function as Durable Functions calls it (it awaits what the function returns), of any state
 * type (`never` accepts them all: the executor hands over whatever state was stored).
 */
export type LocalEntityFunction = (context: EntityContext<never>) => void | Promise<void>;

export interface LocalEntityExecutorOptions {
  /** Where entity state lives: Table Storage locally, memory in tests. */
  readonly store: DocumentStore;
  /** The entity functions by entity name (matched without regard to case, as Durable Functions does). */
  readonly entities: Readonly<Record<string, LocalEntityFunction>>;
  /** Receives the entities' logs and failed operations. Default: none. */
  readonly logHandler?: LogHandler;
  /** Entity states cached in memory. Default 10,000. */
  readonly cacheSize?: number;
}

/** The outcome of one operation, as Durable Functions records it. */
interface OperationOutcome {
  readonly result: unknown;
  readonly error: unknown;
  readonly failed: boolean;
  readonly signals: readonly (readonly [EntityId, string, unknown])[];
}

/** An operation failed inside the entity (Durable Functions records it and moves on; so does `signal`). */
export class EntityOperationError extends Error {
  override readonly name = 'EntityOperationError';
}

/**
 * Runs Durable entity functions in this process, with their state in a {@link DocumentStore}: the same
 * handlers Durable Functions runs in Azure, for `npm start`, the replay and tests. Each entity's
 * operations run one at a time and in order (a promise queue per entity here, etag-conditional writes
 * across processes). The context mimics Durable Functions 3: `getState` returns a JSON copy, state set
 * before a throw is kept (no rollback), `destructOnExit` deletes the entity, signals to other entities
 * are sent after the state is committed. The handler's own side effects may repeat when a write
 * conflicts with another process and the operation is run again.
 */
export class LocalEntityExecutor implements EntitySignaller, EntityStateReader {
  private readonly updater: SerialDocumentUpdater;
  private readonly entities: ReadonlyMap<string, LocalEntityFunction>;
  private readonly logHandler: LogHandler;
  private invocations = 0;

  constructor(options: LocalEntityExecutorOptions) {
    this.updater = new SerialDocumentUpdater({
      store: options.store,
      ...(options.cacheSize === undefined ? {} : { cacheSize: options.cacheSize }),
    });
    this.entities = new Map(Object.entries(options.entities).map(([name, fn]) => [name.toLowerCase(), fn]));
    this.logHandler = options.logHandler ?? (() => undefined);
  }

  /** Fire-and-forget, as from a Durable client: a failing operation is logged, not thrown. */
  async signal(entityName: string, key: string, operationName: string, input?: unknown): Promise<void> {
    const outcome = await this.run(entityName, key, operationName, input);
    if (outcome.failed) {
      this.logHandler('error', 'clickpulse.entityOperationFailed', {
        entityId: new EntityId(entityName, key).toString(),
        operationName,
        error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
      });
    }
  }

  /** Request/response, as `callEntity` from an orchestration: resolves with the result, rejects on failure. */
  async call(entityName: string, key: string, operationName: string, input?: unknown): Promise<unknown> {
    const outcome = await this.run(entityName, key, operationName, input);
    if (outcome.failed) {
      const message = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new EntityOperationError(
        `${new EntityId(entityName, key).toString()} ${operationName}: ${message}`,
        {
          cause: outcome.error,
        },
      );
    }
    return outcome.result;
  }

  async readState<T>(entityName: string, key: string): Promise<T | undefined> {
    const text = await this.updater.read(entityName.toLowerCase(), key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  private async run(
    entityName: string,
    key: string,
    operationName: string,
    input: unknown,
  ): Promise<OperationOutcome> {
    const fn = this.entities.get(entityName.toLowerCase());
    if (fn === undefined) {
      throw new TypeError(
        `entityName: expected one of ${[...this.entities.keys()].join(', ')}, received ${JSON.stringify(entityName)}`,
      );
    }
    const entityId = new EntityId(entityName, key);
    // The input travels as JSON, as it would through Durable Functions.
    const inputText = input === undefined ? undefined : JSON.stringify(input);
    const outcome = await this.updater.update(entityName.toLowerCase(), key, async (stored) => {
      let text = stored;
      let result: unknown;
      let error: unknown;
      let failed = false;
      const signals: [EntityId, string, unknown][] = [];
      const context = new DummyEntityContext<unknown>(
        entityName,
        `local-${entityId.toString()}-${++this.invocations}`,
        this.logHandler,
      );
      const df: DurableEntityContext<unknown> = {
        entityName: entityName.toLowerCase(),
        entityKey: key,
        entityId,
        operationName,
        isNewlyConstructed: stored === undefined,
        getState: (initializer?: () => unknown) =>
          text === undefined ? initializer?.() : (JSON.parse(text) as unknown),
        setState: (state: unknown) => {
          text = JSON.stringify(state);
        },
        getInput: <TInput>() => (inputText === undefined ? undefined : (JSON.parse(inputText) as TInput)),
        return: (value: unknown) => {
          result = value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
        },
        destructOnExit: () => {
          text = undefined;
        },
        signalEntity: (target: EntityId, name: string, operationInput?: unknown) => {
          signals.push([target, name, operationInput]);
        },
      };
      context.df = df;
      try {
        await fn(context as EntityContext<never>);
      } catch (e) {
        error = e;
        failed = true;
      }
      const change = text === stored ? undefined : text === undefined ? null : text;
      return { text: change, result: { result, error, failed, signals } satisfies OperationOutcome };
    });
    for (const [target, name, operationInput] of outcome.signals) {
      await this.signal(target.name, target.key, name, operationInput);
    }
    return outcome;
  }
}
