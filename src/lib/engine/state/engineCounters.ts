/** Why a message went to the dead-letter store. */
export type DeadLetterReason =
  | 'notJson'
  | 'notAnObject'
  | 'tooLarge'
  | 'contractViolation'
  | 'invalidTimestamp'
  | 'early'
  /** The whole batch failed on its last retry; parked so that the checkpoint past it loses nothing. */
  | 'batchFailed';

/** The counters ASA reports as job metrics, kept per partition (and per output for rows). */
export interface EngineCounters {
  /** Messages taken in, excluding redelivered ones already applied. */
  inputEvents: number;
  /** Redelivered messages skipped because their sequence number was already applied. */
  duplicatesSkipped: number;
  early: number;
  lateAdjusted: number;
  lateDropped: number;
  outOfOrderAdjusted: number;
  outOfOrderDropped: number;
  deadLettered: Partial<Record<DeadLetterReason, number>>;
  /** Rows written per output. */
  rowsEmitted: Record<string, number>;
}

export function createEngineCounters(): EngineCounters {
  return {
    inputEvents: 0,
    duplicatesSkipped: 0,
    early: 0,
    lateAdjusted: 0,
    lateDropped: 0,
    outOfOrderAdjusted: 0,
    outOfOrderDropped: 0,
    deadLettered: {},
    rowsEmitted: {},
  };
}

const addRecord = <K extends string>(
  target: Partial<Record<K, number>>,
  source: Partial<Record<K, number>>,
): void => {
  for (const [k, v] of Object.entries(source) as [K, number][]) target[k] = (target[k] ?? 0) + v;
};

/** Adds `source` into `target` in place. */
export function addEngineCounters(target: EngineCounters, source: EngineCounters): EngineCounters {
  target.inputEvents += source.inputEvents;
  target.duplicatesSkipped += source.duplicatesSkipped;
  target.early += source.early;
  target.lateAdjusted += source.lateAdjusted;
  target.lateDropped += source.lateDropped;
  target.outOfOrderAdjusted += source.outOfOrderAdjusted;
  target.outOfOrderDropped += source.outOfOrderDropped;
  addRecord(target.deadLettered, source.deadLettered);
  addRecord(target.rowsEmitted, source.rowsEmitted);
  return target;
}

export function cloneEngineCounters(c: EngineCounters): EngineCounters {
  return addEngineCounters(createEngineCounters(), c);
}

/** `after - before`, per counter: what one batch added. */
export function subtractEngineCounters(after: EngineCounters, before: EngineCounters): EngineCounters {
  const diff = (
    a: Partial<Record<string, number>>,
    b: Partial<Record<string, number>>,
  ): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(a)) {
      const d = (v ?? 0) - (b[k] ?? 0);
      if (d !== 0) out[k] = d;
    }
    return out;
  };
  return {
    inputEvents: after.inputEvents - before.inputEvents,
    duplicatesSkipped: after.duplicatesSkipped - before.duplicatesSkipped,
    early: after.early - before.early,
    lateAdjusted: after.lateAdjusted - before.lateAdjusted,
    lateDropped: after.lateDropped - before.lateDropped,
    outOfOrderAdjusted: after.outOfOrderAdjusted - before.outOfOrderAdjusted,
    outOfOrderDropped: after.outOfOrderDropped - before.outOfOrderDropped,
    deadLettered: diff(after.deadLettered, before.deadLettered),
    rowsEmitted: diff(after.rowsEmitted, before.rowsEmitted),
  };
}
