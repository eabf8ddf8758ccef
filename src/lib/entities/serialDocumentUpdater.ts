import { DocumentConflictError, type DocumentStore, type StoredDocument } from './documentStore';

/** What an update decides: the new text, `null` to delete, or `undefined` to leave the document as it is. */
export interface DocumentChange<R> {
  readonly text: string | null | undefined;
  readonly result: R;
}

export interface SerialDocumentUpdaterOptions {
  readonly store: DocumentStore;
  /** Documents whose last known text and etag are kept in memory, saving a read per update. Default 10,000. */
  readonly cacheSize?: number;
  /** Attempts of one update under write conflicts (other processes). Default 10. */
  readonly maxAttempts?: number;
}

/**
 * Read-modify-write of documents, one update at a time per document and in call order (a promise queue
 * per key in this process), with etag-conditional writes across processes: on a conflict the update is
 * run again on a fresh read. `update` must therefore be safe to run more than once.
 */
export class SerialDocumentUpdater {
  private readonly store: DocumentStore;
  private readonly cacheSize: number;
  private readonly maxAttempts: number;
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly cache = new Map<string, StoredDocument | null>();

  constructor(options: SerialDocumentUpdaterOptions) {
    this.store = options.store;
    this.cacheSize = options.cacheSize ?? 10_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    if (!Number.isSafeInteger(this.cacheSize) || this.cacheSize < 0)
      throw new RangeError(`cacheSize: expected a non-negative integer, received ${this.cacheSize}`);
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1)
      throw new RangeError(`maxAttempts: expected a positive integer, received ${this.maxAttempts}`);
  }

  /** Queues `update` behind the earlier updates of the same document and resolves with its result. */
  update<R>(
    scope: string,
    key: string,
    update: (text: string | undefined) => Promise<DocumentChange<R>> | DocumentChange<R>,
  ): Promise<R> {
    const id = `${scope}\u0000${key}`;
    const previous = this.tails.get(id) ?? Promise.resolve();
    const run = previous.then(
      () => this.apply(id, scope, key, update),
      () => this.apply(id, scope, key, update),
    );
    const tail = run.catch(() => undefined);
    this.tails.set(id, tail);
    void tail.then(() => {
      if (this.tails.get(id) === tail) this.tails.delete(id);
    });
    return run;
  }

  /** The document's text as stored now (a fresh read, not the cache). */
  async read(scope: string, key: string): Promise<string | undefined> {
    return (await this.store.read(scope, key))?.text;
  }

  private async apply<R>(
    id: string,
    scope: string,
    key: string,
    update: (text: string | undefined) => Promise<DocumentChange<R>> | DocumentChange<R>,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      let current = this.cache.get(id);
      if (current === undefined) {
        current = (await this.store.read(scope, key)) ?? null;
        this.remember(id, current);
      }
      const change = await update(current?.text);
      try {
        if (change.text === undefined) return change.result;
        if (change.text === null) {
          if (current !== null) await this.store.delete(scope, key, current.etag);
          this.remember(id, null);
        } else {
          const etag =
            current === null
              ? await this.store.create(scope, key, change.text)
              : await this.store.replace(scope, key, change.text, current.etag);
          this.remember(id, { text: change.text, etag });
        }
        return change.result;
      } catch (error) {
        this.cache.delete(id);
        if (!(error instanceof DocumentConflictError) || attempt >= this.maxAttempts) throw error;
      }
    }
  }

  private remember(id: string, doc: StoredDocument | null): void {
    if (this.cacheSize === 0) return;
    this.cache.delete(id);
    this.cache.set(id, doc);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
  }
}
