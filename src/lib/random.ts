/**
 * Seeded pseudo-random numbers. Every random choice in the library (initial weights, shuffling,
 * corruption noise, data splits) draws from a generator made here from an explicit seed, so a run
 * is a function of (config, data, seed) and never of Math.random.
 */

/** A source of uniform numbers in [0, 1). */
export interface RandomSource {
  /** The next uniform number in [0, 1). */
  next(): number;
  /** The next standard normal number (Box-Muller). */
  nextNormal(): number;
  /** The next integer in [0, exclusiveMax). */
  nextInt(exclusiveMax: number): number;
}

/**
 * Mixes a 32-bit integer (the finalizer of MurmurHash3). Used to turn a seed and a stream name into
 * independent generator states.
 */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a string to 32 bits (FNV-1a), to derive named sub-streams from one seed. */
export function hashString32(text: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    h ^= text.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Creates a generator (mulberry32: small, fast, and good enough for shuffling and initialization).
 * `stream` names an independent sub-stream, so that, say, the shuffle order does not change when
 * the initializer draws a different amount of numbers.
 */
export function createRandom(seed: number, stream = ''): RandomSource {
  if (!Number.isInteger(seed)) {
    throw new Error(`seed must be an integer, got ${seed}`);
  }
  let state = mix32(mix32(seed >>> 0) ^ hashString32(stream));
  let spareNormal: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextNormal(): number {
      if (spareNormal !== null) {
        const value = spareNormal;
        spareNormal = null;
        return value;
      }
      // 1 - next() lies in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - next()));
      const angle = 2 * Math.PI * next();
      spareNormal = radius * Math.sin(angle);
      return radius * Math.cos(angle);
    },
    nextInt(exclusiveMax: number): number {
      return Math.floor(next() * exclusiveMax);
    },
  };
}

/** A Fisher-Yates permutation of 0..count-1 drawn from `random`. */
export function permutation(count: number, random: RandomSource): Int32Array {
  const order = new Int32Array(count);
  for (let index = 0; index < count; index++) order[index] = index;
  for (let index = count - 1; index > 0; index--) {
    const other = random.nextInt(index + 1);
    const kept = order[index];
    order[index] = order[other];
    order[other] = kept;
  }
  return order;
}
