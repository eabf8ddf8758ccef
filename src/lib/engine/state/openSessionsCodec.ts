import { partialFromJson, partialToJson, type AggregateKind } from '../aggregates/aggregate';
import type { OpenSession } from '../finalizeWindows';
import { groupKeyOf } from '../groupKey';
import { decodeScalar, encodeScalar } from '../values';

export function openSessionsToJson(
  sessions: ReadonlyMap<string, OpenSession>,
  kinds: readonly AggregateKind[],
): string {
  const out: unknown[] = [];
  for (const s of sessions.values()) {
    out.push([
      s.keyValues.map(encodeScalar),
      s.startMs,
      s.lastMs,
      s.partials.map((p, i) => partialToJson(kinds[i]!, p)),
    ]);
  }
  return JSON.stringify(out);
}

export function openSessionsFromJson(
  text: string | undefined,
  kinds: readonly AggregateKind[],
): Map<string, OpenSession> {
  const sessions = new Map<string, OpenSession>();
  if (!text) return sessions;
  for (const [keyJson, startMs, lastMs, partials] of JSON.parse(text) as [
    unknown[],
    number,
    number,
    unknown[],
  ][]) {
    const keyValues = keyJson.map(decodeScalar);
    sessions.set(groupKeyOf(keyValues), {
      keyValues,
      startMs,
      lastMs,
      partials: partials.map((p, i) => partialFromJson(kinds[i]!, p)),
    });
  }
  return sessions;
}
