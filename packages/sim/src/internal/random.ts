import { hash32 } from './hash.ts';

/** A seeded random stream. Every draw advances only this stream. */
export interface Random {
  /** A float in [0, 1) with 53 random bits, like `Math.random`. */
  next(): number;
  /** A float in [0, 1) with 32 random bits: plenty for probabilities and delays, and cheaper. */
  next32(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
}

/**
 * Derives an independent stream for one component from the root seed and a label
 * ("net:a>b", "node:a", …). Each component drawing from its own stream is what keeps a
 * change in one place (one more node, one more fault) from reshuffling every other choice.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG): it passes
 * PractRand, and written inline on 32-bit integers it is several times faster than a generic
 * library generator, which matters because every message draws from it.
 */
export function deriveRandom(rootSeed: number, label: string): Random {
  let a = hash32(`${rootSeed >>> 0}/${label}`);
  let b = hash32(`${rootSeed >>> 0}/${label}/b`);
  let c = hash32(`${rootSeed >>> 0}/${label}/c`);
  let d = 1;
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of a freshly seeded sfc32 are poorly mixed; the reference discards 12.
  for (let i = 0; i < 12; i++) u32();
  return {
    next: () => (u32() * 2 ** 21 + (u32() >>> 11)) / 2 ** 53,
    next32: () => u32() / 2 ** 32,
    int: (min, max) => min + Math.floor((u32() / 2 ** 32) * (max - min + 1)),
  };
}
