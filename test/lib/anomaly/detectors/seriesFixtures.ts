/** A deterministic pseudo-random generator (mulberry32) giving numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal noise (Box-Muller) from a seed. */
export function gaussianNoise(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** `length` values of `level + amplitude · sin(2πt / period) + noise · N(0, 1)`. */
export function noisySeries(
  length: number,
  { level = 10, amplitude = 0, period = 48, noise = 1, seed = 1 } = {},
): number[] {
  const n = gaussianNoise(seed);
  return Array.from(
    { length },
    (_, t) => level + amplitude * Math.sin((2 * Math.PI * t) / period) + noise * n(),
  );
}
