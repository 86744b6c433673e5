import { hash32 } from '@baristas/sim';

export interface HashRingOptions {
  /** Tokens per physical node. Default 1. */
  vnodes?: number;
  /** Maps a string to an unsigned 32-bit position on the ring. Default: the course's hash32. */
  hash?: (s: string) => number;
}

/** One point on the ring: `node` owns the keys from the previous token up to `position`. */
interface Token {
  position: number;
  node: string;
}

/**
 * A consistent-hashing ring: each barista (node) places tokens on a circle of 2^32
 * positions, and each order (key) goes to the barista owning the next token clockwise.
 */
export class HashRing {
  private readonly vnodes: number;
  private readonly hash: (s: string) => number;
  /** Suggested: every token on the ring, kept sorted by position (then by node id). */
  private tokens: Token[] = [];
  /** Suggested: the physical nodes currently on the ring. */
  private readonly nodes = new Set<string>();

  constructor(options: HashRingOptions = {}) {
    this.vnodes = options.vnodes ?? 1;
    this.hash = options.hash ?? hash32;
  }

  /** Places tokens at hash(`${id}#${i}`) for i = 0 … vnodes-1. Adding a present node is a no-op. */
  addNode(id: string): void {
    throw new Error(
      'TODO: addNode — unless the node is already there, add one token per virtual node at ' +
        'this.hash(`${id}#${i}`) for i = 0 … this.vnodes - 1, keeping this.tokens sorted by position',
    );
  }

  /** Removes every token of the node. Removing an absent node is a no-op. */
  removeNode(id: string): void {
    throw new Error(
      'TODO: removeNode — drop every token of this node (not just the first); do nothing if it is absent',
    );
  }

  /** The node owning the first token at or clockwise after hash(key), wrapping past the top;
   *  undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    throw new Error(
      'TODO: nodeFor — binary-search this.tokens for the first position >= this.hash(key); ' +
        'if there is none, wrap around to the first token; undefined when the ring is empty',
    );
  }

  /** The first n distinct physical nodes met clockwise from hash(key), starting with
   *  nodeFor(key); fewer when the ring holds fewer nodes. */
  replicasFor(key: string, n: number): string[] {
    throw new Error(
      'TODO: replicasFor — walk clockwise from the token nodeFor(key) uses, wrapping around, ' +
        'collecting nodes not yet chosen until you have n (or every node on the ring)',
    );
  }
}
