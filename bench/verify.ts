import type { EmittedRow } from '../src/lib/engine/applyBatch';
import type { WorkloadMessage } from './workload';

const windowSizeInMs = 10_000;

/** Key of one (window end, user, product) group; a missing product groups under NULL. */
const groupKey = (windowEndMs: number, userId: unknown, productId: unknown): string =>
  `${windowEndMs}|${JSON.stringify(userId)}|${JSON.stringify(productId ?? null)}`;

/**
 * The seed query computed the simple way, in memory: COUNT(*) per UserId, ProductId and 10 s tumbling
 * window of the event time, the window ending at ceil(t / 10 s) * 10 s.
 */
export function expectedCounts(messages: readonly WorkloadMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) {
    const e = JSON.parse(m.body) as { eventTime: string; userId: string; productId?: string };
    const t = Date.parse(e.eventTime);
    const end = Math.ceil(t / windowSizeInMs) * windowSizeInMs;
    const key = groupKey(end, e.userId, e.productId);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface Verification {
  readonly ok: boolean;
  readonly expectedRows: number;
  readonly emittedRows: number;
  readonly expectedEvents: number;
  readonly countedEvents: number;
  /** Human-readable differences, at most a few. */
  readonly problems: string[];
}

function windowEndMsOf(row: EmittedRow): number {
  const v = row.row.WindowEnd;
  if (typeof v === 'string') return Date.parse(v);
  if (v instanceof Date) return v.getTime();
  return Number.NaN;
}

/** Compares the rows a run emitted with the in-memory computation. */
export function verifyRows(expected: ReadonlyMap<string, number>, rows: readonly EmittedRow[]): Verification {
  const problems: string[] = [];
  const note = (p: string): void => {
    if (problems.length < 10) problems.push(p);
  };
  const seen = new Map<string, number>();
  let countedEvents = 0;
  let problemCount = 0;
  for (const r of rows) {
    const end = windowEndMsOf(r);
    if (r.output !== 'PowerBIOutput') {
      problemCount++;
      note(`row for output ${r.output}, expected PowerBIOutput`);
    }
    if (end !== r.timestampMs) {
      problemCount++;
      note(`WindowEnd ${String(r.row.WindowEnd)} differs from System.Timestamp ${r.timestampMs}`);
    }
    const key = groupKey(end, r.row.UserId, r.row.ProductId);
    const count = r.row.ClickCount;
    if (typeof count !== 'number') {
      problemCount++;
      note(`${key}: ClickCount ${JSON.stringify(count)} is not a number`);
      continue;
    }
    countedEvents += count;
    if (seen.has(key)) {
      problemCount++;
      note(`${key}: emitted twice (${seen.get(key)} and ${count})`);
    }
    seen.set(key, count);
  }
  for (const [key, count] of expected) {
    const got = seen.get(key);
    if (got !== count) {
      problemCount++;
      note(`${key}: expected ClickCount ${count}, received ${got === undefined ? 'no row' : got}`);
    }
  }
  for (const [key, count] of seen) {
    if (!expected.has(key)) {
      problemCount++;
      note(`${key}: unexpected row with ClickCount ${count}`);
    }
  }
  if (problemCount > problems.length) problems.push(`... ${problemCount - problems.length} more`);
  let expectedEvents = 0;
  for (const c of expected.values()) expectedEvents += c;
  return {
    ok: problemCount === 0,
    expectedRows: expected.size,
    emittedRows: rows.length,
    expectedEvents,
    countedEvents,
    problems,
  };
}
