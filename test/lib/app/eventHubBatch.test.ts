import { describe, expect, it } from 'vitest';
import { readEventHubBatch } from '../../../src/lib/app/eventHubBatch';

const meta = (n: number): Record<string, unknown> => ({
  partitionContext: { partitionId: '3', eventHubName: 'clickstream' },
  sequenceNumberArray: Array.from({ length: n }, (_, i) => 100 + i),
  enqueuedTimeUtcArray: Array.from({ length: n }, (_, i) => `2026-06-01T10:00:0${i}.500Z`),
});

describe('readEventHubBatch', () => {
  it('aligns bodies with sequence numbers and enqueued times', () => {
    const batch = readEventHubBatch([{ a: 1 }, 'not json'], meta(2));
    expect(batch).toEqual({
      partitionId: '3',
      messages: [
        { sequenceNumber: 100, enqueuedTimeMs: Date.UTC(2026, 5, 1, 10, 0, 0, 500), body: { a: 1 } },
        { sequenceNumber: 101, enqueuedTimeMs: Date.UTC(2026, 5, 1, 10, 0, 1, 500), body: 'not json' },
      ],
    });
  });

  it('reads enqueued times without an offset as UTC and sequence numbers sent as strings', () => {
    const m = { ...meta(1), enqueuedTimeUtcArray: ['2026-06-01T10:00:00.25'], sequenceNumberArray: ['7'] };
    expect(readEventHubBatch(['x'], m).messages[0]).toEqual({
      sequenceNumber: 7,
      enqueuedTimeMs: Date.UTC(2026, 5, 1, 10, 0, 0, 250),
      body: 'x',
    });
  });

  it('rejects metadata that does not match the batch, naming the key', () => {
    expect(() => readEventHubBatch(['a', 'b'], meta(1))).toThrow(
      'triggerMetadata.sequenceNumberArray: expected an array of 2 (one per message), received an array of 1',
    );
    expect(() => readEventHubBatch(['a'], undefined)).toThrow(
      'triggerMetadata: expected Event Hubs trigger metadata, received none',
    );
    expect(() => readEventHubBatch(['a'], { ...meta(1), partitionContext: {} })).toThrow(
      /partitionContext\.partitionId/,
    );
    expect(() => readEventHubBatch(['a'], { ...meta(1), enqueuedTimeUtcArray: ['yesterday'] })).toThrow(
      /enqueuedTimeUtcArray\[0\]/,
    );
  });
});
