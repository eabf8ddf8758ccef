/**
 * A deterministic pseudo-random source. The same seed always yields the same sequence, on every platform.
 * Not cryptographically secure.
 */
export interface SeededRandom {
  /** The next uniformly distributed unsigned 32-bit integer, 0 to 2^32 - 1 inclusive. */
  nextUint32(): number;
  /** The next uniformly distributed float in [0, 1), with 32 bits of randomness. */
  nextFloat(): number;
  /**
   * The next uniformly distributed integer in [0, `bound`), without modulo bias.
   * @throws RangeError when `bound` is not an integer from 1 to 2^32.
   */
  nextInt(bound: number): number;
  /** True with probability `probability` (values outside [0, 1] behave as clamped). */
  nextBoolean(probability: number): boolean;
}

const TWO_POW_32 = 4_294_967_296;

/**
 * Creates a xoshiro128** generator (Blackman and Vigna) whose 128-bit state is filled by splitmix32 from
 * `seed`. Period 2^128 - 1.
 *
 * @param seed Any safe integer; negative values and values beyond 32 bits are both used in full.
 * @throws TypeError when `seed` is not a number; RangeError when it is not a safe integer.
 */
export function createSeededRandom(seed: number): SeededRandom {
  if (typeof seed !== 'number') {
    throw new TypeError(`createSeededRandom: seed must be a number, received ${typeof seed}`);
  }
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`createSeededRandom: seed must be a safe integer, received ${seed}`);
  }
  // Two splitmix32 streams, one from the low and one from the high 32 bits of the seed. The first output of
  // splitmix32 is a bijection of its state, so different seeds always give different initial states.
  const low = createSplitmix32(seed >>> 0);
  const high = createSplitmix32((Math.floor(seed / TWO_POW_32) ^ 0x6a09e667) >>> 0);
  let s0 = low();
  let s1 = high();
  let s2 = low();
  let s3 = high();
  if ((s0 | s1 | s2 | s3) === 0) {
    s0 = 1; // the all-zero state is a fixed point
  }

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };

  const nextInt = (bound: number): number => {
    if (!Number.isInteger(bound) || bound < 1 || bound > TWO_POW_32) {
      throw new RangeError(`nextInt: bound must be an integer from 1 to 2^32, received ${bound}`);
    }
    // Rejection sampling: drop the top partial range so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % bound);
    for (;;) {
      const value = nextUint32();
      if (value < limit) {
        return value % bound;
      }
    }
  };

  return {
    nextUint32,
    nextFloat: () => nextUint32() / TWO_POW_32,
    nextInt,
    nextBoolean: (probability) => nextUint32() / TWO_POW_32 < probability,
  };
}

/** A splitmix32 stream (the 32-bit finalizer of MurmurHash3 over a Weyl sequence). */
function createSplitmix32(state: number): () => number {
  let weyl = state | 0;
  return () => {
    weyl = (weyl + 0x9e3779b9) | 0;
    let z = weyl;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function rotl(value: number, shift: number): number {
  return (value << shift) | (value >>> (32 - shift));
}
