import type { DeadLetterReason } from './state/engineCounters';

/** One message of an input partition, as the Event Hubs trigger (or the replay CLI) hands it over. */
export interface InputMessage {
  /** Event Hubs sequence number: strictly increasing within a partition. */
  readonly sequenceNumber: number;
  /** Arrival time: the Event Hubs enqueued time, epoch ms. */
  readonly enqueuedTimeMs: number;
  /** JSON text as a string or UTF-8 bytes, or a value the Functions host already parsed. */
  readonly body: unknown;
  /** Where the message came from when it is not Event Hubs, e.g. a replay input's line number. */
  readonly lineNumber?: number;
}

/** A message the engine could not use, with everything needed to inspect and replay it. */
export interface DeadLetter {
  readonly partitionId: string;
  readonly sequenceNumber: number;
  readonly enqueuedTimeMs: number;
  readonly reason: DeadLetterReason;
  /** Human-readable detail naming what was expected and what was received. */
  readonly detail: string;
  /** The original message bytes (the JSON text for a body the host had already parsed). */
  readonly body: Uint8Array;
  readonly lineNumber?: number;
}
