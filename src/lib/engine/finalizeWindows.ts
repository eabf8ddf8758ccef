import { mergePartials, partialResult, type AggregateKind } from './aggregates/aggregate';
import type { EmittedRow } from './applyBatch';
import type { CompiledStatement } from './compileJob';
import { createGroupAccumulator, type Bucket, type GroupAccumulator } from './state/bucket';
import { ceilToGrid } from './windows';

/** A session still open when its statement was last finalized, carried to the next finalization. */
export interface OpenSession {
  readonly keyValues: readonly unknown[];
  /** First event time (ms). */
  readonly startMs: number;
  /** Latest event time (ms). */
  lastMs: number;
  partials: GroupAccumulator['partials'];
}

/** Fine-time range a finalization of [fromMs, toMs) must read, as inclusive bounds. */
export function fineRangeToRead(
  s: CompiledStatement,
  fromMs: number,
  toMs: number,
): { lo: number; hi: number } {
  const w = s.window!;
  switch (w.kind) {
    case 'sliding':
      // An output at c covers (c - size, c]; an event at exactly from - size leaves at from, so it is
      // read too: its exit produces the output at from.
      return { lo: fromMs - w.sizeInMs, hi: toMs - 1 };
    default:
      return { lo: fromMs, hi: toMs - 1 };
  }
}

/**
 * The first fine time still needed after finalizing through `toMs`: everything below it can be deleted.
 */
export function firstFineStillNeeded(s: CompiledStatement, toMs: number): number {
  const w = s.window!;
  return w.kind === 'sliding' ? toMs - w.sizeInMs : toMs;
}

function mergeInto(
  target: GroupAccumulator,
  source: GroupAccumulator,
  kinds: readonly AggregateKind[],
): void {
  for (let i = 0; i < kinds.length; i++)
    target.partials[i] = mergePartials(kinds[i]!, target.partials[i]!, source.partials[i]!);
}

function emit(
  s: CompiledStatement,
  kinds: readonly AggregateKind[],
  acc: { keyValues: readonly unknown[]; partials: GroupAccumulator['partials'] },
  timestampMs: number,
  out: EmittedRow[],
): void {
  const values = acc.partials.map((p, i) => partialResult(kinds[i]!, p));
  const row = s.projectGroup(acc.keyValues, values, timestampMs);
  if (row) out.push({ output: s.output, timestampMs, row });
}

/**
 * The end of a session (ASA): at last event + timeout, unless a max-duration check point comes first.
 * Check points are the multiples of maxDuration (aligned to the epoch); at the first one at which the
 * session has lasted at least maxDuration, it closes. So a session can last up to twice maxDuration.
 */
export function sessionEndMs(
  startMs: number,
  lastMs: number,
  timeoutInMs: number,
  maxDurationInMs: number,
): number {
  let check = ceilToGrid(startMs, maxDurationInMs, 0);
  if (check - startMs < maxDurationInMs) check += maxDurationInMs;
  return Math.min(lastMs + timeoutInMs, check);
}

/**
 * Computes the rows a statement outputs with System.Timestamp in [fromMs, toMs), given every group
 * partial with fine time in {@link fineRangeToRead} (merged over all partitions). Rows are sorted by
 * timestamp, then by group key, so the same inputs give byte-identical output.
 *
 * @param sessions - open sessions carried from the previous finalization (session windows only);
 *   updated in place to those still open at toMs
 */
export function finalizeWindows(
  s: CompiledStatement,
  merged: Bucket,
  fromMs: number,
  toMs: number,
  sessions?: Map<string, OpenSession>,
): EmittedRow[] {
  const w = s.window;
  if (!w) throw new TypeError(`statement ${s.index}: only GROUP BY statements have windows to finalize`);
  const kinds = s.aggregates.map((a) => a.kind);
  const out: EmittedRow[] = [];
  const fines = [...merged.keys()].sort((a, b) => a - b);
  switch (w.kind) {
    case 'tumbling':
    case 'hopping':
    case 'snapshot':
      for (const fine of fines) {
        if (fine < fromMs || fine >= toMs) continue;
        const groups = merged.get(fine)!;
        for (const key of [...groups.keys()].sort()) emit(s, kinds, groups.get(key)!, fine, out);
      }
      return out;
    case 'sliding': {
      // Per key, outputs at each event time (enter) and event time + size (leave), never when empty.
      const perKey = new Map<
        string,
        { keyValues: readonly unknown[]; points: [number, GroupAccumulator][] }
      >();
      for (const fine of fines) {
        for (const [key, acc] of merged.get(fine)!) {
          let k = perKey.get(key);
          if (!k) perKey.set(key, (k = { keyValues: acc.keyValues, points: [] }));
          k.points.push([fine, acc]);
        }
      }
      const rows: EmittedRow[] = [];
      for (const key of [...perKey.keys()].sort()) {
        const { keyValues, points } = perKey.get(key)!;
        const candidates = new Set<number>();
        for (const [t] of points) {
          if (t >= fromMs && t < toMs) candidates.add(t);
          if (t + w.sizeInMs >= fromMs && t + w.sizeInMs < toMs) candidates.add(t + w.sizeInMs);
        }
        for (const c of [...candidates].sort((a, b) => a - b)) {
          const acc = createGroupAccumulator(keyValues, kinds);
          let any = false;
          for (const [t, p] of points) {
            if (t > c - w.sizeInMs && t <= c) {
              mergeInto(acc, p, kinds);
              any = true;
            }
          }
          if (any) emit(s, kinds, acc, c, rows);
        }
      }
      return rows.sort((a, b) => a.timestampMs - b.timestampMs);
    }
    case 'session': {
      if (!sessions)
        throw new TypeError(`statement ${s.index}: session windows need the carried open sessions`);
      const closed: { key: string; row: EmittedRow }[] = [];
      const close = (key: string, open: OpenSession): void => {
        const rows: EmittedRow[] = [];
        emit(s, kinds, open, sessionEndMs(open.startMs, open.lastMs, w.timeoutInMs, w.maxDurationInMs), rows);
        for (const row of rows) closed.push({ key, row });
        sessions.delete(key);
      };
      for (const fine of fines) {
        if (fine < fromMs || fine >= toMs) continue;
        for (const [key, acc] of merged.get(fine)!) {
          const open = sessions.get(key);
          // An event exactly at the session end still belongs to it: windows include their end.
          if (open && fine > sessionEndMs(open.startMs, open.lastMs, w.timeoutInMs, w.maxDurationInMs))
            close(key, open);
          const current = sessions.get(key);
          if (current) {
            current.lastMs = fine;
            mergeInto(current, acc, kinds);
          } else {
            const fresh: OpenSession = {
              keyValues: acc.keyValues,
              startMs: fine,
              lastMs: fine,
              partials: createGroupAccumulator(acc.keyValues, kinds).partials,
            };
            mergeInto(fresh, acc, kinds);
            sessions.set(key, fresh);
          }
        }
      }
      for (const [key, open] of [...sessions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        if (sessionEndMs(open.startMs, open.lastMs, w.timeoutInMs, w.maxDurationInMs) < toMs)
          close(key, open);
      }
      // By timestamp, then group key: the same rows whichever way finalization was split.
      closed.sort(
        (a, b) => a.row.timestampMs - b.row.timestampMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
      );
      return closed.map((c) => c.row);
    }
  }
}
