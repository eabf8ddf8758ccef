import { parseArgs } from 'node:util';

/** The replay command's flags, validated. */
export interface ReplayArgs {
  readonly input: string;
  readonly output: string;
  readonly partitions: number;
  readonly partitionKey: string | undefined;
  readonly batchSize: number;
  readonly storage: string | undefined;
  readonly lateToleranceInSeconds: number | undefined;
  readonly outOfOrderToleranceInSeconds: number | undefined;
  readonly orderPolicy: 'adjust' | 'drop' | undefined;
  readonly jobFile: string | undefined;
  readonly deadLetter: string | undefined;
}

export const replayUsage = `Usage: clickpulse replay --input FILE --output FILE_OR_DIR/ [options]

Runs the job over a local file on the production engine (ASA's local run with local input).

  --input FILE                    JSON Lines (one record per line) or one JSON array of records
  --output FILE | DIR/            JSON Lines of {"output","row"}; a directory (trailing /) gets one file per output
  --partitions N                  simulated Event Hubs partitions (default 1)
  --partition-key FIELD           field hashed to pick a record's partition (default: all in partition 0)
  --batch-size N                  messages per simulated trigger invocation (default 100)
  --storage CONNECTION_STRING     persistent state (a rerun resumes); default: embedded in-memory Azurite
  --late-tolerance SECONDS        late-arrival tolerance, -1 waits indefinitely (default: the job's, 5)
  --out-of-order-tolerance SECONDS  out-of-order tolerance (default: the job's, 0)
  --order-policy adjust|drop      action for late and out-of-order events (default: the job's, adjust)
  --job FILE                      a job definition (JSON); default: the seed job
  --dead-letter FILE              where bad records go (default: beside the output)
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
        input: { type: 'string' },
        output: { type: 'string' },
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
  if (!values.input) problems.push('--input: expected a file path, received none');
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
    input: values.input!,
    output: values.output!,
    partitions,
    partitionKey: values['partition-key'],
    batchSize,
    storage: values.storage,
    lateToleranceInSeconds: late,
    outOfOrderToleranceInSeconds: ooo,
    orderPolicy: policy as 'adjust' | 'drop' | undefined,
    jobFile: values.job,
    deadLetter: values['dead-letter'],
  };
}
