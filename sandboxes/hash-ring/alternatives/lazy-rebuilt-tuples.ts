// Alternative: a class keeping a Map from node to its positions and rebuilding a sorted array of [position, node] pairs lazily on the first lookup after a change.
import { hash32 } from '@baristas/sim';

export interface HashRingOptions {
  /** Tokens per physical node. Default 1. */
  vnodes?: number;
  /** Maps a string to an unsigned 32-bit position on the ring. Default: the course's hash32. */
  hash?: (s: string) => number;
}

type Pair = [position: number, node: string];

const byPositionThenId = (x: Pair, y: Pair): number => {
  if (x[0] !== y[0]) return x[0] - y[0];
  if (x[1] === y[1]) return 0;
  return x[1] < y[1] ? -1 : 1;
};

/**
 * A consistent-hashing ring: each barista (node) places tokens on a circle of 2^32
 * positions, and each order (key) goes to the barista owning the next token clockwise.
 */
export class HashRing {
  private readonly perNode: number;
  private readonly hashFn: (s: string) => number;
  /** Every node on the ring and the positions of its tokens. */
  private readonly placed = new Map<string, number[]>();
  /** The sorted ring, or null when a join or leave has made it stale. */
  private sorted: Pair[] | null = [];

  constructor(options: HashRingOptions = {}) {
    const { vnodes = 1, hash = hash32 } = options;
    this.perNode = vnodes;
    this.hashFn = hash;
  }

  /** Places tokens at hash(`${id}#${i}`) for i = 0 … vnodes-1. Adding a present node is a no-op. */
  addNode(id: string): void {
    if (this.placed.has(id)) return;
    const spots: number[] = [];
    for (let i = 0; i < this.perNode; i++) spots.push(this.hashFn([id, i].join('#')));
    this.placed.set(id, spots);
    this.sorted = null;
  }

  /** Removes every token of the node. Removing an absent node is a no-op. */
  removeNode(id: string): void {
    if (this.placed.delete(id)) this.sorted = null;
  }

  /** The node owning the first token at or clockwise after hash(key), wrapping past the top;
   *  undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    const ring = this.ring();
    if (ring.length === 0) return undefined;
    return ring[this.successor(ring, this.hashFn(key))][1];
  }

  /** The first n distinct physical nodes met clockwise from hash(key), starting with
   *  nodeFor(key); fewer when the ring holds fewer nodes. */
  replicasFor(key: string, n: number): string[] {
    const ring = this.ring();
    const found = new Set<string>();
    if (ring.length === 0) return [];
    const want = Math.min(n, this.placed.size);
    let i = this.successor(ring, this.hashFn(key));
    let seen = 0;
    while (found.size < want && seen < ring.length) {
      found.add(ring[i][1]);
      i = i + 1 === ring.length ? 0 : i + 1;
      seen++;
    }
    return [...found];
  }

  private ring(): Pair[] {
    if (this.sorted === null) {
      const pairs: Pair[] = [];
      for (const [node, spots] of this.placed) for (const p of spots) pairs.push([p, node]);
      pairs.sort(byPositionThenId);
      this.sorted = pairs;
    }
    return this.sorted;
  }

  /** Index of the first pair whose position is >= h, or 0 when every position is below h. */
  private successor(ring: Pair[], h: number): number {
    if (h > ring[ring.length - 1][0]) return 0;
    // Invariant: ring[hi][0] >= h, and every index below lo has a position < h.
    let lo = 0;
    let hi = ring.length - 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (ring[mid][0] >= h) hi = mid;
      else lo = mid + 1;
    }
    return hi;
  }
}
