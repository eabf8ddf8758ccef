import { TableClient } from '@azure/data-tables';
import type { EntityContext } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { TableEntityStore } from '../../../src/lib/adapters/tables/tableEntityStore';
import {
  DocumentConflictError,
  InMemoryDocumentStore,
  type DocumentStore,
} from '../../../src/lib/entities/documentStore';
import { EntityOperationError, LocalEntityExecutor } from '../../../src/lib/entities/localEntityExecutor';
import { SerialDocumentUpdater } from '../../../src/lib/entities/serialDocumentUpdater';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

interface Counter {
  readonly total: number;
  readonly log: readonly number[];
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A counter entity with an async pause in the middle: concurrent operations would interleave. */
async function counter(context: EntityContext<Counter>): Promise<void> {
  const df = context.df;
  switch (df.operationName) {
    case 'add': {
      const n = df.getInput<number>()!;
      const state = df.getState(() => ({ total: 0, log: [] }))!;
      await delay(n % 3);
      df.setState({ total: state.total + n, log: [...state.log, n] });
      return;
    }
    case 'get':
      df.return(df.getState(() => ({ total: 0, log: [] })));
      return;
    case 'halfThenThrow': {
      const state = df.getState(() => ({ total: 0, log: [] }))!;
      df.setState({ ...state, total: state.total + 1000 });
      throw new Error('boom');
    }
    case 'delete':
      df.destructOnExit();
      return;
    case 'forward':
      df.signalEntity(df.entityId, 'add', df.getInput<number>());
      return;
    default:
      throw new TypeError(`unknown operation ${df.operationName}`);
  }
}

const executorOn = (store: DocumentStore, errors: unknown[] = []) =>
  new LocalEntityExecutor({
    store,
    entities: { Counter: counter },
    logHandler: (level, ...args) => {
      if (level === 'error') errors.push(args);
    },
  });

describe('LocalEntityExecutor', () => {
  it('runs one entity’s operations one at a time, in signal order', async () => {
    const executor = executorOn(new InMemoryDocumentStore());
    const values = Array.from({ length: 30 }, (_, i) => i + 1);
    await Promise.all(values.map((n) => executor.signal('counter', 'a', 'add', n)));
    const state = await executor.readState<Counter>('Counter', 'a');
    expect(state).toEqual({ total: 465, log: values });
  });

  it('keeps entities apart, names case-insensitive, keys case-sensitive', async () => {
    const executor = executorOn(new InMemoryDocumentStore());
    await executor.signal('COUNTER', 'k', 'add', 1);
    await executor.signal('counter', 'K', 'add', 2);
    expect(await executor.call('Counter', 'k', 'get')).toEqual({ total: 1, log: [1] });
    expect(await executor.call('Counter', 'K', 'get')).toEqual({ total: 2, log: [2] });
  });

  it('like Durable Functions: state set before a throw is kept; signal logs the failure, call rejects', async () => {
    const errors: unknown[] = [];
    const executor = executorOn(new InMemoryDocumentStore(), errors);
    await executor.signal('counter', 'a', 'halfThenThrow');
    expect(errors).toHaveLength(1);
    await expect(executor.call('counter', 'a', 'nope')).rejects.toBeInstanceOf(EntityOperationError);
    expect(await executor.readState<Counter>('counter', 'a')).toEqual({ total: 1000, log: [] });
  });

  it('destructOnExit deletes the entity; signals from an entity go out after its commit', async () => {
    const executor = executorOn(new InMemoryDocumentStore());
    await executor.signal('counter', 'a', 'forward', 5);
    expect(await executor.readState<Counter>('counter', 'a')).toEqual({ total: 5, log: [5] });
    await executor.signal('counter', 'a', 'delete');
    expect(await executor.readState('counter', 'a')).toBeUndefined();
  });

  it('two processes on one store: etag conflicts re-run the operation on fresh state, none is lost', async () => {
    const store = new InMemoryDocumentStore();
    const a = executorOn(store);
    const b = executorOn(store);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).signal('counter', 'shared', 'add', i + 1)),
    );
    const state = await a.readState<Counter>('counter', 'shared');
    expect(state!.total).toBe(210);
    expect([...state!.log].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('rejects an entity it does not know', async () => {
    await expect(executorOn(new InMemoryDocumentStore()).signal('nobody', 'a', 'add', 1)).rejects.toThrow(
      /expected one of counter/,
    );
  });
});

describe('SerialDocumentUpdater', () => {
  it('gives up after maxAttempts conflicts', async () => {
    const store = new InMemoryDocumentStore();
    const updater = new SerialDocumentUpdater({ store, maxAttempts: 2, cacheSize: 0 });
    let runs = 0;
    const update = updater.update('s', 'k', async () => {
      runs++;
      // Another process writes between our read and our write, every time.
      const current = await store.read('s', 'k');
      if (current) await store.replace('s', 'k', `other writer ${runs}`, current.etag);
      else await store.create('s', 'k', `other writer ${runs}`);
      return { text: 'mine', result: runs };
    });
    await expect(update).rejects.toBeInstanceOf(DocumentConflictError);
    expect(runs).toBe(2);
  });
});

describe('TableEntityStore (Azurite)', () => {
  it('creates, replaces and deletes under etags; conflicts are DocumentConflictError', async () => {
    const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName('entities'), {
      allowInsecureConnection: true,
    });
    await client.createTable();
    const store = new TableEntityStore({ client });
    const key = "user/with#odd?chars'";
    expect(await store.read('useractivity', key)).toBeUndefined();
    const e1 = await store.create('useractivity', key, '{"n":1}');
    await expect(store.create('useractivity', key, '{"n":9}')).rejects.toBeInstanceOf(DocumentConflictError);
    const e2 = await store.replace('useractivity', key, '{"n":2}', e1);
    await expect(store.replace('useractivity', key, '{"n":3}', e1)).rejects.toBeInstanceOf(
      DocumentConflictError,
    );
    expect(await store.read('useractivity', key)).toEqual({ text: '{"n":2}', etag: e2 });
    await expect(store.delete('useractivity', key, e1)).rejects.toBeInstanceOf(DocumentConflictError);
    await store.delete('useractivity', key, e2);
    expect(await store.read('useractivity', key)).toBeUndefined();
    await store.delete('useractivity', key, e2); // absent is fine
    await expect(store.create('useractivity', key, 'x'.repeat(40_000))).rejects.toThrow(RangeError);
  });

  it('runs the executor on Table Storage', async () => {
    const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName('entities'), {
      allowInsecureConnection: true,
    });
    await client.createTable();
    const executor = executorOn(new TableEntityStore({ client }));
    await Promise.all([1, 2, 3, 4].map((n) => executor.signal('counter', 'a', 'add', n)));
    expect(await executorOn(new TableEntityStore({ client })).readState('counter', 'a')).toEqual({
      total: 10,
      log: [1, 2, 3, 4],
    });
  });
});
