import { createHash } from 'node:crypto';

/**
 * The alert's key: the first 128 bits of SHA-256 of the anomaly id (rule|key|windowEnd), as 32 hex
 * digits. Deterministic, so a replayed anomaly has the same key (the dedupe key); safe in a URL path, a
 * Table key and a Durable instance id.
 */
export function alertKeyOf(anomalyId: string): string {
  return createHash('sha256').update(anomalyId, 'utf8').digest('hex').slice(0, 32);
}

/** The escalation orchestration's instance id: one per critical alert, derived from its key. */
export function escalationInstanceId(alertKey: string): string {
  return `alert-${alertKey}`;
}

/** Whether `text` has the shape of an alert key (the ack endpoint checks its route parameter). */
export function isAlertKey(text: string): boolean {
  return /^[0-9a-f]{32}$/.test(text);
}
