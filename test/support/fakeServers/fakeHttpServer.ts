import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the fake received it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What a route answers. */
export interface FakeResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON unless a string. */
  readonly body?: unknown;
}

/**
 * A fault to inject instead of the route's answer: a status (429, 500...) with headers and body, a hang
 * (no answer until the server closes: the client times out), or a reset connection.
 */
export type Fault =
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: unknown;
    }
  | { readonly kind: 'hang' }
  | { readonly kind: 'reset' };

export type Route = (request: RecordedRequest) => FakeResponse;

/**
 * A local HTTP server for the SDKs to talk to: records every request, answers through a route, and
 * lets a test queue faults for requests that match a predicate. Binds 127.0.0.1 on a free port.
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: { match: (r: RecordedRequest) => boolean; fault: Fault }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(route: Route): Promise<FakeHttpServer> {
    const ref: { fake?: FakeHttpServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://fake');
        const recorded: RecordedRequest = {
          method: req.method ?? 'GET',
          path: decodeURIComponent(url.pathname),
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        ref.fake!.handle(recorded, res, route);
      });
    });
    server.on('connection', (s: Socket) => {
      ref.fake?.sockets.add(s);
      s.on('close', () => ref.fake?.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    ref.fake = new FakeHttpServer(server, `http://127.0.0.1:${port}`);
    return ref.fake;
  }

  /** The next requests that match get these faults, one each, in order. */
  inject(match: (r: RecordedRequest) => boolean, ...faults: Fault[]): void {
    for (const fault of faults) this.faults.push({ match, fault });
  }

  /** Requests with this method whose path matches. */
  matching(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  private handle(request: RecordedRequest, res: ServerResponse, route: Route): void {
    this.requests.push(request);
    const i = this.faults.findIndex((f) => f.match(request));
    if (i >= 0) {
      const { fault } = this.faults.splice(i, 1)[0]!;
      if (fault.kind === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (fault.kind === 'reset') {
        res.socket?.destroy();
        return;
      }
      this.send(res, {
        status: fault.status,
        ...(fault.headers ? { headers: fault.headers } : {}),
        body: fault.body,
      });
      return;
    }
    let answer: FakeResponse;
    try {
      answer = route(request);
    } catch (error) {
      answer = { status: 500, body: { error: { code: 'FakeServerError', message: String(error) } } };
    }
    this.send(res, answer);
  }

  private send(res: ServerResponse, answer: FakeResponse): void {
    const body =
      answer.body === undefined
        ? ''
        : typeof answer.body === 'string'
          ? answer.body
          : JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      ...(answer.body !== undefined && typeof answer.body !== 'string'
        ? { 'content-type': 'application/json' }
        : {}),
      ...answer.headers,
    });
    res.end(body);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
