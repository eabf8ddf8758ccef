import { statusOf } from '../isRetriable';
import type { TableClient } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { AnomalyEvent } from '../../anomaly/anomalyEvent';
import type { AnomalyStore } from '../../ports/anomalyStore';
import { encodeKeyComponent, padNumber } from './encodeKeyComponent';

/*
 * Layout: PartitionKey 'anomaly', RowKey <inverted window end:16>~<encoded id>, so a query returns the
 * newest first. Anomalies are rare next to events (at most a few per window), far below Table Storage's
 * 2,000 entities/s per partition.
 */
const partitionKey = 'anomaly';
// The largest instant a Date holds: inverted times stay non-negative.
const maxTimeMs = 8_640_000_000_000_000;

const rowKeyOf = (e: AnomalyEvent): string =>
  `${padNumber(maxTimeMs - Date.parse(e.windowEnd), 16)}~${encodeKeyComponent(e.id)}`;

export interface TableAnomalyStoreOptions {
  readonly client: TableClient;
}

/** Anomaly events in Table Storage; `createEntity` (409 when it exists) makes recording idempotent. */
export class TableAnomalyStore implements AnomalyStore {
  private readonly client: TableClient;

  constructor(options: TableAnomalyStoreOptions) {
    this.client = options.client;
  }

  async record(events: readonly AnomalyEvent[]): Promise<AnomalyEvent[]> {
    const fresh: AnomalyEvent[] = [];
    for (const e of events) {
      try {
        await this.client.createEntity({ partitionKey, rowKey: rowKeyOf(e), event: JSON.stringify(e) });
        fresh.push(e);
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
      }
    }
    return fresh;
  }

  async recent(limit: number): Promise<AnomalyEvent[]> {
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new RangeError(`limit: expected a positive integer, received ${limit}`);
    const out: AnomalyEvent[] = [];
    const pages = this.client
      .listEntities<{ event: string }>({ queryOptions: { filter: odata`PartitionKey eq ${partitionKey}` } })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages) {
      for (const e of page) {
        out.push(JSON.parse(e.event) as AnomalyEvent);
        if (out.length >= limit) return out;
      }
    }
    return out;
  }
}
