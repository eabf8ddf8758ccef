import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { TableClient } from '@azure/data-tables';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  AZURITE_HOST,
  buildAzuriteArgs,
  buildAzuriteConnectionString,
  parseListeningLine,
  startEmbeddedAzurite,
  type EmbeddedAzurite,
} from '../../../../src/lib/adapters/azurite/embeddedAzurite';
import { azuriteConnectionString, uniqueName } from '../../../support/azurite';

/** Azure table names: 3-63 alphanumerics starting with a letter; our names are also valid containers. */
const TABLE_AND_CONTAINER_NAME = /^[a-z][a-z0-9]{2,62}$/;

/** Resolves with the connect error code, or 'connected' if something accepted the connection. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: AZURITE_HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function roundTripTableEntity(connectionString: string, tableName: string): Promise<unknown> {
  const table = TableClient.fromConnectionString(connectionString, tableName, {
    allowInsecureConnection: true,
  });
  await table.createTable();
  await table.createEntity({ partitionKey: 'p1', rowKey: 'r1', clicks: 42, page: '/home' });
  const entity = await table.getEntity<{ clicks: number; page: string }>('p1', 'r1');
  return { clicks: entity.clicks, page: entity.page };
}

async function roundTripBlob(connectionString: string, containerName: string): Promise<string> {
  const container =
    BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
  await container.create();
  const blob = container.getBlockBlobClient('events/2024/01/01.json');
  const body = '{"clicks":42}';
  await blob.upload(body, Buffer.byteLength(body));
  return (await blob.downloadToBuffer()).toString('utf8');
}

describe('pure helpers', () => {
  it('parses the listening line Azurite prints for each service', () => {
    expect(
      parseListeningLine('Azurite Table service is successfully listening at http://127.0.0.1:41003'),
    ).toEqual({ service: 'Table', port: 41003 });
    expect(parseListeningLine('Azurite Blob service is starting at http://127.0.0.1:41001')).toBeUndefined();
  });

  it('builds a connection string with explicit per-service endpoints', () => {
    const connectionString = buildAzuriteConnectionString({ blobPort: 1, queuePort: 2, tablePort: 3 });
    expect(connectionString).toContain('AccountName=devstoreaccount1;');
    expect(connectionString).toContain('BlobEndpoint=http://127.0.0.1:1/devstoreaccount1');
    expect(connectionString).toContain('QueueEndpoint=http://127.0.0.1:2/devstoreaccount1');
    expect(connectionString).toContain('TableEndpoint=http://127.0.0.1:3/devstoreaccount1');
  });

  it('adds --silent and --debug only when asked', () => {
    const ports = { blobPort: 1, queuePort: 2, tablePort: 3 };
    expect(buildAzuriteArgs(ports, { silent: false })).not.toContain('--silent');
    expect(buildAzuriteArgs(ports, { silent: true, debugLogPath: '/tmp/d.log' })).toEqual(
      expect.arrayContaining(['--inMemoryPersistence', '--silent', '--debug', '/tmp/d.log']),
    );
  });
});

describe('uniqueName', () => {
  it('returns distinct lower-case alphanumeric names valid for tables and containers', () => {
    const names = Array.from({ length: 200 }, () => uniqueName('ClickEvents'));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(TABLE_AND_CONTAINER_NAME);
    expect(uniqueName('a'.repeat(40)).length).toBeLessThanOrEqual(63);
  });

  it('rejects prefixes that cannot start a table name', () => {
    expect(() => uniqueName('1abc')).toThrow(/Expected a prefix .* received "1abc"/);
    expect(() => uniqueName('click-events')).toThrow(/received "click-events"/);
    expect(() => uniqueName('')).toThrow(/received ""/);
  });
});

describe('startEmbeddedAzurite (a second, private instance)', () => {
  let azurite: EmbeddedAzurite;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(path.join(tmpdir(), 'clickpulse-azurite-'));
    azurite = await startEmbeddedAzurite({ debugLogPath: path.join(workDir, 'debug.log') });
  });

  afterAll(async () => {
    await azurite?.stop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('listens on three distinct ports named in the connection string', () => {
    const ports = [azurite.blobPort, azurite.queuePort, azurite.tablePort];
    expect(new Set(ports).size).toBe(3);
    for (const port of ports)
      expect(azurite.connectionString).toContain(`http://127.0.0.1:${port}/devstoreaccount1`);
    expect(azurite.connectionString).not.toBe(azuriteConnectionString());
  });

  it('stores and reads back a table entity', async () => {
    await expect(roundTripTableEntity(azurite.connectionString, uniqueName('clicks'))).resolves.toEqual({
      clicks: 42,
      page: '/home',
    });
  });

  it('stores and reads back a blob', async () => {
    await expect(roundTripBlob(azurite.connectionString, uniqueName('archive'))).resolves.toBe(
      '{"clicks":42}',
    );
  });

  it('stops idempotently, releases its ports and leaves a debug log of the requests', async () => {
    const firstStop = azurite.stop();
    expect(azurite.stop()).toBe(firstStop);
    await firstStop;
    await azurite.stop();

    for (const port of [azurite.blobPort, azurite.queuePort, azurite.tablePort]) {
      await expect(tryConnect(port)).resolves.toBe('ECONNREFUSED');
    }
    const debugLog = await readFile(path.join(workDir, 'debug.log'), 'utf8');
    expect(debugLog).toContain('Operation=Table_InsertEntity');
    expect(debugLog).toContain('Operation=BlockBlob_Upload');
  });

  it('rejects with the last output lines when Azurite exits before listening', async () => {
    // A regular file where Azurite expects the debug log's directory makes it exit at start-up.
    const blocker = path.join(workDir, 'not-a-directory');
    await writeFile(blocker, '');
    await expect(
      startEmbeddedAzurite({ debugLogPath: path.join(blocker, 'debug.log'), startTimeoutInMs: 20_000 }),
    ).rejects.toThrow(/exited with code 1[\s\S]*Last output:[\s\S]*Exit due to unhandled error/);
  });

  it('rejects, after stopping the child, when Azurite does not listen within the start timeout', async () => {
    await expect(startEmbeddedAzurite({ startTimeoutInMs: 1 })).rejects.toThrow(
      /Expected Azurite to listen on Blob, Queue and Table within 1 ms, but Blob, Queue, Table had not/,
    );
  });

  it('rejects a non-positive start timeout', async () => {
    await expect(startEmbeddedAzurite({ startTimeoutInMs: 0 })).rejects.toThrow(
      'Expected startTimeoutInMs to be a positive number of milliseconds, received 0',
    );
  });
});

describe('the run-wide Azurite from the globalSetup', () => {
  it('serves tables and blobs through azuriteConnectionString()', async () => {
    const connectionString = azuriteConnectionString();
    await expect(roundTripTableEntity(connectionString, uniqueName('global'))).resolves.toEqual({
      clicks: 42,
      page: '/home',
    });
    await expect(roundTripBlob(connectionString, uniqueName('global'))).resolves.toBe('{"clicks":42}');
  });
});
