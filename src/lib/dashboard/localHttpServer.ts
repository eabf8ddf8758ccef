import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HttpRequest,
  HttpResponse,
  InvocationContext,
  type HttpHandler,
  type HttpResponseInit,
} from '@azure/functions';

/** An HTTP function as the local server routes to it: like app.http's options. */
export interface LocalRoute {
  /** The function name (for its InvocationContext). */
  readonly name: string;
  readonly methods: readonly string[];
  /** The route under /api, with {name} parameters, e.g. 'alerts/{id}/ack'. */
  readonly route: string;
  readonly handler: HttpHandler;
}

export interface LocalHttpServerOptions {
  readonly routes: readonly LocalRoute[];
  /** Default 127.0.0.1: the local server is for this machine only. */
  readonly host?: string;
  /** The port to try first; when it is taken, any free port. 0 means any free port. */
  readonly port: number;
  /** Where handler errors are reported. */
  readonly onError?: (line: string) => void;
}

export interface LocalHttpServer {
  /** e.g. http://127.0.0.1:7071 */
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

interface CompiledRoute {
  readonly route: LocalRoute;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.route
    .split('/')
    .map((segment) => {
      const m = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^/api/${source}/?$`), names };
}

async function readBody(request: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new RangeError(`request body: expected at most ${maxBodyBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function send(
  response: ServerResponse,
  init: HttpResponseInit | HttpResponse,
  headOnly = false,
): Promise<void> {
  const res = init instanceof HttpResponse ? init : new HttpResponse(init);
  const body = Buffer.from(await res.arrayBuffer());
  res.headers.forEach((value, name) => response.setHeader(name, value));
  response.statusCode = res.status;
  response.setHeader('content-length', body.length);
  response.end(headOnly ? undefined : body);
}

const plain = (status: number, text: string): HttpResponseInit => ({
  status,
  body: `${text}\n`,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
});

/**
 * Serves HTTP functions' handlers from node:http, the way the Functions host would call them (an
 * @azure/functions HttpRequest with route parameters, a fresh InvocationContext), for `npm start`,
 * where there is no host. No function keys: it listens on the loopback interface only.
 */
export async function startLocalHttpServer(options: LocalHttpServerOptions): Promise<LocalHttpServer> {
  const host = options.host ?? '127.0.0.1';
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    throw new RangeError(`dashboard port: expected an integer in 0..65535, received ${options.port}`);
  }
  const routes = options.routes.map(compile);
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? host}`);
    const method = (request.method ?? 'GET').toUpperCase();
    let pathMatched = false;
    for (const { route, pattern, names } of routes) {
      const m = pattern.exec(url.pathname);
      if (!m) continue;
      pathMatched = true;
      // HEAD is GET without the body, as HTTP says.
      if (!route.methods.includes(method === 'HEAD' ? 'GET' : method)) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(request.headers)) {
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(request);
      const httpRequest = new HttpRequest({
        method,
        url: url.toString(),
        headers,
        params,
        ...(body && body.length > 0 ? { body: { bytes: body } } : {}),
      });
      const context = new InvocationContext({
        functionName: route.name,
        logHandler: (level, ...args) => {
          if (level === 'error') options.onError?.(`[${route.name}] ${JSON.stringify(args)}`);
        },
      });
      await send(response, await route.handler(httpRequest, context), method === 'HEAD');
      return;
    }
    await send(response, pathMatched ? plain(405, 'Method not allowed') : plain(404, 'Not found'));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      options.onError?.(`[http] ${request.method} ${request.url}: ${message}`);
      if (!response.headersSent) {
        response.statusCode = 500;
        response.setHeader('content-type', 'text/plain; charset=utf-8');
      }
      response.end(`Internal error: ${message}\n`);
    });
  });
  const port = await listen(server, host, options.port).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' || options.port === 0) throw error;
    return listen(server, host, 0);
  });
  return {
    origin: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
