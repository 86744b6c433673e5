// Alternative: a thin class delegating to closures over parallel position/owner arrays, with a hand-written lower-bound search and splice insertion.
import { hash32 } from '@baristas/sim';

export interface HashRingOptions {
  /** Tokens per physical node. Default 1. */
  vnodes?: number;
  /** Maps a string to an unsigned 32-bit position on the ring. Default: the course's hash32. */
  hash?: (s: string) => number;
}

interface Ring {
  add(id: string): void;
  remove(id: string): void;
  owner(key: string): string | undefined;
  replicas(key: string, n: number): string[];
}

/** Does token (p1, n1) come strictly before token (p2, n2)? Position first, then node id. */
function before(p1: number, n1: string, p2: number, n2: string): boolean {
  if (p1 !== p2) return p1 < p2;
  return n1 < n2;
}

function makeRing(vnodes: number, hash: (s: string) => number): Ring {
  // Token k sits at positions[k] and belongs to owners[k]; both arrays stay in ring order.
  let positions: number[] = [];
  let owners: string[] = [];
  const present: Record<string, boolean> = Object.create(null);

  /** Index of the first token not before (p, n): where such a token would be inserted. */
  function slot(p: number, n: string): number {
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(positions[mid], owners[mid], p, n)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first token at or after position h, wrapping to 0. Assumes a non-empty ring. */
  function firstAtOrAfter(h: number): number {
    let lo = 0;
    let hi = positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (positions[mid] < h) lo = mid + 1;
      else hi = mid;
    }
    return lo === positions.length ? 0 : lo;
  }

  return {
    add(id) {
      if (present[id]) return;
      present[id] = true;
      for (let i = 0; i < vnodes; i++) {
        const p = hash(id + '#' + i);
        const at = slot(p, id);
        positions.splice(at, 0, p);
        owners.splice(at, 0, id);
      }
    },
    remove(id) {
      if (!present[id]) return;
      delete present[id];
      const keptPositions: number[] = [];
      const keptOwners: string[] = [];
      for (let k = 0; k < owners.length; k++) {
        if (owners[k] === id) continue;
        keptPositions.push(positions[k]);
        keptOwners.push(owners[k]);
      }
      positions = keptPositions;
      owners = keptOwners;
    },
    owner(key) {
      if (positions.length === 0) return undefined;
      return owners[firstAtOrAfter(hash(key))];
    },
    replicas(key, n) {
      const chosen: string[] = [];
      if (positions.length === 0 || n <= 0) return chosen;
      const start = firstAtOrAfter(hash(key));
      for (let step = 0; step < owners.length && chosen.length < n; step++) {
        const who = owners[(start + step) % owners.length];
        if (chosen.indexOf(who) === -1) chosen.push(who);
      }
      return chosen;
    },
  };
}

/**
 * A consistent-hashing ring: each barista (node) places tokens on a circle of 2^32
 * positions, and each order (key) goes to the barista owning the next token clockwise.
 */
export class HashRing {
  private readonly ring: Ring;

  constructor(options: HashRingOptions = {}) {
    this.ring = makeRing(options.vnodes ?? 1, options.hash ?? hash32);
  }

  /** Places tokens at hash(`${id}#${i}`) for i = 0 … vnodes-1. Adding a present node is a no-op. */
  addNode(id: string): void {
    this.ring.add(id);
  }

  /** Removes every token of the node. Removing an absent node is a no-op. */
  removeNode(id: string): void {
    this.ring.remove(id);
  }

  /** The node owning the first token at or clockwise after hash(key), wrapping past the top;
   *  undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    return this.ring.owner(key);
  }

  /** The first n distinct physical nodes met clockwise from hash(key), starting with
   *  nodeFor(key); fewer when the ring holds fewer nodes. */
  replicasFor(key: string, n: number): string[] {
    return this.ring.replicas(key, n);
  }
}
