import { parseArgs } from 'node:util';
import { INCIDENT_KINDS, isIncidentKind, type IncidentKind } from '../clickstream/incidentSchedule';
import { parseIsoDateTimeToMs } from '../clickstream/parseIsoDateTime';
import { UsageError } from './parseReplayArgs';

/** Where simulated events go. */
export type SimulateTarget =
  | { readonly kind: 'stdout' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'namespace'; readonly fullyQualifiedNamespace: string; readonly eventHubName: string }
  | { readonly kind: 'connectionString'; readonly connectionString: string; readonly eventHubName?: string };

/** Which incidents to inject: the default schedule, none, or one each of the listed kinds. */
export type SimulateIncidents = 'default' | 'none' | readonly IncidentKind[];

/** The simulate command's flags, validated, with defaults applied (except the start time). */
export interface SimulateArgs {
  readonly help: boolean;
  readonly target: SimulateTarget;
  /** Number of events to produce; undefined when `durationInSeconds` is set. */
  readonly events: number | undefined;
  /** Simulated seconds to produce; undefined when `events` is set. */
  readonly durationInSeconds: number | undefined;
  /** Human traffic in events per second of simulated time. */
  readonly rate: number;
  readonly seed: number;
  readonly users: number;
  readonly products: number;
  /** Bot users among `users`. */
  readonly bots: number;
  /** Whether the human traffic follows the default diurnal rate curve. */
  readonly diurnal: boolean;
  /** Start of the simulated time in ms since the epoch; undefined for the target's default. */
  readonly startTimeInMs: number | undefined;
  readonly incidents: SimulateIncidents;
  /** Labels file; undefined for the default (beside a file output, none otherwise). */
  readonly labels: string | undefined;
  readonly realtime: boolean;
  /** Fraction of malformed bodies, 0 to 1. */
  readonly malformed: number;
}

/** Events produced when neither --events nor --duration is given. */
export const DEFAULT_SIMULATED_EVENTS = 10_000;

export const simulateUsage = `Usage: clickpulse simulate [target] [options]

Simulates clickstream traffic: sessions walking a funnel, Zipf product popularity, bots, and incidents
with ground-truth labels. The same --seed and options give the same events.

Target (one; default: JSON Lines on stdout):
  --output FILE                   JSON Lines for \`clickpulse replay\`, each record with EventEnqueuedUtcTime
  --namespace NS --event-hub NAME  an event hub, signed in with DefaultAzureCredential (NS or NS.servicebus.windows.net)
  --connection CS [--event-hub NAME]  an event hub by connection string (--event-hub unless it has EntityPath)

Options:
  --events N                      events to produce (default ${DEFAULT_SIMULATED_EVENTS})
  --duration SECONDS              simulated seconds to produce instead of a count
  --rate EVENTS_PER_SECOND        human traffic rate in simulated time (default 100)
  --realtime                      pace sending so that simulated time follows the wall clock
  --seed N                        random seed, any safe integer (default 1)
  --users N                       users, bots included (default 1000)
  --products N                    products (default 200)
  --bots N                        bot users among the users (default: users / 200, rounded down)
  --diurnal                       shape the human traffic by UTC hour (evening peak, night trough)
  --start ISO                     simulated start, e.g. 2026-01-01T00:00:00Z (default: that instant for
                                  --output and stdout; now with --realtime; for an event hub otherwise,
                                  now minus the estimated span plus 5%, a backfill that ends just before now)
  --incidents default|none|KIND[,KIND...]  incidents to inject (default: default, one of each kind spread
                                  over the run); kinds: ${INCIDENT_KINDS.join(', ')}
  --labels FILE                   ground-truth labels, JSON Lines of {kind,key,start,end} (default:
                                  beside --output as NAME.labels.jsonl; otherwise printed in the summary)
  --malformed FRACTION            fraction of bodies broken on purpose, 0 to 1 (default 0)
`;

const FLAGS = {
  output: { type: 'string' },
  namespace: { type: 'string' },
  'event-hub': { type: 'string' },
  connection: { type: 'string' },
  events: { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  users: { type: 'string' },
  products: { type: 'string' },
  bots: { type: 'string' },
  diurnal: { type: 'boolean' },
  start: { type: 'string' },
  incidents: { type: 'string' },
  labels: { type: 'string' },
  realtime: { type: 'boolean' },
  malformed: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagName = keyof typeof FLAGS;
const isFlag = (name: string): name is FlagName => Object.hasOwn(FLAGS, name);

const quote = (raw: string): string => JSON.stringify(raw);

function integer(
  name: FlagName,
  raw: string | undefined,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`--${name}: expected an integer from ${min} to ${max}, received ${quote(raw)}`);
    return undefined;
  }
  return n;
}

function decimal(
  name: FlagName,
  raw: string | undefined,
  min: number,
  max: number,
  minExclusive: boolean,
  problems: string[],
): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n > max || n < min || (minExclusive && n === min)) {
    const range = minExclusive ? `above ${min} up to ${max}` : `from ${min} to ${max}`;
    problems.push(`--${name}: expected a number ${range}, received ${quote(raw)}`);
    return undefined;
  }
  return n;
}

/** `my-ns` or `sb://my-ns.servicebus.windows.net/` to `my-ns.servicebus.windows.net`. */
function fullyQualifiedNamespace(raw: string): string | undefined {
  const host = raw.replace(/^sb:\/\//i, '').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(host)) return undefined;
  return host.includes('.') ? host : `${host}.servicebus.windows.net`;
}

/**
 * Parses and validates the simulate flags; throws one {@link UsageError} naming every problem, one per line,
 * as `--flag: expected ..., received ...`.
 */
export function parseSimulateArgs(argv: readonly string[]): SimulateArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: FLAGS,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const problems: string[] = [];
  const strings: Partial<Record<FlagName, string>> = {};
  const booleans = new Set<FlagName>();
  for (const token of parsed.tokens) {
    if (token.kind === 'positional') {
      problems.push(`${quote(token.value)}: expected an option, received an argument`);
      continue;
    }
    if (token.kind !== 'option') continue;
    if (!isFlag(token.name)) {
      problems.push(`${token.rawName}: expected a known option (see --help), received an unknown one`);
      continue;
    }
    const type = FLAGS[token.name].type;
    if (type === 'boolean') {
      if (token.value !== undefined) {
        problems.push(`--${token.name}: expected no value, received ${quote(token.value)}`);
      }
      booleans.add(token.name);
    } else if (token.value === undefined) {
      problems.push(`--${token.name}: expected a value, received none`);
    } else {
      strings[token.name] = token.value;
    }
  }
  const help = booleans.has('help');

  // The target.
  const output = strings.output;
  const namespace = strings.namespace;
  const connection = strings.connection;
  const eventHub = strings['event-hub'];
  if (output !== undefined && output.trim() === '') {
    problems.push('--output: expected a file path, received an empty string');
  }
  if (eventHub !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/.test(eventHub)) {
    problems.push(`--event-hub: expected an event hub name, received ${quote(eventHub)}`);
  }
  const targets = [
    output === undefined ? undefined : '--output',
    namespace === undefined ? undefined : '--namespace',
    connection === undefined ? undefined : '--connection',
  ].filter((name) => name !== undefined);
  if (targets.length > 1) {
    problems.push(`--output: expected one target, received ${targets.join(' and ')}`);
  }
  let target: SimulateTarget = { kind: 'stdout' };
  if (output !== undefined) {
    target = { kind: 'file', path: output };
  } else if (namespace !== undefined) {
    const host = fullyQualifiedNamespace(namespace);
    if (host === undefined) {
      problems.push(`--namespace: expected a namespace name or host name, received ${quote(namespace)}`);
    }
    if (eventHub === undefined) {
      problems.push('--event-hub: expected an event hub name (required with --namespace), received none');
    }
    target = { kind: 'namespace', fullyQualifiedNamespace: host ?? namespace, eventHubName: eventHub ?? '' };
  } else if (connection !== undefined) {
    if (!/(^|;)\s*Endpoint\s*=/i.test(connection)) {
      // Never echo the connection string: it holds a key.
      problems.push(
        '--connection: expected an Event Hubs connection string (Endpoint=sb://...;SharedAccessKeyName=...;' +
          'SharedAccessKey=...), received a string without Endpoint',
      );
    }
    if (eventHub === undefined && !/(^|;)\s*EntityPath\s*=\s*[^;\s]/i.test(connection)) {
      problems.push(
        '--event-hub: expected an event hub name (the connection string has no EntityPath), received none',
      );
    }
    target =
      eventHub === undefined
        ? { kind: 'connectionString', connectionString: connection }
        : { kind: 'connectionString', connectionString: connection, eventHubName: eventHub };
  }
  if (eventHub !== undefined && namespace === undefined && connection === undefined) {
    problems.push(`--event-hub: expected only with --namespace or --connection, received ${quote(eventHub)}`);
  }

  // Amount, pace and shape of the traffic.
  const events = integer('events', strings.events, 1, Number.MAX_SAFE_INTEGER, problems);
  const duration = decimal('duration', strings.duration, 0, 366 * 86_400, true, problems);
  if (strings.events !== undefined && strings.duration !== undefined) {
    problems.push('--duration: expected either --events or --duration, received both');
  }
  const rate = decimal('rate', strings.rate, 0, 1_000_000, true, problems) ?? 100;
  const seed = integer('seed', strings.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, problems) ?? 1;
  const users = integer('users', strings.users, 1, 10_000_000, problems) ?? 1000;
  const products = integer('products', strings.products, 1, 1_000_000, problems) ?? 200;
  const maxBots = Math.min(users - 1, 100_000);
  const bots =
    integer('bots', strings.bots, 0, maxBots, problems) ?? Math.min(maxBots, Math.floor(users / 200));
  const malformed = decimal('malformed', strings.malformed, 0, 1, false, problems) ?? 0;
  let startTimeInMs: number | undefined;
  if (strings.start !== undefined) {
    startTimeInMs = parseIsoDateTimeToMs(strings.start);
    if (startTimeInMs === undefined || startTimeInMs < 0) {
      problems.push(
        `--start: expected an ISO-8601 date-time with offset from 1970, e.g. 2026-01-01T00:00:00Z, ` +
          `received ${quote(strings.start)}`,
      );
      startTimeInMs = undefined;
    }
  }
  let incidents: SimulateIncidents = 'default';
  const rawIncidents = strings.incidents;
  if (rawIncidents !== undefined && rawIncidents !== 'default') {
    if (rawIncidents === 'none') {
      incidents = 'none';
    } else {
      const kinds = rawIncidents.split(',').map((kind) => kind.trim());
      const unknown = kinds.filter((kind) => !isIncidentKind(kind));
      if (unknown.length > 0) {
        problems.push(
          `--incidents: expected default, none or a comma-separated list of ${INCIDENT_KINDS.join(', ')}, ` +
            `received ${quote(rawIncidents)}`,
        );
      } else {
        incidents = kinds as IncidentKind[];
      }
    }
  }
  const labels = strings.labels;
  if (labels !== undefined && labels.trim() === '') {
    problems.push('--labels: expected a file path, received an empty string');
  }

  if (problems.length > 0 && !help) throw new UsageError(problems.join('\n'));
  return {
    help,
    target,
    events: duration === undefined ? (events ?? DEFAULT_SIMULATED_EVENTS) : undefined,
    durationInSeconds: duration,
    rate,
    seed,
    users,
    products,
    bots,
    diurnal: booleans.has('diurnal'),
    startTimeInMs,
    incidents,
    labels,
    realtime: booleans.has('realtime'),
    malformed,
  };
}
