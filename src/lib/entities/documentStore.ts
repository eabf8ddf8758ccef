/** A stored JSON document and the version it was read at. */
export interface StoredDocument {
  readonly text: string;
  /** Opaque version: a write given it succeeds only if nobody wrote in between. */
  readonly etag: string;
}

/**
 * Small JSON documents under (scope, key), with optimistic concurrency: the local entity executor's
 * entity state and the keyed rule evaluators' state (Table Storage in production, memory in tests).
 */
export interface DocumentStore {
  read(scope: string, key: string): Promise<StoredDocument | undefined>;
  /** Creates the document; throws {@link DocumentConflictError} when it exists. Returns the new etag. */
  create(scope: string, key: string, text: string): Promise<string>;
  /** Replaces the document read at `etag`; throws {@link DocumentConflictError} when it changed or vanished. */
  replace(scope: string, key: string, text: string, etag: string): Promise<string>;
  /** Deletes the document read at `etag` (absent is fine); throws {@link DocumentConflictError} when it changed. */
  delete(scope: string, key: string, etag: string): Promise<void>;
}

/** Someone else wrote the document first: read it again and redo the update. */
export class DocumentConflictError extends Error {
  override readonly name = 'DocumentConflictError';
}

/** A {@link DocumentStore} in memory, with the same conflict semantics. */
export class InMemoryDocumentStore implements DocumentStore {
  private readonly docs = new Map<string, StoredDocument>();
  private version = 0;
  /** Writes performed (create, replace, delete), for tests. */
  writes = 0;

  private static id(scope: string, key: string): string {
    return `${scope}\u0000${key}`;
  }

  read(scope: string, key: string): Promise<StoredDocument | undefined> {
    return Promise.resolve(this.docs.get(InMemoryDocumentStore.id(scope, key)));
  }

  create(scope: string, key: string, text: string): Promise<string> {
    const id = InMemoryDocumentStore.id(scope, key);
    if (this.docs.has(id)) return Promise.reject(new DocumentConflictError(`${scope}/${key}: exists`));
    return Promise.resolve(this.put(id, text));
  }

  replace(scope: string, key: string, text: string, etag: string): Promise<string> {
    const id = InMemoryDocumentStore.id(scope, key);
    if (this.docs.get(id)?.etag !== etag) {
      return Promise.reject(new DocumentConflictError(`${scope}/${key}: changed since etag ${etag}`));
    }
    return Promise.resolve(this.put(id, text));
  }

  delete(scope: string, key: string, etag: string): Promise<void> {
    const id = InMemoryDocumentStore.id(scope, key);
    const doc = this.docs.get(id);
    if (doc !== undefined && doc.etag !== etag) {
      return Promise.reject(new DocumentConflictError(`${scope}/${key}: changed since etag ${etag}`));
    }
    this.writes++;
    this.docs.delete(id);
    return Promise.resolve();
  }

  /** Every document of a scope, by key (tests and the evaluation). */
  scope(scope: string): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, doc] of this.docs) {
      const [s, key] = id.split('\u0000') as [string, string];
      if (s === scope) out.set(key, doc.text);
    }
    return out;
  }

  private put(id: string, text: string): string {
    this.writes++;
    const etag = `v${++this.version}`;
    this.docs.set(id, { text, etag });
    return etag;
  }
}
