// Mutant: removeNode removes only the node's first token, leaving its other virtual nodes on the ring.
import { hash32 } from '@baristas/sim';

export interface HashRingOptions {
  /** Tokens per physical node. Default 1. */
  vnodes?: number;
  /** Maps a string to an unsigned 32-bit position on the ring. Default: the course's hash32. */
  hash?: (s: string) => number;
}

/** One point on the ring: the node at `node` owns the arc that ends at `position`. */
interface Token {
  position: number;
  node: string;
}

/**
 * Tokens are kept in one array sorted by (position, node id). Sorting by node id as well
 * as position makes the ring independent of the order nodes joined even when two tokens
 * collide: the token of the node whose id sorts first comes first and owns the position.
 */
function before(a: Token, b: Token): boolean {
  return a.position < b.position || (a.position === b.position && a.node < b.node);
}

export class HashRing {
  private readonly vnodes: number;
  private readonly hash: (s: string) => number;
  /** Every token on the ring, sorted with `before`, so a lookup is a binary search. */
  private tokens: Token[] = [];
  /** The physical nodes, so membership checks and replica counts need no scan of tokens. */
  private readonly nodes = new Set<string>();

  constructor(options: HashRingOptions = {}) {
    const vnodes = options.vnodes ?? 1;
    if (!Number.isInteger(vnodes) || vnodes < 1) {
      throw new RangeError(`vnodes must be a whole number of at least 1, got ${vnodes}`);
    }
    this.vnodes = vnodes;
    this.hash = options.hash ?? hash32;
  }

  /** Places tokens at hash(`${id}#${i}`) for i = 0 … vnodes-1. Adding a present node is a no-op. */
  addNode(id: string): void {
    if (this.nodes.has(id)) return; // a second copy of its tokens would change nothing but cost
    this.nodes.add(id);

    const added: Token[] = [];
    for (let i = 0; i < this.vnodes; i++) {
      added.push({ position: this.hash(`${id}#${i}`), node: id });
    }
    added.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));

    // Merge the two sorted lists: O(tokens + vnodes) rather than re-sorting the whole ring,
    // and rather than one O(tokens) splice per virtual node.
    const merged: Token[] = new Array<Token>(this.tokens.length + added.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < merged.length; k++) {
      if (j >= added.length || (i < this.tokens.length && !before(added[j], this.tokens[i]))) {
        merged[k] = this.tokens[i++];
      } else {
        merged[k] = added[j++];
      }
    }
    this.tokens = merged;
  }

  /** Removes every token of the node. Removing an absent node is a no-op. */
  removeNode(id: string): void {
    if (!this.nodes.delete(id)) return;
    // Filtering keeps the survivors in their sorted order, so nothing needs re-sorting.
    const first = this.tokens.findIndex((t) => t.node === id);
    if (first >= 0) this.tokens.splice(first, 1);
  }

  /** The node owning the first token at or clockwise after hash(key), wrapping past the top;
   *  undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    if (this.tokens.length === 0) return undefined;
    return this.tokens[this.ownerIndex(this.hash(key))].node;
  }

  /** The first n distinct physical nodes met clockwise from hash(key), starting with
   *  nodeFor(key); fewer when the ring holds fewer nodes. */
  replicasFor(key: string, n: number): string[] {
    const wanted = Math.min(n, this.nodes.size);
    const replicas: string[] = [];
    if (wanted <= 0) return replicas;

    const chosen = new Set<string>();
    const start = this.ownerIndex(this.hash(key));
    // One lap of the ring at most: after that every node has been met. With virtual nodes a
    // node's tokens recur, so skip tokens of nodes already chosen (distinct physical nodes
    // are what makes replicas survive the loss of one machine).
    for (let step = 0; step < this.tokens.length && replicas.length < wanted; step++) {
      const { node } = this.tokens[(start + step) % this.tokens.length];
      if (!chosen.has(node)) {
        chosen.add(node);
        replicas.push(node);
      }
    }
    return replicas;
  }

  /**
   * Index of the first token at or after `position`, wrapping to 0 past the highest token.
   * Binary search over the sorted tokens: O(log tokens). Assumes a non-empty ring.
   */
  private ownerIndex(position: number): number {
    let lo = 0;
    let hi = this.tokens.length; // invariant: tokens[< lo] < position <= tokens[>= hi]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tokens[mid].position < position) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.tokens.length ? 0 : lo; // past the top: the ring wraps to its lowest token
  }
}
