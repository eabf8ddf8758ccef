import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { TableAlertStore } from '../../../src/lib/adapters/tables/tableAlertStore';
import { createAnomalyEvent } from '../../../src/lib/anomaly/anomalyEvent';
import { alertKeyOf } from '../../../src/lib/alerts/alertKey';
import type { AlertRecord, AlertStore } from '../../../src/lib/alerts/alertRecord';
import { MemoryAlertStore } from '../../../src/lib/alerts/memoryAlertStore';
import { azuriteConnectionString, uniqueName } from '../../support/azurite';

const recordOf = (key: string, windowEndMs: number, rule = 'r|1'): AlertRecord => {
  const anomaly = createAnomalyEvent({
    rule,
    key,
    severity: 'warning',
    score: 0.5,
    windowEndMs,
    evidence: { k: key },
  });
  return {
    alertKey: alertKeyOf(anomaly.id),
    anomaly,
    status: 'pending',
    channels: ['email'],
    createdAt: '2026-03-01T12:00:00.000Z',
    updatedAt: '2026-03-01T12:00:00.000Z',
  };
};
const t0 = Date.parse('2026-03-01T12:00:00.000Z');

async function tableStore(): Promise<AlertStore> {
  const client = TableClient.fromConnectionString(azuriteConnectionString(), uniqueName('alerts'), {
    allowInsecureConnection: true,
  });
  await client.createTable();
  return new TableAlertStore({ client });
}

describe.each([
  ['MemoryAlertStore', (): Promise<AlertStore> => Promise.resolve(new MemoryAlertStore())],
  ['TableAlertStore (Azurite)', tableStore],
])('%s', (_name, make) => {
  it('claims an alert once (an insert that fails when it exists) and merges updates', async () => {
    const store = await make();
    const r = recordOf('user/1#?', t0);
    expect(await store.claim(r)).toBe(true);
    expect(await store.claim({ ...r, status: 'sent' })).toBe(false);
    await store.update(r, { status: 'sent', reason: 'x', updatedAt: '2026-03-01T12:00:01.000Z' });
    await store.update(r, {
      reason: undefined,
      acknowledgedAt: '2026-03-01T12:00:02.000Z',
      updatedAt: '2026-03-01T12:00:02.000Z',
    });
    const got = await store.get(r.alertKey);
    expect(got).toMatchObject({
      alertKey: r.alertKey,
      status: 'sent',
      acknowledgedAt: '2026-03-01T12:00:02.000Z',
      updatedAt: '2026-03-01T12:00:02.000Z',
      channels: ['email'],
    });
    expect(got!.reason).toBeUndefined();
    expect(got!.anomaly).toEqual(r.anomaly);
    expect(await store.get('f'.repeat(32))).toBeUndefined();
  });

  it('concurrent claims of one alert: exactly one wins', async () => {
    const store = await make();
    const r = recordOf('u1', t0);
    const wins = await Promise.all(Array.from({ length: 8 }, () => store.claim(r)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('recent(limit): newest window first', async () => {
    const store = await make();
    for (const [k, ms] of [
      ['a', t0],
      ['b', t0 + 20_000],
      ['c', t0 + 10_000],
    ] as const)
      await store.claim(recordOf(k, ms));
    expect((await store.recent(2)).map((r) => r.anomaly.key)).toEqual(['b', 'c']);
    expect((await store.recent(10)).map((r) => r.anomaly.key)).toEqual(['b', 'c', 'a']);
    await expect(store.recent(0)).rejects.toThrow(RangeError);
  });

  it('claims each send once, and gives a claim back', async () => {
    const store = await make();
    expect(await store.claimSend('k', 'sms:+15550100001')).toBe(true);
    expect(await store.claimSend('k', 'sms:+15550100001')).toBe(false);
    expect(await store.claimSend('k', 'email')).toBe(true);
    await store.releaseSend('k', 'sms:+15550100001');
    await store.releaseSend('k', 'never-claimed');
    expect(await store.claimSend('k', 'sms:+15550100001')).toBe(true);
  });

  it('takes a cooldown once per period, atomically under contention', async () => {
    const store = await make();
    const taken = await Promise.all(
      Array.from({ length: 6 }, () => store.takeCooldown('rule/x', 'key#1', t0, 60_000)),
    );
    expect(taken.filter(Boolean)).toHaveLength(1);
    expect(await store.takeCooldown('rule/x', 'key#1', t0 + 59_999, 60_000)).toBe(false);
    expect(await store.takeCooldown('rule/x', 'key#2', t0 + 1, 60_000)).toBe(true);
    expect(await store.takeCooldown('rule/x', 'key#1', t0 + 60_000, 60_000)).toBe(true);
    expect(await store.takeCooldown('rule/x', 'key#1', t0 + 61_000, 60_000)).toBe(false);
  });

  it('counts alerts per minute exactly under contention', async () => {
    const store = await make();
    const counts = await Promise.all(Array.from({ length: 12 }, () => store.countInMinute(29_000_000)));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await store.countInMinute(29_000_001)).toBe(1);
  });

  it('keeps digests: members, pending before a minute, one claim each', async () => {
    const store = await make();
    await store.addToDigest(100, recordOf('a', t0));
    await store.addToDigest(100, recordOf('b', t0));
    await store.addToDigest(100, recordOf('b', t0));
    await store.addToDigest(102, recordOf('c', t0));
    expect(await store.pendingDigests(101)).toEqual([100]);
    expect(await store.pendingDigests(103)).toEqual([100, 102]);
    expect((await store.digestMembers(100)).map((m) => m.anomaly.key).sort()).toEqual(['a', 'b']);
    expect(await store.claimDigest(100)).toBe(true);
    expect(await store.claimDigest(100)).toBe(false);
    await store.completeDigest(100);
    await store.completeDigest(100);
    expect(await store.pendingDigests(103)).toEqual([102]);
  });

  it('queues escalations for the dispatcher', async () => {
    const store = await make();
    const r = recordOf('a', t0);
    await store.enqueueEscalation({ alertKey: r.alertKey, record: r, timeoutInMs: 1000 });
    await store.enqueueEscalation({ alertKey: r.alertKey, record: r, timeoutInMs: 1000 });
    expect(await store.pendingEscalations(10)).toEqual([
      { alertKey: r.alertKey, record: r, timeoutInMs: 1000 },
    ]);
    await store.removeEscalation(r.alertKey);
    await store.removeEscalation(r.alertKey);
    expect(await store.pendingEscalations(10)).toEqual([]);
  });
});
