import { parseArgs } from 'node:util';

/** An input file, with the input alias it mocks when given as ALIAS=FILE. */
export interface ReplayInputArg {
  readonly alias: string | undefined;
  readonly path: string;
}

/** The replay command's flags, validated. */
export interface ReplayArgs {
  /** Every --input, in order (at least one). */
  readonly inputs: readonly ReplayInputArg[];
  /** Every --reference ALIAS=FILE. */
  readonly references: readonly { readonly alias: string; readonly path: string }[];
  readonly output: string;
  readonly partitions: number;
  readonly partitionKey: string | undefined;
  readonly batchSize: number;
  readonly storage: string | undefined;
  readonly lateToleranceInSeconds: number | undefined;
  readonly outOfOrderToleranceInSeconds: number | undefined;
  readonly orderPolicy: 'adjust' | 'drop' | undefined;
  readonly jobFile: string | undefined;
  /** An ASA query (.asaql) to run instead of a job definition. */
  readonly queryFile: string | undefined;
  /** An ASA JobConfig.json whose event-ordering policy applies (flags override it). */
  readonly jobConfigFile: string | undefined;
  /** The stream input's contract; default: the job's ('none' for a query). */
  readonly contract: 'clickstream' | 'none' | undefined;
  readonly deadLetter: string | undefined;
}

export const replayUsage = `Usage: clickpulse replay --input [ALIAS=]FILE --output FILE_OR_DIR/ [options]

Runs a job over local files on the production engine (ASA's local run with local input).

  --query FILE.asaql              an ASA query to run (the job is named after the file)
  --job FILE                      a job definition (JSON); default without --query: the seed job
  --input [ALIAS=]FILE            JSON Lines (one record per line) or one JSON array of records, for the
                                  input ALIAS of the query (repeatable; ALIAS may be left out with one input)
  --reference ALIAS=FILE          reference data for the input ALIAS (repeatable; JOINs are not supported yet)
  --output FILE | DIR/            JSON Lines of {"output","row"}; a directory (trailing /) gets one file per output
  --job-config FILE               an ASA JobConfig.json: EventsLateArrivalMaxDelayInSeconds,
                                  EventsOutOfOrderMaxDelayInSeconds, EventsOutOfOrderPolicy
  --late-tolerance SECONDS        late-arrival tolerance, -1 waits indefinitely (default: the job's, 5)
  --out-of-order-tolerance SECONDS  out-of-order tolerance (default: the job's, 0)
  --order-policy adjust|drop      action for late and out-of-order events (default: the job's, adjust)
  --contract clickstream|none     validate input records as clickstream events (default: the job's; none for --query)
  --partitions N                  simulated Event Hubs partitions (default 1)
  --partition-key FIELD           field hashed to pick a record's partition (default: all in partition 0)
  --batch-size N                  messages per simulated trigger invocation (default 100)
  --storage CONNECTION_STRING     persistent state (a rerun resumes); default: embedded in-memory Azurite
  --dead-letter FILE              where bad records go (default: beside the output)

A record's EventEnqueuedUtcTime, when present, is its arrival time. Flags override --job-config.
`;

/** A usage problem; the CLI prints it with the usage text and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function integer(name: string, raw: string | undefined, min: number, problems: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    problems.push(`--${name}: expected an integer >= ${min}, received ${JSON.stringify(raw)}`);
    return undefined;
  }
  return n;
}

/** Parses and validates the replay flags; throws one UsageError naming every problem. */
export function parseReplayArgs(argv: readonly string[]): ReplayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        input: { type: 'string', multiple: true },
        reference: { type: 'string', multiple: true },
        output: { type: 'string' },
        query: { type: 'string' },
        'job-config': { type: 'string' },
        contract: { type: 'string' },
        partitions: { type: 'string' },
        'partition-key': { type: 'string' },
        'batch-size': { type: 'string' },
        storage: { type: 'string' },
        'late-tolerance': { type: 'string' },
        'out-of-order-tolerance': { type: 'string' },
        'order-policy': { type: 'string' },
        job: { type: 'string' },
        'dead-letter': { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const problems: string[] = [];
  const inputs = (values.input ?? []).map(aliasedPath);
  if (inputs.length === 0) problems.push('--input: expected a file path, received none');
  inputs.forEach((i, n) => {
    if (i.path === '')
      problems.push(`--input: expected a file path, received ${JSON.stringify(values.input![n])}`);
  });
  if (inputs.length > 1 && inputs.some((i) => i.alias === undefined)) {
    problems.push(
      '--input: expected ALIAS=FILE for each of several inputs, received a file without an alias',
    );
  }
  const references = (values.reference ?? []).map(aliasedPath);
  references.forEach((r, n) => {
    if (r.alias === undefined || r.path === '') {
      problems.push(`--reference: expected ALIAS=FILE, received ${JSON.stringify(values.reference![n])}`);
    }
  });
  const aliases = [...inputs, ...references].flatMap((i) =>
    i.alias === undefined ? [] : [i.alias.toLowerCase()],
  );
  const repeated = aliases.find((a, n) => aliases.indexOf(a) !== n);
  if (repeated !== undefined)
    problems.push(`--input/--reference: expected each alias once, received ${repeated} twice`);
  if (values.query !== undefined && values.job !== undefined) {
    problems.push('--query: expected either --query or --job, received both');
  }
  if (references.length > 0 && inputs.some((i) => i.alias === undefined)) {
    problems.push('--input: expected ALIAS=FILE when --reference is given, received a file without an alias');
  }
  if (references.length > 0 && values.query === undefined) {
    problems.push('--reference: expected with --query only, received it without');
  }
  const contract = values.contract;
  if (contract !== undefined && contract !== 'clickstream' && contract !== 'none') {
    problems.push(`--contract: expected clickstream or none, received ${JSON.stringify(contract)}`);
  }
  if (!values.output) problems.push('--output: expected a file or directory path, received none');
  const partitions = integer('partitions', values.partitions, 1, problems) ?? 1;
  const batchSize = integer('batch-size', values['batch-size'], 1, problems) ?? 100;
  const late = integer('late-tolerance', values['late-tolerance'], -1, problems);
  const ooo = integer('out-of-order-tolerance', values['out-of-order-tolerance'], 0, problems);
  const policy = values['order-policy'];
  if (policy !== undefined && policy !== 'adjust' && policy !== 'drop') {
    problems.push(`--order-policy: expected adjust or drop, received ${JSON.stringify(policy)}`);
  }
  if (values['partition-key'] !== undefined && values['partition-key'].trim() === '') {
    problems.push('--partition-key: expected a field name, received an empty string');
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return {
    inputs,
    references: references.map((r) => ({ alias: r.alias!, path: r.path })),
    output: values.output!,
    partitions,
    partitionKey: values['partition-key'],
    batchSize,
    storage: values.storage,
    lateToleranceInSeconds: late,
    outOfOrderToleranceInSeconds: ooo,
    orderPolicy: policy as 'adjust' | 'drop' | undefined,
    jobFile: values.job,
    queryFile: values.query,
    jobConfigFile: values['job-config'],
    contract: contract as 'clickstream' | 'none' | undefined,
    deadLetter: values['dead-letter'],
  };
}

/** `ALIAS=FILE` or `FILE`: an alias is letters, digits, '_' or '-' before the first '='. */
function aliasedPath(raw: string): ReplayInputArg {
  const m = /^([A-Za-z_][A-Za-z0-9_-]*)=(.*)$/s.exec(raw);
  return m ? { alias: m[1]!, path: m[2]! } : { alias: undefined, path: raw };
}
