import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startLocalHttpServer } from '../../../src/lib/dashboard/localHttpServer';

describe('startLocalHttpServer', () => {
  it('routes to handlers with route parameters, query and body, as the Functions host would', async () => {
    const server = await startLocalHttpServer({
      port: 0,
      routes: [
        {
          name: 'echo',
          methods: ['POST'],
          route: 'things/{id}/ack',
          handler: async (request, context) => ({
            status: 201,
            jsonBody: {
              id: request.params.id,
              q: request.query.get('q'),
              body: await request.text(),
              fn: context.functionName,
            },
          }),
        },
        { name: 'page', methods: ['GET'], route: 'page', handler: () => Promise.resolve({ body: 'hello' }) },
      ],
    });
    try {
      const r = await fetch(`${server.origin}/api/things/a%20b/ack?q=1`, { method: 'POST', body: 'x' });
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toBe('application/json');
      expect(await r.json()).toEqual({ id: 'a b', q: '1', body: 'x', fn: 'echo' });
      expect(await (await fetch(`${server.origin}/api/page`)).text()).toBe('hello');
      const head = await fetch(`${server.origin}/api/page`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect((await fetch(`${server.origin}/api/things/1/ack`)).status).toBe(405);
      expect((await fetch(`${server.origin}/api/nothing`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers 500 when a handler throws, and reports it', async () => {
    const errors: string[] = [];
    const server = await startLocalHttpServer({
      port: 0,
      onError: (line) => errors.push(line),
      routes: [
        { name: 'bad', methods: ['GET'], route: 'bad', handler: () => Promise.reject(new Error('boom')) },
      ],
    });
    try {
      const r = await fetch(`${server.origin}/api/bad`);
      expect(r.status).toBe(500);
      expect(errors.join('\n')).toContain('boom');
    } finally {
      await server.close();
    }
  });

  it('falls back to a free port when the preferred one is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const server = await startLocalHttpServer({ port: taken, routes: [] });
      expect(server.port).not.toBe(taken);
      expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
      await server.close();
      await expect(startLocalHttpServer({ port: 70_000, routes: [] })).rejects.toThrow(/0\.\.65535/);
    } finally {
      blocker.close();
    }
  });
});
