import type { TokenCredential } from '@azure/identity';
import type { PowerBiApi, PowerBiTable } from '../../outputs/powerBiSink';
import { realSleep, retryWithBackoff, type Sleep } from '../../outputs/retryWithBackoff';
import { isRetriable, parseRetryAfter, retryAfterOf, wasNotAccepted } from '../isRetriable';

/** The Entra ID scope of the Power BI REST API. */
export const powerBiScope = 'https://analysis.windows.net/powerbi/api/.default';

export interface PowerBiRestClientOptions {
  /** The workspace (group) id. */
  readonly workspaceId: string;
  /** Managed identity in Azure, DefaultAzureCredential locally; tests pass a static one. */
  readonly credential: TokenCredential;
  /** Default https://api.powerbi.com. */
  readonly baseUrl?: string;
  /** Attempts per request for 429, 5xx and timeouts. Default 5. */
  readonly maxAttempts?: number;
  /** Per request, in ms. Default 30000. */
  readonly timeoutInMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

/** A failed Power BI request: its status, Power BI's error code, and Retry-After. */
export class PowerBiRequestError extends Error {
  override readonly name = 'PowerBiRequestError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
    readonly retryAfterInMs: number | undefined,
  ) {
    super(message);
  }
}

/**
 * The Power BI push-dataset REST API with fetch: Entra ID bearer tokens (cached until 5 minutes before
 * they expire), 429 / 5xx / timeouts retried honouring Retry-After. Creating a dataset is retried only
 * when Power BI certainly did not act on the request (429, no connection): creating twice would make two.
 */
export class PowerBiRestClient implements PowerBiApi {
  private readonly o: PowerBiRestClientOptions;
  private readonly base: string;
  private token: { value: string; expiresMs: number } | undefined;

  constructor(options: PowerBiRestClientOptions) {
    if (!/^[0-9a-fA-F-]{36}$/.test(options.workspaceId)) {
      throw new TypeError(
        `workspaceId: expected a workspace GUID, received ${JSON.stringify(options.workspaceId)}`,
      );
    }
    this.o = options;
    this.base = `${(options.baseUrl ?? 'https://api.powerbi.com').replace(/\/+$/, '')}/v1.0/myorg/groups/${options.workspaceId}`;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private async bearer(): Promise<string> {
    if (this.token && this.token.expiresMs - 5 * 60_000 > this.now()) return this.token.value;
    const t = await this.o.credential.getToken(powerBiScope);
    if (!t) throw new Error(`no token for ${powerBiScope}`);
    this.token = { value: t.token, expiresMs: t.expiresOnTimestamp };
    return t.token;
  }

  private async request(
    method: string,
    path: string,
    body: unknown,
    retry: 'transient' | 'notAccepted',
  ): Promise<unknown> {
    const doFetch = this.o.fetch ?? fetch;
    return retryWithBackoff(
      async () => {
        const response = await doFetch(`${this.base}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${await this.bearer()}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(this.o.timeoutInMs ?? 30_000),
        });
        const text = await response.text();
        if (!response.ok) {
          let code: string | undefined;
          try {
            code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          } catch {
            code = undefined;
          }
          throw new PowerBiRequestError(
            `Power BI ${method} ${path}: ${response.status}${code ? ` ${code}` : ''}`,
            response.status,
            code,
            parseRetryAfter(response.headers.get('retry-after'), this.now()),
          );
        }
        return text ? (JSON.parse(text) as unknown) : undefined;
      },
      {
        maxAttempts: this.o.maxAttempts ?? 5,
        shouldRetry: retry === 'transient' ? isRetriable : wasNotAccepted,
        retryAfterInMs: (error) => retryAfterOf(error, this.now()),
        initialDelayInMs: 1000,
        sleep: this.o.sleep ?? realSleep,
      },
    );
  }

  async findDataset(name: string): Promise<string | undefined> {
    const list = (await this.request('GET', '/datasets', undefined, 'transient')) as {
      value?: { id: string; name: string }[];
    };
    return list.value?.find((d) => d.name === name)?.id;
  }

  async createDataset(name: string, table: PowerBiTable): Promise<string> {
    const created = (await this.request(
      'POST',
      '/datasets?defaultRetentionPolicy=basicFIFO',
      { name, defaultMode: 'Push', tables: [{ name: table.name, columns: table.columns }] },
      'notAccepted',
    )) as { id?: string };
    if (typeof created.id !== 'string') throw new Error(`Power BI created dataset ${name} without an id`);
    return created.id;
  }

  async putTable(datasetId: string, table: PowerBiTable): Promise<void> {
    await this.request(
      'PUT',
      `/datasets/${encodeURIComponent(datasetId)}/tables/${encodeURIComponent(table.name)}`,
      { name: table.name, columns: table.columns },
      'transient',
    );
  }

  async postRows(
    datasetId: string,
    tableName: string,
    rows: readonly Record<string, unknown>[],
  ): Promise<void> {
    await this.request(
      'POST',
      `/datasets/${encodeURIComponent(datasetId)}/tables/${encodeURIComponent(tableName)}/rows`,
      { rows },
      'transient',
    );
  }
}
