import { TableClient, type TableServiceClientOptions } from '@azure/data-tables';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';

/** How to reach a storage account: a connection string (local, Azurite) or endpoints and an identity. */
export type StorageConnection =
  | { readonly kind: 'connectionString'; readonly connectionString: string }
  | {
      readonly kind: 'identity';
      readonly tableServiceUri: string;
      readonly blobServiceUri: string;
      readonly credential: TokenCredential;
    };

/** Any HTTP request the storage clients send; the benchmark counts them with it. */
export type RequestObserver = (method: string, url: string) => void;

export interface OpenStorageOptions {
  readonly connection: StorageConnection;
  readonly stateTableName: string;
  readonly containers: readonly string[];
  readonly observeRequest?: RequestObserver;
  /** SDK retry policy; default: the SDKs' own (exponential, 3 retries). */
  readonly retryOptions?: {
    readonly maxRetries?: number;
    readonly retryDelayInMs?: number;
    readonly maxRetryDelayInMs?: number;
  };
}

export interface OpenedStorage {
  readonly stateTable: TableClient;
  readonly container: (name: string) => ContainerClient;
}

const countingPolicy = (observe: RequestObserver) => ({
  name: 'clickpulseRequestObserver',
  sendRequest: (request: { method: string; url: string }, next: (r: never) => Promise<unknown>) => {
    observe(request.method, request.url);
    return next(request as never);
  },
});

/**
 * Opens the state table and blob containers, creating them when absent (safe to repeat).
 * Azurite's explicit http:// endpoints need allowInsecureConnection; Azure endpoints are https.
 */
export async function openStorage(options: OpenStorageOptions): Promise<OpenedStorage> {
  const c = options.connection;
  const tableOptions: TableServiceClientOptions = {
    allowInsecureConnection: true,
    ...(options.retryOptions ? { retryOptions: { ...options.retryOptions } } : {}),
  };
  const blobOptions = options.retryOptions
    ? {
        retryOptions: {
          maxTries: (options.retryOptions.maxRetries ?? 3) + 1,
          retryDelayInMs: options.retryOptions.retryDelayInMs,
          maxRetryDelayInMs: options.retryOptions.maxRetryDelayInMs,
        },
      }
    : {};
  const stateTable =
    c.kind === 'connectionString'
      ? TableClient.fromConnectionString(c.connectionString, options.stateTableName, tableOptions)
      : new TableClient(c.tableServiceUri, options.stateTableName, c.credential, tableOptions);
  const blobs =
    c.kind === 'connectionString'
      ? BlobServiceClient.fromConnectionString(c.connectionString, blobOptions)
      : new BlobServiceClient(c.blobServiceUri, c.credential, blobOptions);
  if (options.observeRequest) {
    const policy = countingPolicy(options.observeRequest);
    // After the retry policy, so that every attempt is seen, retries included.
    stateTable.pipeline.addPolicy(policy as never, { afterPhase: 'Retry' });
  }
  await stateTable.createTable();
  await Promise.all(options.containers.map((name) => blobs.getContainerClient(name).createIfNotExists()));
  return { stateTable, container: (name) => blobs.getContainerClient(name) };
}
