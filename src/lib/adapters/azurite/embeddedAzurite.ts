/**
 * Runs an in-memory Azurite (Blob, Queue and Table emulator) as a child process on free loopback ports.
 *
 * Used by tests and local runs that need real Azure Storage semantics without a shared emulator.
 * The child keeps the parent's event loop alive until {@link EmbeddedAzurite.stop} is called.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** Options for {@link startEmbeddedAzurite}. */
export interface EmbeddedAzuriteOptions {
  /** Pass `--silent` so Azurite writes no access log lines. Default `true`. */
  silent?: boolean;
  /** How long to wait, in milliseconds, for all three services to listen (across retries). Default 30000. */
  startTimeoutInMs?: number;
  /** File for Azurite's `--debug` log (one `DispatchMiddleware: Operation=...` line per request). Default none. */
  debugLogPath?: string;
  /** Receives every line Azurite prints plus this module's own diagnostics. Default: discard. */
  log?: (line: string) => void;
}

/** A running embedded Azurite. */
export interface EmbeddedAzurite {
  /** Account-key connection string for `devstoreaccount1` with explicit http Blob, Queue and Table endpoints. */
  readonly connectionString: string;
  /** TCP port of the Blob service on 127.0.0.1. */
  readonly blobPort: number;
  /** TCP port of the Queue service on 127.0.0.1. */
  readonly queuePort: number;
  /** TCP port of the Table service on 127.0.0.1. */
  readonly tablePort: number;
  /** Terminates Azurite (SIGTERM, SIGKILL after 5 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/** Ports of the three Azurite services. */
export interface AzuritePorts {
  readonly blobPort: number;
  readonly queuePort: number;
  readonly tablePort: number;
}

/** The well-known Azurite development account name. */
export const DEVSTORE_ACCOUNT_NAME = 'devstoreaccount1';

/** The well-known, public Azurite development account key (not a secret). */
export const DEVSTORE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Interface Azurite listens on; the connection string uses the same address. */
export const AZURITE_HOST = '127.0.0.1';

const DEFAULT_START_TIMEOUT_IN_MS = 30_000;
const STOP_GRACE_IN_MS = 5_000;
/** Start attempts when a reserved port was taken by someone else before Azurite bound it. */
const MAX_START_ATTEMPTS = 4;
const OUTPUT_TAIL_LINES = 20;
/** Environment variables that would make Azurite use other accounts or a SQL store. */
const STRIPPED_ENV_VARS = ['AZURITE_ACCOUNTS', 'AZURITE_DB'];

type ServiceName = 'Blob' | 'Queue' | 'Table';
const SERVICES: readonly ServiceName[] = ['Blob', 'Queue', 'Table'];
const LISTENING_LINE = /Azurite (Blob|Queue|Table) service is successfully listening at (\S+)/;

/**
 * Builds the account-key connection string for Azurite's development account on the given ports.
 *
 * Note: `@azure/data-tables` refuses plain-http endpoints from such a connection string unless the
 * client is created with `{ allowInsecureConnection: true }` (only `UseDevelopmentStorage=true` sets it).
 */
export function buildAzuriteConnectionString(ports: AzuritePorts, host: string = AZURITE_HOST): string {
  const endpoint = (port: number): string => `http://${host}:${port}/${DEVSTORE_ACCOUNT_NAME}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEVSTORE_ACCOUNT_NAME}`,
    `AccountKey=${DEVSTORE_ACCOUNT_KEY}`,
    `BlobEndpoint=${endpoint(ports.blobPort)}`,
    `QueueEndpoint=${endpoint(ports.queuePort)}`,
    `TableEndpoint=${endpoint(ports.tablePort)}`,
  ].join(';');
}

/** Command-line arguments for the `azurite` bin script (after the script path). */
export function buildAzuriteArgs(
  ports: AzuritePorts,
  options: { silent: boolean; debugLogPath?: string | undefined },
): string[] {
  const args = [
    '--inMemoryPersistence',
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--blobHost',
    AZURITE_HOST,
    '--queueHost',
    AZURITE_HOST,
    '--tableHost',
    AZURITE_HOST,
    '--blobPort',
    String(ports.blobPort),
    '--queuePort',
    String(ports.queuePort),
    '--tablePort',
    String(ports.tablePort),
  ];
  if (options.silent) args.push('--silent');
  if (options.debugLogPath !== undefined) args.push('--debug', options.debugLogPath);
  return args;
}

/**
 * Parses one line of Azurite's stdout announcing that a service listens, e.g.
 * `Azurite Table service is successfully listening at http://127.0.0.1:10002`.
 * Returns `undefined` for any other line.
 */
export function parseListeningLine(line: string): { service: ServiceName; port: number } | undefined {
  const match = LISTENING_LINE.exec(line);
  if (match === null) return undefined;
  const port = Number(new URL(match[2]!).port);
  return { service: match[1] as ServiceName, port };
}

/** Absolute path of the `azurite` bin script of the installed `azurite` package. */
export function resolveAzuriteBin(): string {
  const packageJsonPath = require.resolve('azurite/package.json');
  const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { bin?: unknown };
  const bin = packageJson.bin;
  const relative =
    typeof bin === 'string'
      ? bin
      : typeof bin === 'object' && bin !== null
        ? (bin as Record<string, unknown>)['azurite']
        : undefined;
  if (typeof relative !== 'string') {
    throw new Error(
      `Expected ${packageJsonPath} to have a "bin" string or a "bin.azurite" entry, received ${JSON.stringify(bin)}`,
    );
  }
  return path.resolve(path.dirname(packageJsonPath), relative);
}

/**
 * Starts Azurite with in-memory persistence on free ports of 127.0.0.1 and resolves once the Blob,
 * Queue and Table services all listen.
 *
 * Rejects if Azurite exits early (the error quotes its last output lines) or does not listen within
 * `startTimeoutInMs` milliseconds. A port grabbed by another process between reservation and bind
 * (EADDRINUSE) is retried with fresh ports, up to 4 attempts.
 */
export async function startEmbeddedAzurite(options: EmbeddedAzuriteOptions = {}): Promise<EmbeddedAzurite> {
  const startTimeoutInMs = options.startTimeoutInMs ?? DEFAULT_START_TIMEOUT_IN_MS;
  if (!Number.isFinite(startTimeoutInMs) || startTimeoutInMs <= 0) {
    throw new Error(
      `Expected startTimeoutInMs to be a positive number of milliseconds, received ${startTimeoutInMs}`,
    );
  }
  const log = options.log ?? ((): void => undefined);
  const binPath = resolveAzuriteBin();
  const deadline = Date.now() + startTimeoutInMs;
  const args = {
    silent: options.silent ?? true,
    debugLogPath: options.debugLogPath === undefined ? undefined : path.resolve(options.debugLogPath),
  };

  for (let attempt = 1; ; attempt++) {
    const [blobPort, queuePort, tablePort] = await reserveFreePorts(3, AZURITE_HOST);
    const ports: AzuritePorts = { blobPort: blobPort!, queuePort: queuePort!, tablePort: tablePort! };
    log(
      `[embedded-azurite] attempt ${attempt}: blob ${ports.blobPort}, queue ${ports.queuePort}, table ${ports.tablePort}`,
    );
    const timeout = { remainingInMs: deadline - Date.now(), totalInMs: startTimeoutInMs };
    const outcome = await launch(binPath, buildAzuriteArgs(ports, args), ports, timeout, log);
    if (outcome.kind === 'started') return outcome.azurite;
    if (outcome.kind === 'portInUse' && attempt < MAX_START_ATTEMPTS && Date.now() < deadline) {
      log(`[embedded-azurite] a port was taken before Azurite bound it; retrying with new ports`);
      continue;
    }
    throw outcome.error;
  }
}

/**
 * Reserves `count` distinct free TCP ports on `host` by binding servers to port 0 at the same time,
 * then releases them. Another process may take a port before the caller binds it.
 */
export async function reserveFreePorts(count: number, host: string): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
          }),
      ),
    );
  } finally {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
      ),
    );
  }
}

type LaunchOutcome =
  | { kind: 'started'; azurite: EmbeddedAzurite }
  | { kind: 'portInUse'; error: Error }
  | { kind: 'failed'; error: Error };

function launch(
  binPath: string,
  args: string[],
  ports: AzuritePorts,
  timeout: { remainingInMs: number; totalInMs: number },
  log: (line: string) => void,
): Promise<LaunchOutcome> {
  const env = { ...process.env };
  for (const name of STRIPPED_ENV_VARS) delete env[name];
  // cwd: Azurite ensures its workspace (the cwd) exists even in memory mode; keep it out of the repo.
  const child = spawn(process.execPath, [binPath, ...args], {
    cwd: tmpdir(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const killOnParentExit = (): void => {
    child.kill('SIGKILL');
  };
  process.on('exit', killOnParentExit);

  const tail: string[] = [];
  const listening = new Set<ServiceName>();
  let onListening = (): void => undefined;
  const record = (stream: 'stdout' | 'stderr', line: string): void => {
    tail.push(`[${stream}] ${line}`);
    if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
    log(`[azurite:${stream}] ${line}`);
    const parsed = stream === 'stdout' ? parseListeningLine(line) : undefined;
    if (parsed !== undefined) {
      listening.add(parsed.service);
      onListening();
    }
  };
  // Keep draining both pipes for the child's whole life, or a chatty Azurite would block on a full pipe.
  createInterface({ input: child.stdout }).on('line', (line) => record('stdout', line));
  createInterface({ input: child.stderr }).on('line', (line) => record('stderr', line));
  const outputTail = (): string => (tail.length === 0 ? '(no output)' : tail.join('\n'));

  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      process.removeListener('exit', killOnParentExit);
      log(`[embedded-azurite] azurite exited with code ${code}, signal ${signal}`);
      resolve();
    });
  });
  const hasExited = (): boolean => child.exitCode !== null || child.signalCode !== null;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= terminate(child, exited, hasExited);
    return stopping;
  };

  return new Promise<LaunchOutcome>((resolve) => {
    let settled = false;
    const settle = (outcome: LaunchOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    // On timeout, stop the child first; its 'close' below then rejects, so no Azurite outlives the rejection.
    let timeoutError: Error | undefined;
    const timer = setTimeout(
      () => {
        const missing = SERVICES.filter((service) => !listening.has(service)).join(', ');
        timeoutError = new Error(
          `Expected Azurite to listen on Blob, Queue and Table within ${timeout.totalInMs} ms, ` +
            `but ${missing} had not reported listening. Last output:\n${outputTail()}`,
        );
        void stop();
      },
      Math.max(0, timeout.remainingInMs),
    );

    onListening = (): void => {
      if (listening.size < SERVICES.length) return;
      settle({
        kind: 'started',
        azurite: { connectionString: buildAzuriteConnectionString(ports), ...ports, stop },
      });
    };
    child.once('error', (error) => {
      process.removeListener('exit', killOnParentExit);
      settle({
        kind: 'failed',
        error: new Error(
          `Expected to spawn ${process.execPath} ${binPath}, received error: ${error.message}`,
          {
            cause: error,
          },
        ),
      });
    });
    // 'close' (not 'exit') fires after the pipes are drained, so the tail holds Azurite's last words.
    child.once('close', (code, signal) => {
      if (timeoutError !== undefined) return settle({ kind: 'failed', error: timeoutError });
      const output = outputTail();
      const error = new Error(
        `Expected Azurite to keep running until Blob, Queue and Table listen, ` +
          `but it exited with code ${code}, signal ${signal}. Last output:\n${output}`,
      );
      settle({ kind: output.includes('EADDRINUSE') ? 'portInUse' : 'failed', error });
    });
  });
}

async function terminate(
  child: ChildProcess,
  exited: Promise<void>,
  hasExited: () => boolean,
): Promise<void> {
  if (hasExited()) return;
  child.kill('SIGTERM');
  const escalation = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_IN_MS);
  try {
    await exited;
  } finally {
    clearTimeout(escalation);
  }
}
