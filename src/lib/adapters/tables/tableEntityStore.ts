import { statusOf } from '../isRetriable';
import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { DocumentConflictError, type DocumentStore, type StoredDocument } from '../../entities/documentStore';
import type { OpenStorageOptions, StorageConnection } from '../storage/openStorage';
import { encodeKeyComponent } from './encodeKeyComponent';

/*
 * Layout: one row per document, PartitionKey <scope>~<encoded key> (every entity its own partition, so
 * entities spread over the service's partition servers), RowKey 'state', the JSON in property `text`.
 * A string property holds at most 64 KiB (32,768 UTF-16 code units); entity state stays far below.
 */
const rowKey = 'state';
/** Longest document text accepted, in UTF-16 code units (a Table string property holds 64 KiB). */
export const MAX_DOCUMENT_LENGTH = 32_000;

export interface TableEntityStoreOptions {
  readonly client: TableClient;
}

/** Entity and rule state in Table Storage, with etag-conditional writes. */
export class TableEntityStore implements DocumentStore {
  private readonly client: TableClient;

  constructor(options: TableEntityStoreOptions) {
    this.client = options.client;
  }

  private static partitionKey(scope: string, key: string): string {
    if (!/^[A-Za-z][A-Za-z0-9]{0,31}$/.test(scope))
      throw new RangeError(
        `scope: expected 1 to 32 letters or digits, starting with a letter, received ${scope}`,
      );
    return `${scope}~${encodeKeyComponent(key)}`;
  }

  private static checkLength(text: string): void {
    if (text.length > MAX_DOCUMENT_LENGTH)
      throw new RangeError(
        `document: expected at most ${MAX_DOCUMENT_LENGTH} characters, received ${text.length}`,
      );
  }

  async read(scope: string, key: string): Promise<StoredDocument | undefined> {
    try {
      const entity = await this.client.getEntity<{ text: string }>(
        TableEntityStore.partitionKey(scope, key),
        rowKey,
      );
      return { text: entity.text, etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async create(scope: string, key: string, text: string): Promise<string> {
    TableEntityStore.checkLength(text);
    try {
      const response = await this.client.createEntity({
        partitionKey: TableEntityStore.partitionKey(scope, key),
        rowKey,
        text,
      });
      return response.etag ?? '*';
    } catch (error) {
      if (statusOf(error) === 409)
        throw new DocumentConflictError(`${scope}/${key}: exists`, { cause: error });
      throw error;
    }
  }

  async replace(scope: string, key: string, text: string, etag: string): Promise<string> {
    TableEntityStore.checkLength(text);
    try {
      const response = await this.client.updateEntity(
        { partitionKey: TableEntityStore.partitionKey(scope, key), rowKey, text },
        'Replace',
        { etag },
      );
      return response.etag ?? '*';
    } catch (error) {
      const status = statusOf(error);
      if (status === 412 || status === 404) {
        throw new DocumentConflictError(`${scope}/${key}: changed since it was read`, { cause: error });
      }
      throw error;
    }
  }

  async delete(scope: string, key: string, etag: string): Promise<void> {
    try {
      await this.client.deleteEntity(TableEntityStore.partitionKey(scope, key), rowKey, { etag });
    } catch (error) {
      const status = statusOf(error);
      if (status === 404) return;
      if (status === 412)
        throw new DocumentConflictError(`${scope}/${key}: changed since it was read`, { cause: error });
      throw error;
    }
  }
}

export interface OpenTableOptions {
  readonly connection: StorageConnection;
  readonly tableName: string;
  readonly retryOptions?: OpenStorageOptions['retryOptions'];
}

/** A table client on the app's storage account, the table created when absent (safe to repeat). */
export async function openTable(options: OpenTableOptions): Promise<TableClient> {
  const c = options.connection;
  const clientOptions: TableServiceClientOptions = {
    allowInsecureConnection: true,
    ...(options.retryOptions ? { retryOptions: { ...options.retryOptions } } : {}),
  };
  const client =
    c.kind === 'connectionString'
      ? TableClient.fromConnectionString(c.connectionString, options.tableName, clientOptions)
      : new TableClient(c.tableServiceUri, options.tableName, c.credential, clientOptions);
  await client.createTable();
  return client;
}
