import type { InputMessage } from '../engine/inputMessage';

/** One trigger invocation's batch, as the engine takes it. */
export interface EventHubBatch {
  readonly partitionId: string;
  readonly messages: InputMessage[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function arrayOf(meta: Record<string, unknown>, key: string, length: number): unknown[] {
  const value = meta[key];
  if (!Array.isArray(value) || value.length !== length) {
    const got = Array.isArray(value) ? `an array of ${value.length}` : typeof value;
    throw new TypeError(
      `triggerMetadata.${key}: expected an array of ${length} (one per message), received ${got}`,
    );
  }
  return value;
}

function toMs(value: unknown, where: string): number {
  const ms =
    value instanceof Date
      ? value.getTime()
      : typeof value === 'string'
        ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`)
        : NaN;
  if (!Number.isFinite(ms))
    throw new TypeError(`${where}: expected an ISO-8601 UTC time, received ${JSON.stringify(value)}`);
  return ms;
}

/**
 * Reads an Event Hubs trigger batch (cardinality many) with its metadata, as the Functions worker
 * delivers it: `partitionContext.partitionId`, and per message `sequenceNumberArray[i]` and
 * `enqueuedTimeUtcArray[i]`, index-aligned with the bodies. The worker lower-cases the first letter of
 * every metadata key, so these are the camel-case names. A body is a string, or whatever the library
 * JSON-parsed it into; the engine validates both.
 */
export function readEventHubBatch(
  bodies: readonly unknown[],
  triggerMetadata: Record<string, unknown> | undefined,
): EventHubBatch {
  if (!triggerMetadata)
    throw new TypeError('triggerMetadata: expected Event Hubs trigger metadata, received none');
  const partitionContext = triggerMetadata.partitionContext;
  const partitionId = isRecord(partitionContext) ? partitionContext.partitionId : undefined;
  if (typeof partitionId !== 'string' || partitionId.length === 0) {
    throw new TypeError(
      `triggerMetadata.partitionContext.partitionId: expected a partition id, received ${JSON.stringify(partitionId)}`,
    );
  }
  const sequenceNumbers = arrayOf(triggerMetadata, 'sequenceNumberArray', bodies.length);
  const enqueuedTimes = arrayOf(triggerMetadata, 'enqueuedTimeUtcArray', bodies.length);
  const messages: InputMessage[] = bodies.map((body, i) => {
    const seq = Number(sequenceNumbers[i]);
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new TypeError(
        `triggerMetadata.sequenceNumberArray[${i}]: expected a non-negative integer, received ${JSON.stringify(sequenceNumbers[i])}`,
      );
    }
    return {
      sequenceNumber: seq,
      enqueuedTimeMs: toMs(enqueuedTimes[i], `triggerMetadata.enqueuedTimeUtcArray[${i}]`),
      body,
    };
  });
  return { partitionId, messages };
}
