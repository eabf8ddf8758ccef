import { cloneEngineCounters, createEngineCounters, type EngineCounters } from './engineCounters';

/**
 * What one input partition has applied, stored beside its deltas and written in the same entity-group
 * transaction, so that "applied through sequence number lastSeq" is exactly true of the stored state.
 * All times are epoch milliseconds.
 */
export interface PartitionProgress {
  readonly partitionId: string;
  /** Highest Event Hubs sequence number applied; -1 before the first. */
  lastSeq: number;
  /** The partition watermark; events before it are out of order. Null before the first event. */
  watermarkMs: number | null;
  maxEventTimeMs: number | null;
  /** Latest arrival (enqueued) time seen. */
  lastArrivalMs: number | null;
  /** The engine clock when lastArrivalMs was seen: the idle watermark extrapolates from it. */
  clockAtLastArrivalMs: number | null;
  counters: EngineCounters;
}

export function createPartitionProgress(partitionId: string): PartitionProgress {
  return {
    partitionId,
    lastSeq: -1,
    watermarkMs: null,
    maxEventTimeMs: null,
    lastArrivalMs: null,
    clockAtLastArrivalMs: null,
    counters: createEngineCounters(),
  };
}

export function clonePartitionProgress(p: PartitionProgress): PartitionProgress {
  return { ...p, counters: cloneEngineCounters(p.counters) };
}

/**
 * The watermark a partition has while idle (ASA): its estimated arrival clock, i.e. the last arrival
 * plus the time elapsed since, minus the late-arrival tolerance. Undefined when the tolerance is -1
 * (wait indefinitely) or nothing has arrived yet.
 */
export function idleWatermarkMs(
  progress: PartitionProgress,
  nowMs: number,
  lateArrivalToleranceInSeconds: number,
): number | undefined {
  if (lateArrivalToleranceInSeconds < 0) return undefined;
  if (progress.lastArrivalMs === null || progress.clockAtLastArrivalMs === null) return undefined;
  const estimatedArrival = progress.lastArrivalMs + Math.max(0, nowMs - progress.clockAtLastArrivalMs);
  return estimatedArrival - lateArrivalToleranceInSeconds * 1000;
}
