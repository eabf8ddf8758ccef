import { canonicalKey } from './values';

/** An unambiguous string for a tuple of group-key values (length-prefixed canonical keys). */
export function groupKeyOf(keyValues: readonly unknown[]): string {
  if (keyValues.length === 1) return canonicalKey(keyValues[0]);
  let out = '';
  for (const v of keyValues) {
    const k = canonicalKey(v);
    out += k.length + ':' + k;
  }
  return out;
}
