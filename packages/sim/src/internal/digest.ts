import { hash32 } from './hash.ts';
import type { Trace } from './types.ts';

/**
 * A short fingerprint of a whole trace, for checking that two runs were identical without
 * keeping both traces around. Two 32-bit hashes with different prefixes make accidental
 * collisions between different traces negligible for this purpose.
 */
export function traceDigest(trace: Trace): string {
  const text = JSON.stringify(trace);
  return hash32(`a:${text}`).toString(16).padStart(8, '0') + hash32(`b:${text}`).toString(16).padStart(8, '0');
}
