/**
 * How the ingest path talks to entities, whoever runs them: the Durable Functions runtime (through the
 * Durable client) in Azure and under `func start`, the local executor under `npm start`, the replay and
 * tests.
 */
export interface EntitySignaller {
  /**
   * Sends one operation to the entity `entityName` / `key`, fire-and-forget: resolves once the operation is
   * accepted (Durable: enqueued; local: applied). The entity must tolerate seeing it twice.
   */
  signal(entityName: string, key: string, operationName: string, input?: unknown): Promise<void>;
}

/** Reads an entity's last committed state (for read models; may lag the latest signals). */
export interface EntityStateReader {
  /** The state, or undefined when the entity does not exist. */
  readState<T>(entityName: string, key: string): Promise<T | undefined>;
}
