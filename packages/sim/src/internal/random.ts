import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { hash32 } from './hash.ts';

/** A seeded random stream. Every draw advances only this stream. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
}

/**
 * Derives an independent stream for one component from the root seed and a label
 * ("network", "node:a", …). Each component drawing from its own stream is what keeps a
 * change in one place (one more node, one more fault) from reshuffling every other choice.
 */
export function deriveRandom(rootSeed: number, label: string): Random {
  const rng = xoroshiro128plus(hash32(`${rootSeed >>> 0}/${label}`) | 0);
  return {
    next: () => uniformFloat64(rng),
    int: (min, max) => uniformInt(rng, min, max),
  };
}
