import { readFile } from 'node:fs/promises';
import { eventOrderingPolicyProblems, type EventOrderingPolicy } from '../engine/eventOrderingPolicy';
import { LenientJsonError, parseLenientJson } from './parseLenientJson';

/** A JobConfig.json that cannot be used: names the file and every problem. */
export class JobConfigError extends Error {
  override readonly name = 'JobConfigError';
}

/** Finds a property by name without regard to case (the VS Code tools write PascalCase). */
function property(config: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(config).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : config[key];
}

function integerProperty(
  config: Record<string, unknown>,
  name: string,
  problems: string[],
): number | undefined {
  const raw = property(config, name);
  if (raw === undefined || raw === null) return undefined;
  const n = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    problems.push(`${name}: expected an integer, received ${JSON.stringify(raw)}`);
    return undefined;
  }
  return n;
}

/**
 * The event-ordering policy of an ASA JobConfig.json (the job settings file of ASA's VS Code projects):
 * EventsLateArrivalMaxDelayInSeconds (absent: -1, wait indefinitely, as ASA reads an absent value),
 * EventsOutOfOrderMaxDelayInSeconds (absent: 0) and EventsOutOfOrderPolicy, "Adjust" or "Drop" (absent:
 * Adjust). Throws a {@link JobConfigError} naming every problem.
 */
export function jobConfigEventOrdering(config: unknown, source: string): EventOrderingPolicy {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new JobConfigError(
      `${source}: expected a JSON object, received ${Array.isArray(config) ? 'an array' : typeof config}`,
    );
  }
  const c = config as Record<string, unknown>;
  const problems: string[] = [];
  const late = integerProperty(c, 'EventsLateArrivalMaxDelayInSeconds', problems) ?? -1;
  const outOfOrder = integerProperty(c, 'EventsOutOfOrderMaxDelayInSeconds', problems) ?? 0;
  const rawPolicy = property(c, 'EventsOutOfOrderPolicy');
  let action: 'adjust' | 'drop' = 'adjust';
  if (rawPolicy !== undefined && rawPolicy !== null) {
    const p = typeof rawPolicy === 'string' ? rawPolicy.trim().toLowerCase() : '';
    if (p === 'adjust' || p === 'drop') action = p;
    else
      problems.push(
        `EventsOutOfOrderPolicy: expected "Adjust" or "Drop", received ${JSON.stringify(rawPolicy)}`,
      );
  }
  const policy: EventOrderingPolicy = {
    lateArrivalToleranceInSeconds: late,
    outOfOrderToleranceInSeconds: outOfOrder,
    action,
  };
  if (problems.length === 0) {
    problems.push(
      ...eventOrderingPolicyProblems(policy, 'policy').map((p) =>
        p
          .replace('policy.lateArrivalToleranceInSeconds', 'EventsLateArrivalMaxDelayInSeconds')
          .replace('policy.outOfOrderToleranceInSeconds', 'EventsOutOfOrderMaxDelayInSeconds'),
      ),
    );
  }
  if (problems.length > 0) throw new JobConfigError(`${source}:\n  - ${problems.join('\n  - ')}`);
  return policy;
}

/** Reads an ASA JobConfig.json and returns its event-ordering policy (see {@link jobConfigEventOrdering}). */
export async function readJobConfig(path: string): Promise<EventOrderingPolicy> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new JobConfigError(`${path}: cannot be read (${error.code ?? error.message})`);
  });
  let config: unknown;
  try {
    config = parseLenientJson(text);
  } catch (error) {
    const line = error instanceof LenientJsonError && error.line !== undefined ? `:${error.line}` : '';
    throw new JobConfigError(`${path}${line}: not valid JSON (${(error as Error).message})`);
  }
  return jobConfigEventOrdering(config, path);
}
