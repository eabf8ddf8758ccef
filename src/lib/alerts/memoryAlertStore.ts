import type { AlertPatch, AlertRecord, AlertStore, EscalationInput } from './alertRecord';

/** An {@link AlertStore} in memory: unit tests, and the contract the Table store must also meet. */
export class MemoryAlertStore implements AlertStore {
  private readonly records = new Map<string, AlertRecord>();
  private readonly sends = new Set<string>();
  private readonly cooldowns = new Map<string, number>();
  private readonly minutes = new Map<number, number>();
  private readonly digests = new Map<number, AlertRecord[]>();
  private readonly pending = new Set<number>();
  private readonly digestClaims = new Set<number>();
  private readonly escalations = new Map<string, EscalationInput>();

  claim(record: AlertRecord): Promise<boolean> {
    if (this.records.has(record.alertKey)) return Promise.resolve(false);
    this.records.set(record.alertKey, record);
    return Promise.resolve(true);
  }

  update(record: Pick<AlertRecord, 'alertKey'>, patch: AlertPatch): Promise<void> {
    const current = this.records.get(record.alertKey);
    if (!current)
      return Promise.reject(new Error(`alert ${record.alertKey}: expected a claimed alert, found none`));
    this.records.set(record.alertKey, { ...current, ...patch });
    return Promise.resolve();
  }

  get(alertKey: string): Promise<AlertRecord | undefined> {
    return Promise.resolve(this.records.get(alertKey));
  }

  recent(limit: number): Promise<AlertRecord[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return Promise.reject(new RangeError(`limit: expected a positive integer, received ${limit}`));
    }
    return Promise.resolve(
      [...this.records.values()]
        .sort((a, b) =>
          a.anomaly.windowEnd < b.anomaly.windowEnd ? 1 : a.anomaly.windowEnd > b.anomaly.windowEnd ? -1 : 0,
        )
        .slice(0, limit),
    );
  }

  claimSend(alertKey: string, target: string): Promise<boolean> {
    const id = `${alertKey}~${target}`;
    if (this.sends.has(id)) return Promise.resolve(false);
    this.sends.add(id);
    return Promise.resolve(true);
  }

  releaseSend(alertKey: string, target: string): Promise<void> {
    this.sends.delete(`${alertKey}~${target}`);
    return Promise.resolve();
  }

  takeCooldown(rule: string, key: string, nowMs: number, cooldownInMs: number): Promise<boolean> {
    const id = JSON.stringify([rule, key]);
    const last = this.cooldowns.get(id);
    if (last !== undefined && nowMs - last < cooldownInMs) return Promise.resolve(false);
    this.cooldowns.set(id, nowMs);
    return Promise.resolve(true);
  }

  countInMinute(bucket: number): Promise<number> {
    const n = (this.minutes.get(bucket) ?? 0) + 1;
    this.minutes.set(bucket, n);
    return Promise.resolve(n);
  }

  addToDigest(bucket: number, record: AlertRecord): Promise<void> {
    const members = this.digests.get(bucket) ?? [];
    if (!members.some((m) => m.alertKey === record.alertKey)) members.push(record);
    this.digests.set(bucket, members);
    this.pending.add(bucket);
    return Promise.resolve();
  }

  pendingDigests(beforeBucket: number): Promise<number[]> {
    return Promise.resolve([...this.pending].filter((b) => b < beforeBucket).sort((a, b) => a - b));
  }

  digestMembers(bucket: number): Promise<AlertRecord[]> {
    return Promise.resolve([...(this.digests.get(bucket) ?? [])]);
  }

  claimDigest(bucket: number): Promise<boolean> {
    if (this.digestClaims.has(bucket)) return Promise.resolve(false);
    this.digestClaims.add(bucket);
    return Promise.resolve(true);
  }

  completeDigest(bucket: number): Promise<void> {
    this.pending.delete(bucket);
    return Promise.resolve();
  }

  enqueueEscalation(input: EscalationInput): Promise<void> {
    this.escalations.set(input.alertKey, input);
    return Promise.resolve();
  }

  pendingEscalations(limit: number): Promise<EscalationInput[]> {
    return Promise.resolve([...this.escalations.values()].slice(0, limit));
  }

  removeEscalation(alertKey: string): Promise<void> {
    this.escalations.delete(alertKey);
    return Promise.resolve();
  }
}
