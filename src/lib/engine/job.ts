import {
  eventOrderingPolicyProblems,
  defaultEventOrderingPolicy,
  type EventOrderingPolicy,
} from './eventOrderingPolicy';
import { containsAggregate, directChildren, e, type Expr } from './expr';
import { windowSpecProblems, type WindowSpec } from './windows';

/**
 * The job model: a typed, JSON-serialisable definition of a streaming job. It is the compile target of
 * the ASA SQL compiler, so it holds expression trees, never hard-coded field names.
 */
export interface JobDefinition {
  /** Names the job's state in storage: two jobs with one name share (and corrupt) state. */
  readonly name: string;
  readonly inputs: readonly InputDefinition[];
  readonly eventOrdering: EventOrderingPolicy;
  readonly statements: readonly StatementDefinition[];
}

export interface InputDefinition {
  /** The FROM alias. */
  readonly name: string;
  /** TIMESTAMP BY expression; absent means arrival (enqueued) time is the event time. */
  readonly timestampBy?: Expr;
  /** A validated contract the records must meet; 'none' accepts any JSON object. */
  readonly contract: 'clickstream' | 'none';
  /** Larger messages are dead-lettered. Default: 1 MiB, the Event Hubs Standard tier's limit. */
  readonly maxEventSizeInBytes?: number;
}

export interface SelectItem {
  /** Output column name (AS alias). */
  readonly alias: string;
  readonly expr: Expr;
}

export interface StatementDefinition {
  /** INTO: the output port the rows go to. */
  readonly output: string;
  /** FROM: an input name. */
  readonly input: string;
  readonly where?: Expr;
  /** GROUP BY keys and window; absent for a per-event filter/projection statement. */
  readonly groupBy?: { readonly keys: readonly Expr[]; readonly window: WindowSpec };
  /** SELECT list; `'*'` projects the whole input record (only without GROUP BY). */
  readonly select: readonly SelectItem[] | '*';
  readonly having?: Expr;
}

export const defaultMaxEventSizeInBytes = 1024 * 1024;

/**
 * The seed job: clicks per user and product every 10 seconds.
 *
 *     SELECT System.Timestamp() AS WindowEnd, UserId, ProductId, COUNT(*) AS ClickCount
 *     INTO PowerBIOutput
 *     FROM EventHubInput TIMESTAMP BY EventTime
 *     GROUP BY UserId, ProductId, TumblingWindow(second, 10)
 *
 * Exactly the seed's query: it counts every event of a user on a product (ClickCount is the seed's
 * name for it); events without a product group under a NULL ProductId, as they would in ASA.
 */
export const defaultJob: JobDefinition = {
  name: 'clicks-per-user-product',
  inputs: [{ name: 'EventHubInput', timestampBy: e.field('EventTime'), contract: 'clickstream' }],
  eventOrdering: defaultEventOrderingPolicy,
  statements: [
    {
      output: 'PowerBIOutput',
      input: 'EventHubInput',
      groupBy: {
        keys: [e.field('UserId'), e.field('ProductId')],
        window: { kind: 'tumbling', sizeInMs: 10_000 },
      },
      select: [
        { alias: 'WindowEnd', expr: e.timestamp() },
        { alias: 'UserId', expr: e.field('UserId') },
        { alias: 'ProductId', expr: e.field('ProductId') },
        { alias: 'ClickCount', expr: e.countStar() },
      ],
    },
  ],
};

/** A structural key for an expression: field names lower-cased, since ASA matches them without case. */
export function exprKey(expr: Expr): string {
  return JSON.stringify(expr, (k, v: unknown) =>
    k === 'path' && Array.isArray(v)
      ? (v as string[]).map((p) => p.toLowerCase())
      : k === 'name' && typeof v === 'string'
        ? v.toLowerCase()
        : v,
  );
}

/** Every problem with a job definition, each naming the property, the expected and the received. */
export function jobProblems(job: JobDefinition): string[] {
  const problems: string[] = [];
  if (typeof job.name !== 'string' || job.name.length === 0 || job.name.length > 128) {
    problems.push(`job.name: expected a string of 1..128 characters, received ${JSON.stringify(job.name)}`);
  }
  problems.push(...eventOrderingPolicyProblems(job.eventOrdering, 'job.eventOrdering'));
  if (job.inputs.length !== 1) {
    // Joins of several inputs come with the ASA SQL issue; the engine streams one input today.
    problems.push(`job.inputs: expected exactly 1 input, received ${job.inputs.length}`);
  }
  const inputNames = new Set<string>();
  job.inputs.forEach((input, i) => {
    const lower = input.name.toLowerCase();
    if (inputNames.has(lower))
      problems.push(`job.inputs[${i}].name: expected a unique name, received ${input.name}`);
    inputNames.add(lower);
    if (input.timestampBy && containsAggregate(input.timestampBy)) {
      problems.push(`job.inputs[${i}].timestampBy: expected a scalar expression, received an aggregate`);
    }
    const max = input.maxEventSizeInBytes;
    if (max !== undefined && (!Number.isSafeInteger(max) || max <= 0)) {
      problems.push(`job.inputs[${i}].maxEventSizeInBytes: expected a positive integer, received ${max}`);
    }
  });
  if (job.statements.length === 0) problems.push('job.statements: expected at least 1 statement, received 0');
  job.statements.forEach((s, i) =>
    problems.push(...statementProblems(s, `job.statements[${i}]`, inputNames)),
  );
  return problems;
}

function statementProblems(s: StatementDefinition, where: string, inputNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!inputNames.has(s.input.toLowerCase())) {
    problems.push(`${where}.input: expected one of ${[...inputNames].join(', ')}, received ${s.input}`);
  }
  if (!/^[A-Za-z][A-Za-z0-9_-]{0,62}$/.test(s.output)) {
    problems.push(
      `${where}.output: expected a name of letters, digits, '_' or '-' (1..63), received ${s.output}`,
    );
  }
  if (s.where && containsAggregate(s.where)) {
    problems.push(`${where}.where: expected a scalar condition, received an aggregate (use HAVING)`);
  }
  if (!s.groupBy) {
    if (s.having) problems.push(`${where}.having: expected only with GROUP BY, received a HAVING clause`);
    if (s.select !== '*') {
      s.select.forEach((item, j) => {
        if (containsAggregate(item.expr)) {
          problems.push(
            `${where}.select[${j}] (${item.alias}): expected a scalar expression without GROUP BY, received an aggregate`,
          );
        }
      });
    }
  } else {
    problems.push(...windowSpecProblems(s.groupBy.window, `${where}.groupBy.window`));
    if (s.select === '*') {
      problems.push(`${where}.select: expected explicit columns with GROUP BY, received *`);
    } else {
      const keys = new Set(s.groupBy.keys.map(exprKey));
      s.select.forEach((item, j) => {
        for (const p of ungroupedReferences(item.expr, keys)) {
          problems.push(
            `${where}.select[${j}] (${item.alias}): expected ${p} in GROUP BY or inside an aggregate, received it bare`,
          );
        }
      });
      if (s.having) {
        for (const p of ungroupedReferences(s.having, keys)) {
          problems.push(
            `${where}.having: expected ${p} in GROUP BY or inside an aggregate, received it bare`,
          );
        }
      }
    }
    s.groupBy.keys.forEach((k, j) => {
      if (containsAggregate(k))
        problems.push(`${where}.groupBy.keys[${j}]: expected a scalar expression, received an aggregate`);
    });
  }
  if (s.select !== '*') {
    const aliases = new Set<string>();
    s.select.forEach((item, j) => {
      const lower = item.alias.toLowerCase();
      if (item.alias.length === 0 || item.alias.length > 255) {
        problems.push(
          `${where}.select[${j}].alias: expected 1..255 characters, received ${JSON.stringify(item.alias)}`,
        );
      }
      if (aliases.has(lower))
        problems.push(`${where}.select[${j}].alias: expected a unique column name, received ${item.alias}`);
      aliases.add(lower);
    });
  }
  return problems;
}

/** Field references outside aggregates that are not (inside) a GROUP BY key. */
export function ungroupedReferences(expr: Expr, keys: ReadonlySet<string>): string[] {
  if (keys.has(exprKey(expr))) return [];
  switch (expr.kind) {
    case 'aggregate':
    case 'literal':
    case 'systemTimestamp':
      return [];
    case 'field':
      return [expr.path.join('.')];
    default: {
      const found: string[] = [];
      for (const child of directChildren(expr)) found.push(...ungroupedReferences(child, keys));
      return found;
    }
  }
}

/** Throws one RangeError listing every problem of the job, or returns it unchanged. */
export function validateJob(job: JobDefinition): JobDefinition {
  const problems = jobProblems(job);
  if (problems.length > 0) {
    throw new RangeError(`Invalid job ${JSON.stringify(job.name)}:\n  - ${problems.join('\n  - ')}`);
  }
  return job;
}
