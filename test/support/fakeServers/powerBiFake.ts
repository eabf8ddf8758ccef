import { randomUUID } from 'node:crypto';
import { FakeHttpServer, type FakeResponse, type RecordedRequest } from './fakeHttpServer';

interface FakeTable {
  name: string;
  columns: { name: string; dataType: string }[];
  rows: Record<string, unknown>[];
}

export interface FakeDataset {
  readonly id: string;
  readonly name: string;
  readonly defaultMode: string;
  readonly retention: string | null;
  readonly tables: Map<string, FakeTable>;
}

const dataTypes = new Set(['Int64', 'Double', 'Boolean', 'DateTime', 'String', 'bool', 'string']);

/**
 * The Power BI push-dataset REST API: under /v1.0/myorg/groups/{groupId}, GET /datasets ({value}),
 * POST /datasets?defaultRetentionPolicy=basicFIFO (201 {id, name}), PUT /datasets/{id}/tables/{name},
 * POST /datasets/{id}/tables/{name}/rows ({rows}, at most 10,000, columns of the table). Bearer auth.
 */
export class PowerBiFake {
  readonly datasets = new Map<string, FakeDataset>();
  /** Token the fake accepts. */
  readonly token = 'fake-powerbi-token';

  private constructor(
    readonly server: FakeHttpServer,
    readonly groupId: string,
  ) {}

  static async start(groupId = '11111111-2222-3333-4444-555555555555'): Promise<PowerBiFake> {
    const ref: { fake?: PowerBiFake } = {};
    const server = await FakeHttpServer.start((r) => ref.fake!.route(r));
    ref.fake = new PowerBiFake(server, groupId);
    return ref.fake;
  }

  /** POST .../rows requests, faults included. */
  get rowPosts(): RecordedRequest[] {
    return this.server.matching('POST', /\/rows$/);
  }

  /** Rows stored in a dataset's table. */
  rows(datasetName: string, table: string): Record<string, unknown>[] {
    const d = [...this.datasets.values()].find((x) => x.name === datasetName);
    return d?.tables.get(table)?.rows ?? [];
  }

  private error(status: number, code: string, message: string): FakeResponse {
    return { status, body: { error: { code, message } } };
  }

  private route(r: RecordedRequest): FakeResponse {
    if (r.headers.authorization !== `Bearer ${this.token}`)
      return this.error(403, 'TokenExpired', 'Access token is missing or invalid');
    const prefix = `/v1.0/myorg/groups/${this.groupId}`;
    if (!r.path.startsWith(prefix)) return this.error(404, 'PowerBIEntityNotFound', 'workspace not found');
    const path = r.path.slice(prefix.length);
    if (r.method === 'GET' && path === '/datasets') {
      return {
        status: 200,
        body: {
          value: [...this.datasets.values()].map((d) => ({
            id: d.id,
            name: d.name,
            addRowsAPIEnabled: true,
          })),
        },
      };
    }
    if (r.method === 'POST' && path === '/datasets') return this.createDataset(r);
    const table = /^\/datasets\/([^/]+)\/tables\/([^/]+)(\/rows)?$/.exec(path);
    if (!table) return this.error(404, 'NotFound', `${r.method} ${path}`);
    const dataset = this.datasets.get(table[1]!);
    if (!dataset) return this.error(404, 'ItemNotFound', `dataset ${table[1]}`);
    if (r.method === 'PUT' && !table[3]) {
      const body = JSON.parse(r.body) as { name: string; columns: { name: string; dataType: string }[] };
      const problem = this.columnsProblem(body.columns);
      if (problem) return this.error(400, 'InvalidRequest', problem);
      const existing = dataset.tables.get(table[2]!);
      if (!existing) return this.error(404, 'ItemNotFound', `table ${table[2]}`);
      existing.columns = body.columns;
      return { status: 200, body: { name: body.name } };
    }
    if (r.method === 'POST' && table[3]) {
      const t = dataset.tables.get(table[2]!);
      if (!t) return this.error(404, 'ItemNotFound', `table ${table[2]}`);
      const body = JSON.parse(r.body) as { rows?: Record<string, unknown>[] };
      const rows = body.rows ?? [];
      if (rows.length > 10_000) return this.error(400, 'InvalidRequest', `too many rows: ${rows.length}`);
      const names = new Set(t.columns.map((c) => c.name));
      for (const row of rows) {
        for (const k of Object.keys(row))
          if (!names.has(k)) return this.error(400, 'InvalidRequest', `unknown column ${k}`);
      }
      t.rows.push(...rows);
      // basicFIFO keeps the newest 200,000 rows.
      if (dataset.retention === 'basicFIFO' && t.rows.length > 200_000)
        t.rows.splice(0, t.rows.length - 200_000);
      return { status: 200, body: {} };
    }
    return this.error(405, 'MethodNotAllowed', `${r.method} ${path}`);
  }

  private columnsProblem(columns: { name: string; dataType: string }[] | undefined): string | undefined {
    if (!columns || columns.length === 0) return 'a table needs columns';
    if (columns.length > 75) return `too many columns: ${columns.length}`;
    const bad = columns.find((c) => !dataTypes.has(c.dataType));
    return bad ? `unsupported dataType ${bad.dataType}` : undefined;
  }

  private createDataset(r: RecordedRequest): FakeResponse {
    const body = JSON.parse(r.body) as {
      name?: string;
      defaultMode?: string;
      tables?: { name: string; columns: { name: string; dataType: string }[] }[];
    };
    if (!body.name || !body.tables?.length)
      return this.error(400, 'InvalidRequest', 'name and tables are required');
    if (body.tables.length > 75) return this.error(400, 'InvalidRequest', 'too many tables');
    for (const t of body.tables) {
      const problem = this.columnsProblem(t.columns);
      if (problem) return this.error(400, 'InvalidRequest', problem);
    }
    const id = randomUUID();
    const dataset: FakeDataset = {
      id,
      name: body.name,
      defaultMode: body.defaultMode ?? 'Push',
      retention: r.query.get('defaultRetentionPolicy'),
      tables: new Map(body.tables.map((t) => [t.name, { name: t.name, columns: t.columns, rows: [] }])),
    };
    this.datasets.set(id, dataset);
    return {
      status: 201,
      body: { id, name: body.name, defaultRetentionPolicy: dataset.retention, addRowsAPIEnabled: true },
    };
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
