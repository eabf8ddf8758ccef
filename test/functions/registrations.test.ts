import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Registration {
  metadata: {
    name: string;
    bindings: Record<string, Record<string, unknown>>;
    retryOptions?: Record<string, unknown>;
  };
  hasCallback: boolean;
}

const root = join(__dirname, '../..');

/** What the Functions host would receive from the compiled app (npm test builds it first). */
function recordRegistrations(): { model: string; registrations: Registration[] } {
  const r = spawnSync(
    process.execPath,
    [join(root, 'test/support/recordRegistrations.cjs'), join(root, 'dist/src/functions')],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: join(root, 'test/support/functions-core-recorder') },
    },
  );
  if (r.status !== 0) throw new Error(`recording failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { model: string; registrations: Registration[] };
}

describe('function registrations (what `func start` would load)', () => {
  const { model, registrations } = recordRegistrations();
  const byName = new Map(registrations.map((r) => [r.metadata.name, r]));

  it('registers the v4 programming model and exactly the app functions', () => {
    expect(model).toBe('@azure/functions');
    expect([...byName.keys()].sort()).toEqual(['closeWindows', 'health', 'ingestClickEvents']);
    for (const r of registrations) expect(r.hasCallback).toBe(true);
  });

  it('ingestClickEvents: Event Hubs trigger, many, string bodies, settings-bound names, finite retry', () => {
    const r = byName.get('ingestClickEvents')!;
    expect(r.metadata.bindings).toEqual({
      messages: {
        type: 'eventHubTrigger',
        direction: 'in',
        connection: 'EventHubConnection',
        eventHubName: '%EVENTHUB_NAME%',
        consumerGroup: '%EVENTHUB_CONSUMER_GROUP%',
        cardinality: 'many',
        dataType: 'string',
        name: 'messages',
        properties: { supportsDeferredBinding: 'false' },
      },
    });
    expect(r.metadata.retryOptions).toEqual({
      strategy: 'exponentialBackoff',
      retryStrategy: 'exponentialBackoff',
      maxRetryCount: 6,
      minimumInterval: { seconds: 2 },
      maximumInterval: { seconds: 60 },
    });
  });

  it('closeWindows: timer on the CLOSE_WINDOWS_SCHEDULE setting', () => {
    const bindings = Object.values(byName.get('closeWindows')!.metadata.bindings);
    expect(bindings).toEqual([
      expect.objectContaining({
        type: 'timerTrigger',
        direction: 'in',
        schedule: '%CLOSE_WINDOWS_SCHEDULE%',
      }),
    ]);
  });

  it('health: GET with function-key auth and an HTTP response', () => {
    const bindings = Object.values(byName.get('health')!.metadata.bindings);
    expect(bindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'httpTrigger',
          direction: 'in',
          authLevel: 'function',
          methods: ['GET'],
          route: 'health',
        }),
        expect.objectContaining({ type: 'http', direction: 'out' }),
      ]),
    );
  });
});
