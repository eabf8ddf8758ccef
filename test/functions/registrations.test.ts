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
    expect([...byName.keys()].sort()).toEqual([
      'ackAlert',
      'alertDispatch',
      'alertEscalation',
      'closeWindows',
      'dashboard',
      'dashboardData',
      'health',
      'ingestClickEvents',
      'sendAlertEmail',
      'sendAlertSms',
      'userActivity',
      'userProfile',
    ]);
    for (const r of registrations) expect(r.hasCallback).toBe(true);
  });

  it('ingestClickEvents: Event Hubs trigger, many, string bodies, settings-bound names, finite retry', () => {
    const r = byName.get('ingestClickEvents')!;
    const { messages, ...extraInputs } = r.metadata.bindings;
    // The Durable client signals the userActivity entities (one signal per user per batch).
    expect(Object.values(extraInputs)).toEqual([
      expect.objectContaining({ type: 'durableClient', direction: 'in' }),
    ]);
    expect({ messages }).toEqual({
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

  it('userActivity: a Durable entity', () => {
    expect(Object.values(byName.get('userActivity')!.metadata.bindings)).toEqual([
      expect.objectContaining({ type: 'entityTrigger', direction: 'in' }),
    ]);
  });

  it('userProfile: GET users/{userId}/profile with function-key auth and the Durable client', () => {
    const bindings = Object.values(byName.get('userProfile')!.metadata.bindings);
    expect(bindings).toHaveLength(3);
    expect(bindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'httpTrigger',
          direction: 'in',
          authLevel: 'function',
          methods: ['GET'],
          route: 'users/{userId}/profile',
        }),
        expect.objectContaining({ type: 'durableClient', direction: 'in' }),
        expect.objectContaining({ type: 'http', direction: 'out' }),
      ]),
    );
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

  it.each([
    ['dashboard', 'dashboard'],
    ['dashboardData', 'dashboard/data'],
  ])('%s: GET %s with function-key auth and an HTTP response', (name, route) => {
    expect(Object.values(byName.get(name)!.metadata.bindings)).toEqual([
      expect.objectContaining({
        type: 'httpTrigger',
        direction: 'in',
        authLevel: 'function',
        methods: ['GET'],
        route,
      }),
      expect.objectContaining({ type: 'http', direction: 'out' }),
    ]);
  });
  it('alerting: escalation orchestration and activities, the ack endpoint and the dispatch timer with Durable clients', () => {
    const types = (name: string) =>
      Object.values(byName.get(name)!.metadata.bindings)
        .map((b) => b.type)
        .sort();
    expect(types('alertEscalation')).toEqual(['orchestrationTrigger']);
    expect(types('sendAlertEmail')).toEqual(['activityTrigger']);
    expect(types('sendAlertSms')).toEqual(['activityTrigger']);
    expect(types('alertDispatch')).toEqual(['durableClient', 'timerTrigger']);
    expect(Object.values(byName.get('alertDispatch')!.metadata.bindings)).toContainEqual(
      expect.objectContaining({ type: 'timerTrigger', schedule: '*/10 * * * * *' }),
    );
    expect(types('ackAlert')).toEqual(['durableClient', 'http', 'httpTrigger']);
    expect(Object.values(byName.get('ackAlert')!.metadata.bindings)).toContainEqual(
      expect.objectContaining({
        type: 'httpTrigger',
        authLevel: 'function',
        methods: ['GET', 'POST'],
        route: 'alerts/{id}/ack',
      }),
    );
  });
});
