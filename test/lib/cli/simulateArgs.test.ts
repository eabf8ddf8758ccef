import { describe, expect, it } from 'vitest';

import { parseSimulateArgs } from '../../../src/lib/cli/parseSimulateArgs';
import { UsageError } from '../../../src/lib/cli/parseReplayArgs';

/** The UsageError message of a parse that must fail. */
function problems(argv: string[]): string[] {
  try {
    parseSimulateArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.split('\n');
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseSimulateArgs', () => {
  it('applies the defaults: stdout, 10,000 events at 100/s, seed 1, default incidents', () => {
    expect(parseSimulateArgs([])).toEqual({
      help: false,
      target: { kind: 'stdout' },
      events: 10_000,
      durationInSeconds: undefined,
      rate: 100,
      seed: 1,
      users: 1000,
      products: 200,
      bots: 5,
      diurnal: false,
      startTimeInMs: undefined,
      incidents: 'default',
      labels: undefined,
      realtime: false,
      malformed: 0,
    });
  });

  it('reads every flag', () => {
    const args = parseSimulateArgs([
      '--output',
      'f.jsonl',
      '--duration',
      '90.5',
      '--rate',
      '12.5',
      '--seed',
      '-42',
      '--users',
      '50',
      '--products',
      '7',
      '--bots',
      '3',
      '--diurnal',
      '--start',
      '2026-03-01T10:00:00+01:00',
      '--incidents',
      'stockOut, priceGlitch',
      '--labels',
      'truth.jsonl',
      '--realtime',
      '--malformed',
      '0.25',
    ]);
    expect(args).toEqual({
      help: false,
      target: { kind: 'file', path: 'f.jsonl' },
      events: undefined,
      durationInSeconds: 90.5,
      rate: 12.5,
      seed: -42,
      users: 50,
      products: 7,
      bots: 3,
      diurnal: true,
      startTimeInMs: Date.UTC(2026, 2, 1, 9),
      incidents: ['stockOut', 'priceGlitch'],
      labels: 'truth.jsonl',
      realtime: true,
      malformed: 0.25,
    });
  });

  it('accepts --events=N and --incidents none', () => {
    const args = parseSimulateArgs(['--events=25', '--incidents=none']);
    expect(args.events).toBe(25);
    expect(args.incidents).toBe('none');
  });

  it('targets an event hub by namespace, completing a short namespace name', () => {
    expect(parseSimulateArgs(['--namespace', 'shop-ns', '--event-hub', 'clicks']).target).toEqual({
      kind: 'namespace',
      fullyQualifiedNamespace: 'shop-ns.servicebus.windows.net',
      eventHubName: 'clicks',
    });
    expect(
      parseSimulateArgs(['--namespace', 'sb://shop.servicebus.chinacloudapi.cn/', '--event-hub', 'c']).target,
    ).toEqual({
      kind: 'namespace',
      fullyQualifiedNamespace: 'shop.servicebus.chinacloudapi.cn',
      eventHubName: 'c',
    });
  });

  it('targets an event hub by connection string, with the hub from EntityPath or --event-hub', () => {
    const withPath =
      'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s;EntityPath=hub';
    expect(parseSimulateArgs(['--connection', withPath]).target).toEqual({
      kind: 'connectionString',
      connectionString: withPath,
    });
    const withoutPath = 'Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s';
    expect(parseSimulateArgs(['--connection', withoutPath, '--event-hub', 'clicks']).target).toEqual({
      kind: 'connectionString',
      connectionString: withoutPath,
      eventHubName: 'clicks',
    });
    expect(problems(['--connection', withoutPath])).toEqual([
      '--event-hub: expected an event hub name (the connection string has no EntityPath), received none',
    ]);
  });

  it('names every problem at once, each as --flag: expected ..., received ...', () => {
    expect(
      problems([
        '--output',
        'f.jsonl',
        '--namespace',
        'ns',
        '--events',
        '0',
        '--duration',
        'long',
        '--rate',
        '0',
        '--seed',
        '1.5',
        '--users',
        '10',
        '--bots',
        '10',
        '--start',
        '2026-01-01 00:00:00',
        '--incidents',
        'fraudBurst,meteor',
        '--malformed',
        '2',
        '--frobnicate',
        'stray',
        '--realtime=yes',
        '--labels',
      ]),
    ).toEqual([
      '--frobnicate: expected a known option (see --help), received an unknown one',
      '"stray": expected an option, received an argument',
      '--realtime: expected no value, received "yes"',
      '--labels: expected a value, received none',
      '--output: expected one target, received --output and --namespace',
      '--events: expected an integer from 1 to 9007199254740991, received "0"',
      '--duration: expected a number above 0 up to 31622400, received "long"',
      '--duration: expected either --events or --duration, received both',
      '--rate: expected a number above 0 up to 1000000, received "0"',
      '--seed: expected an integer from -9007199254740991 to 9007199254740991, received "1.5"',
      '--bots: expected an integer from 0 to 9, received "10"',
      '--malformed: expected a number from 0 to 1, received "2"',
      '--start: expected an ISO-8601 date-time with offset from 1970, e.g. 2026-01-01T00:00:00Z, received "2026-01-01 00:00:00"',
      '--incidents: expected default, none or a comma-separated list of fraudBurst, botStorm, ' +
        'cartAbandonmentSurge, stockOut, priceGlitch, received "fraudBurst,meteor"',
    ]);
  });

  it('requires --event-hub with --namespace and only with an event hub target', () => {
    expect(problems(['--namespace', 'ns'])).toEqual([
      '--event-hub: expected an event hub name (required with --namespace), received none',
    ]);
    expect(problems(['--output', 'f.jsonl', '--event-hub', 'clicks'])).toEqual([
      '--event-hub: expected only with --namespace or --connection, received "clicks"',
    ]);
    expect(problems(['--namespace', 'bad ns', '--event-hub', 'c'])).toEqual([
      '--namespace: expected a namespace name or host name, received "bad ns"',
    ]);
    expect(problems(['--connection', 'not a connection string', '--event-hub', 'c'])).toEqual([
      '--connection: expected an Event Hubs connection string (Endpoint=sb://...;SharedAccessKeyName=...;' +
        'SharedAccessKey=...), received a string without Endpoint',
    ]);
  });

  it('returns help even when other flags are wrong', () => {
    expect(parseSimulateArgs(['--help', '--rate', 'fast']).help).toBe(true);
    expect(parseSimulateArgs(['-h']).help).toBe(true);
  });
});
