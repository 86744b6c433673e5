// Alternative: a class storing sorted "position/id" entries in one array, a plain-object record of each node's token count, insertion by recursive binary search, and replicas via a modular walk.
import { hash32 } from '@baristas/sim';

export interface HashRingOptions {
  /** Tokens per physical node. Default 1. */
  vnodes?: number;
  /** Maps a string to an unsigned 32-bit position on the ring. Default: the course's hash32. */
  hash?: (s: string) => number;
}

type Entry = { readonly pos: number; readonly id: string };

function compare(a: Entry, b: Entry): number {
  return a.pos - b.pos || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Smallest index in [lo, hi) whose entry does not satisfy `left`, assuming `left` holds for a prefix. */
function partitionPoint(entries: readonly Entry[], left: (e: Entry) => boolean, lo = 0, hi = entries.length): number {
  if (lo >= hi) return lo;
  const mid = lo + Math.floor((hi - lo) / 2);
  return left(entries[mid]) ? partitionPoint(entries, left, mid + 1, hi) : partitionPoint(entries, left, lo, mid);
}

/**
 * A consistent-hashing ring: each barista (node) places tokens on a circle of 2^32
 * positions, and each order (key) goes to the barista owning the next token clockwise.
 */
export class HashRing {
  readonly #vnodes: number;
  readonly #hash: (s: string) => number;
  #entries: Entry[] = [];
  /** How many tokens each node on the ring has; a prototype-free object so any id is safe. */
  #counts: { [id: string]: number } = Object.create(null);

  constructor(options: HashRingOptions = {}) {
    this.#vnodes = options.vnodes ?? 1;
    this.#hash = options.hash ?? hash32;
  }

  /** Places tokens at hash(`${id}#${i}`) for i = 0 … vnodes-1. Adding a present node is a no-op. */
  addNode(id: string): void {
    if (this.#counts[id] !== undefined) return;
    this.#counts[id] = this.#vnodes;
    for (let i = 0; i < this.#vnodes; i++) {
      const entry: Entry = { pos: this.#hash(`${id}#${i}`), id };
      const at = partitionPoint(this.#entries, (e) => compare(e, entry) < 0);
      this.#entries = [...this.#entries.slice(0, at), entry, ...this.#entries.slice(at)];
    }
  }

  /** Removes every token of the node. Removing an absent node is a no-op. */
  removeNode(id: string): void {
    if (this.#counts[id] === undefined) return;
    delete this.#counts[id];
    this.#entries = this.#entries.filter((e) => e.id !== id);
  }

  /** The node owning the first token at or clockwise after hash(key), wrapping past the top;
   *  undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    const n = this.#entries.length;
    if (n === 0) return undefined;
    return this.#entries[this.#first(key) % n].id;
  }

  /** The first n distinct physical nodes met clockwise from hash(key), starting with
   *  nodeFor(key); fewer when the ring holds fewer nodes. */
  replicasFor(key: string, n: number): string[] {
    const total = this.#entries.length;
    const out: string[] = [];
    if (total === 0) return out;
    const from = this.#first(key);
    const taken = new Set<string>();
    for (let k = from; k < from + total && out.length < n; k++) {
      const { id } = this.#entries[k % total];
      if (taken.has(id)) continue;
      taken.add(id);
      out.push(id);
    }
    return out;
  }

  /** Index of the first entry at or after hash(key); equals the length when the key is past the top. */
  #first(key: string): number {
    const h = this.#hash(key);
    return partitionPoint(this.#entries, (e) => e.pos < h);
  }
}
