import { describe, expect, it } from 'vitest';

import { PartitionKeyBatcher } from '../../../../src/lib/adapters/eventhubs/partitionKeyBatcher';
import { FakeProducer } from './fakeEventBatchProducer';

const event = (text: string) => ({ body: Buffer.from(text, 'utf8'), contentType: 'application/json' });

describe('PartitionKeyBatcher', () => {
  it('puts each partition key in its own batches and keeps the order of every key', async () => {
    const producer = new FakeProducer(3);
    const batcher = new PartitionKeyBatcher(producer, { maxBufferedEvents: 1_000 });
    const added: [string, string][] = [];
    for (let index = 0; index < 200; index++) {
      const key = `user-${index % 7}`;
      added.push([key, `${key}#${index}`]);
      await batcher.add(key, event(`${key}#${index}`));
    }
    await batcher.flush();
    expect(batcher.sentCount).toBe(200);
    expect(batcher.bufferedCount).toBe(0);
    for (const { batch } of producer.sent) {
      expect(batch.count).toBeGreaterThan(0);
      expect(batch.count).toBeLessThanOrEqual(3);
      for (const text of batch.events.map((e) => Buffer.from(e.body).toString())) {
        expect(text.startsWith(`${batch.partitionKey}#`)).toBe(true);
      }
    }
    for (let key = 0; key < 7; key++) {
      const expected = added.filter(([k]) => k === `user-${key}`).map(([, text]) => text);
      const got = producer.bodies().filter((text) => text.startsWith(`user-${key}#`));
      expect(got).toEqual(expected);
    }
  });

  it('sends a full batch at once and starts the next for that key', async () => {
    const producer = new FakeProducer(2);
    const batcher = new PartitionKeyBatcher(producer);
    await batcher.add('a', event('1'));
    await batcher.add('a', event('2'));
    expect(producer.sent).toHaveLength(0);
    await batcher.add('a', event('3'));
    expect(producer.sent.map(({ batch }) => batch.count)).toEqual([2]);
    expect(batcher.bufferedCount).toBe(1);
    expect(batcher.sentBatchCount).toBe(1);
  });

  it('flushes every open batch when maxBufferedEvents are waiting', async () => {
    const producer = new FakeProducer(100);
    const batcher = new PartitionKeyBatcher(producer, { maxBufferedEvents: 10 });
    for (let index = 0; index < 9; index++) await batcher.add(`k${index % 4}`, event(String(index)));
    expect(producer.sent).toHaveLength(0);
    await batcher.add('k9', event('9'));
    expect(producer.sent).toHaveLength(5);
    expect(batcher.bufferedCount).toBe(0);
    expect(batcher.sentCount).toBe(10);
  });

  it('sends at most maxConcurrentSends batches at once', async () => {
    const producer = new FakeProducer(
      100,
      () => 0,
      () => new Promise((resolve) => setTimeout(resolve, 2)),
    );
    const batcher = new PartitionKeyBatcher(producer, { maxConcurrentSends: 3 });
    for (let index = 0; index < 40; index++) await batcher.add(`k${index}`, event(String(index)));
    await batcher.flush();
    expect(producer.sent).toHaveLength(40);
    expect(producer.maxInFlight).toBe(3);
  });

  it('rejects an event too large for an empty batch', async () => {
    const batcher = new PartitionKeyBatcher(new FakeProducer());
    await expect(batcher.add('a', event('x'.repeat(20_000)))).rejects.toThrow(RangeError);
  });

  it('does nothing on flush without events, and rejects bad options', async () => {
    const producer = new FakeProducer();
    await new PartitionKeyBatcher(producer).flush();
    expect(producer.sent).toHaveLength(0);
    expect(() => new PartitionKeyBatcher(producer, { maxBufferedEvents: 0 })).toThrow(RangeError);
    expect(() => new PartitionKeyBatcher(producer, { maxConcurrentSends: 1.5 })).toThrow(RangeError);
  });
});
