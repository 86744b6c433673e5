// Alternative: a class with an array of token objects re-sorted with Array.sort on every join, found by a linear findIndex scan, and replicas from a rotated copy of the ring.
import { hash32 } from '@baristas/sim';

export interface HashRingOptions {
  /** Tokens per physical node. Default 1. */
  vnodes?: number;
  /** Maps a string to an unsigned 32-bit position on the ring. Default: the course's hash32. */
  hash?: (s: string) => number;
}

interface VirtualNode {
  at: number;
  barista: string;
  label: string;
}

/**
 * A consistent-hashing ring: each barista (node) places tokens on a circle of 2^32
 * positions, and each order (key) goes to the barista owning the next token clockwise.
 */
export class HashRing {
  vnodes: number;
  hash: (s: string) => number;
  ring: VirtualNode[] = [];
  members: string[] = [];

  constructor(options?: HashRingOptions) {
    this.vnodes = options?.vnodes !== undefined ? options.vnodes : 1;
    this.hash = options?.hash !== undefined ? options.hash : hash32;
  }

  /** Places tokens at hash(`${id}#${i}`) for i = 0 … vnodes-1. Adding a present node is a no-op. */
  addNode(id: string): void {
    if (this.members.includes(id)) {
      return;
    }
    this.members.push(id);
    for (let i = 0; i < this.vnodes; i++) {
      const label = id.concat('#', String(i));
      this.ring.push({ at: this.hash(label), barista: id, label });
    }
    this.ring.sort((a, b) => {
      if (a.at < b.at) return -1;
      if (a.at > b.at) return 1;
      if (a.barista < b.barista) return -1;
      if (a.barista > b.barista) return 1;
      return 0;
    });
  }

  /** Removes every token of the node. Removing an absent node is a no-op. */
  removeNode(id: string): void {
    const idx = this.members.indexOf(id);
    if (idx < 0) {
      return;
    }
    this.members.splice(idx, 1);
    this.ring = this.ring.filter((v) => v.barista !== id);
  }

  /** The node owning the first token at or clockwise after hash(key), wrapping past the top;
   *  undefined on an empty ring. */
  nodeFor(key: string): string | undefined {
    if (this.ring.length === 0) {
      return undefined;
    }
    return this.ring[this.startIndex(key)].barista;
  }

  /** The first n distinct physical nodes met clockwise from hash(key), starting with
   *  nodeFor(key); fewer when the ring holds fewer nodes. */
  replicasFor(key: string, n: number): string[] {
    const result: string[] = [];
    if (this.ring.length === 0) {
      return result;
    }
    const start = this.startIndex(key);
    const clockwise = this.ring.slice(start).concat(this.ring.slice(0, start));
    for (const v of clockwise) {
      if (result.length >= n) {
        break;
      }
      if (!result.includes(v.barista)) {
        result.push(v.barista);
      }
    }
    return result;
  }

  private startIndex(key: string): number {
    const h = this.hash(key);
    const i = this.ring.findIndex((v) => v.at >= h);
    return i === -1 ? 0 : i;
  }
}
