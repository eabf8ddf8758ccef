import { statusOf } from '../isRetriable';
import {
  odata,
  TableClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from '@azure/data-tables';
import type { AnomalyEvent } from '../../anomaly/anomalyEvent';
import type { AlertChannel } from '../../alerts/alertPolicy';
import type {
  AlertPatch,
  AlertRecord,
  AlertStatus,
  AlertStore,
  EscalationInput,
} from '../../alerts/alertRecord';
import type { StorageConnection } from '../storage/openStorage';
import { encodeKeyComponent, padNumber } from './encodeKeyComponent';

/*
 * Layout (one table, default clickpulsealerts). Alerts are rare (a few a minute at most, the rate cap
 * sees to it), far below Table Storage's 2,000 entities/s per partition.
 *   alert        | r~<inverted window end:16>~<alert key>   the record (newest window first)
 *   alert        | k~<alert key>                            index: the record's RowKey
 *   send         | <alert key>~<encoded target>             one claim per message sent
 *   cooldown     | <encoded rule>~<encoded key>             last time the cooldown was taken (ETag)
 *   rate         | <epoch minute:12>                        alerts counted in that minute (ETag)
 *   digest~<min> | <alert key>                              members of that minute's digest
 *   digestpending| <epoch minute:12>                        digests waiting for their minute to end
 *   digestsent   | <epoch minute:12>                        digest claims
 *   escalation   | <alert key>                              escalations waiting to be started
 */
const maxTimeMs = 8_640_000_000_000_000;
const recordRowKey = (alertKey: string, windowEnd: string): string =>
  `r~${padNumber(maxTimeMs - Date.parse(windowEnd), 16)}~${alertKey}`;
const minuteKey = (bucket: number): string => padNumber(bucket, 12);
// Optimistic-concurrency rounds before giving up (contention is between a few alert writers).
const maxRounds = 20;

async function ignoreNotFound(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

interface RecordEntity {
  alertKey: string;
  anomaly: string;
  status: string;
  reason?: string;
  channels: string;
  createdAt: string;
  updatedAt: string;
  digestBucket?: number;
  acknowledgedAt?: string;
  escalatedAt?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

function toRecord(e: TableEntityResult<RecordEntity>): AlertRecord {
  return {
    alertKey: e.alertKey,
    anomaly: JSON.parse(e.anomaly) as AnomalyEvent,
    status: e.status as AlertStatus,
    reason: text(e.reason),
    channels: JSON.parse(e.channels) as AlertChannel[],
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    digestBucket: typeof e.digestBucket === 'number' ? e.digestBucket : undefined,
    acknowledgedAt: text(e.acknowledgedAt),
    escalatedAt: text(e.escalatedAt),
  };
}

function patchFields(patch: AlertPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // An absent field stays; a field present but undefined is cleared (empty string).
  for (const [k, v] of Object.entries(patch)) out[k] = v === undefined ? '' : v;
  return out;
}

export interface TableAlertStoreOptions {
  readonly client: TableClient;
}

/** A TableClient for the alert table, from the app's storage connection (creates the table if absent). */
export async function openAlertTable(
  connection: StorageConnection,
  tableName: string,
  retryOptions?: TableServiceClientOptions['retryOptions'],
): Promise<TableClient> {
  const options: TableServiceClientOptions = {
    allowInsecureConnection: true,
    ...(retryOptions ? { retryOptions } : {}),
  };
  const client =
    connection.kind === 'connectionString'
      ? TableClient.fromConnectionString(connection.connectionString, tableName, options)
      : new TableClient(connection.tableServiceUri, tableName, connection.credential, options);
  await client.createTable();
  return client;
}

/**
 * Alert state in Table Storage. Claims are inserts (`createEntity`, or an entity-group transaction of
 * record and index) that fail with 409 when the row exists; counters and cooldowns are conditional
 * updates with the row's ETag, retried on 412 and 409.
 */
export class TableAlertStore implements AlertStore {
  private readonly client: TableClient;

  constructor(options: TableAlertStoreOptions) {
    this.client = options.client;
  }

  async claim(record: AlertRecord): Promise<boolean> {
    const rowKey = recordRowKey(record.alertKey, record.anomaly.windowEnd);
    const entity = {
      partitionKey: 'alert',
      rowKey,
      alertKey: record.alertKey,
      anomaly: JSON.stringify(record.anomaly),
      status: record.status,
      reason: record.reason ?? '',
      channels: JSON.stringify(record.channels),
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
    try {
      await this.client.submitTransaction([
        ['create', entity],
        ['create', { partitionKey: 'alert', rowKey: `k~${record.alertKey}`, recordRowKey: rowKey }],
      ]);
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async update(record: Pick<AlertRecord, 'alertKey' | 'anomaly'>, patch: AlertPatch): Promise<void> {
    await this.client.updateEntity(
      {
        partitionKey: 'alert',
        rowKey: recordRowKey(record.alertKey, record.anomaly.windowEnd),
        ...patchFields(patch),
      },
      'Merge',
    );
  }

  async get(alertKey: string): Promise<AlertRecord | undefined> {
    try {
      const index = await this.client.getEntity<{ recordRowKey: string }>('alert', `k~${alertKey}`);
      return toRecord(await this.client.getEntity<RecordEntity>('alert', index.recordRowKey));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async recent(limit: number): Promise<AlertRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`limit: expected a positive integer, received ${limit}`);
    }
    const out: AlertRecord[] = [];
    const pages = this.client
      .listEntities<RecordEntity>({
        queryOptions: { filter: odata`PartitionKey eq 'alert' and RowKey ge 'r~' and RowKey lt 'r~~'` },
      })
      .byPage({ maxPageSize: Math.min(limit, 1000) });
    for await (const page of pages) {
      for (const e of page) {
        out.push(toRecord(e));
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  async claimSend(alertKey: string, target: string): Promise<boolean> {
    try {
      await this.client.createEntity({
        partitionKey: 'send',
        rowKey: `${alertKey}~${encodeKeyComponent(target)}`,
      });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async releaseSend(alertKey: string, target: string): Promise<void> {
    await ignoreNotFound(this.client.deleteEntity('send', `${alertKey}~${encodeKeyComponent(target)}`));
  }

  async takeCooldown(rule: string, key: string, nowMs: number, cooldownInMs: number): Promise<boolean> {
    const rowKey = `${encodeKeyComponent(rule)}~${encodeKeyComponent(key)}`;
    const fields = { lastTakenAt: new Date(nowMs).toISOString() };
    for (let round = 0; round < maxRounds; round++) {
      let current: TableEntityResult<{ lastTakenAt: string }>;
      try {
        current = await this.client.getEntity<{ lastTakenAt: string }>('cooldown', rowKey);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        try {
          await this.client.createEntity({ partitionKey: 'cooldown', rowKey, ...fields });
          return true;
        } catch (createError) {
          if (statusOf(createError) === 409) continue;
          throw createError;
        }
      }
      if (nowMs - Date.parse(current.lastTakenAt) < cooldownInMs) return false;
      try {
        await this.client.updateEntity({ partitionKey: 'cooldown', rowKey, ...fields }, 'Replace', {
          etag: current.etag,
        });
        return true;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
      }
    }
    throw new Error(`cooldown ${rule}|${key}: still contended after ${maxRounds} rounds`);
  }

  async countInMinute(bucket: number): Promise<number> {
    const rowKey = minuteKey(bucket);
    for (let round = 0; round < maxRounds; round++) {
      let current: TableEntityResult<{ count: number }>;
      try {
        current = await this.client.getEntity<{ count: number }>('rate', rowKey);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        try {
          await this.client.createEntity({ partitionKey: 'rate', rowKey, count: 1 });
          return 1;
        } catch (createError) {
          if (statusOf(createError) === 409) continue;
          throw createError;
        }
      }
      const count = current.count + 1;
      try {
        await this.client.updateEntity({ partitionKey: 'rate', rowKey, count }, 'Replace', {
          etag: current.etag,
        });
        return count;
      } catch (error) {
        if (statusOf(error) !== 412) throw error;
      }
    }
    throw new Error(`rate minute ${bucket}: still contended after ${maxRounds} rounds`);
  }

  async addToDigest(bucket: number, record: AlertRecord): Promise<void> {
    await this.client.upsertEntity(
      {
        partitionKey: `digest~${minuteKey(bucket)}`,
        rowKey: record.alertKey,
        record: JSON.stringify(record),
      },
      'Replace',
    );
    await this.client.upsertEntity({ partitionKey: 'digestpending', rowKey: minuteKey(bucket) }, 'Replace');
  }

  async pendingDigests(beforeBucket: number): Promise<number[]> {
    const out: number[] = [];
    const before = minuteKey(beforeBucket);
    for await (const e of this.client.listEntities({
      queryOptions: { filter: odata`PartitionKey eq 'digestpending' and RowKey lt ${before}` },
    })) {
      out.push(Number(e.rowKey));
    }
    return out.sort((a, b) => a - b);
  }

  async digestMembers(bucket: number): Promise<AlertRecord[]> {
    const out: AlertRecord[] = [];
    const pk = `digest~${minuteKey(bucket)}`;
    for await (const e of this.client.listEntities<{ record: string }>({
      queryOptions: { filter: odata`PartitionKey eq ${pk}` },
    })) {
      out.push(JSON.parse(e.record) as AlertRecord);
    }
    return out;
  }

  async claimDigest(bucket: number): Promise<boolean> {
    try {
      await this.client.createEntity({ partitionKey: 'digestsent', rowKey: minuteKey(bucket) });
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  async completeDigest(bucket: number): Promise<void> {
    await ignoreNotFound(this.client.deleteEntity('digestpending', minuteKey(bucket)));
  }

  async enqueueEscalation(input: EscalationInput): Promise<void> {
    await this.client.upsertEntity(
      { partitionKey: 'escalation', rowKey: input.alertKey, input: JSON.stringify(input) },
      'Replace',
    );
  }

  async pendingEscalations(limit: number): Promise<EscalationInput[]> {
    const out: EscalationInput[] = [];
    for await (const e of this.client.listEntities<{ input: string }>({
      queryOptions: { filter: odata`PartitionKey eq 'escalation'` },
    })) {
      out.push(JSON.parse(e.input) as EscalationInput);
      if (out.length >= limit) break;
    }
    return out;
  }

  async removeEscalation(alertKey: string): Promise<void> {
    await ignoreNotFound(this.client.deleteEntity('escalation', alertKey));
  }
}
