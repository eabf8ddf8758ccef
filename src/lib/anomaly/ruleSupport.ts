/** Small helpers the rules share. */

/**
 * A score in [0, 1) from how far an observation exceeds its threshold: `ratio` = observed / threshold,
 * so 0.5 at the threshold, 0.8 at four times it, tending to 1.
 */
export function ratioScore(ratio: number): number {
  if (!(ratio > 0) || !Number.isFinite(ratio)) return ratio === Infinity ? 0.999 : 0;
  return Math.min(0.999, Number((ratio / (1 + ratio)).toFixed(4)));
}

/** The end of the `widthMs` bucket holding `timeMs` (epoch ms): `timeMs` rounded up to the next boundary. */
export function bucketEnd(timeMs: number, widthMs: number): number {
  return Math.floor(timeMs / widthMs) * widthMs + widthMs;
}

/** The start of the `widthMs` bucket holding `timeMs`. */
export function bucketStart(timeMs: number, widthMs: number): number {
  return Math.floor(timeMs / widthMs) * widthMs;
}

/** Last window end each rule fired at (epoch ms), keyed by rule. */
export type FiredAt = Readonly<Record<string, number>>;

/** True when `rule` may fire at `windowEndMs`: it never fired, or its cooldown has passed. */
export function offCooldown(fired: FiredAt, rule: string, windowEndMs: number, cooldownMs: number): boolean {
  const last = fired[rule];
  return last === undefined || windowEndMs >= last + Math.max(cooldownMs, 1);
}

/** Rounds money for state and evidence (2 decimals is the finest minor unit the contract's markets use). */
export function roundMoney(amount: number): number {
  return Math.round(amount * 100) / 100;
}
