/**
 * The simulated partition of a record: FNV-1a (32-bit) of the partition-key value's UTF-16 code units,
 * modulo the partition count. Deterministic, so a rerun assigns every record the same partition and
 * sequence number.
 */
export function partitionOf(partitionKey: string, partitionCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < partitionKey.length; i++) {
    h ^= partitionKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitionCount;
}
