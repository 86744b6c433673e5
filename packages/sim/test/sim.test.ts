import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hash32 } from '../src/index.ts';
import { Simulation, type NodeFactory } from '../src/testing.ts';
import { traceDigest } from '../src/host.ts';
import { EventQueue } from '../src/internal/queue.ts';

/** Reference murmur3_x86_32 over TextEncoder bytes, written the textbook way. */
function murmurReference(s: string): number {
  const bytes = new TextEncoder().encode(s);
  let h = 0;
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  const blocks = bytes.length >> 2;
  for (let i = 0; i < blocks; i++) {
    let k = bytes[i * 4]! | (bytes[i * 4 + 1]! << 8) | (bytes[i * 4 + 2]! << 16) | (bytes[i * 4 + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4;
  switch (bytes.length & 3) {
    case 3:
      k ^= bytes[tail + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1]! << 8;
    // falls through
    case 1:
      k ^= bytes[tail]!;
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('hash32', () => {
  it('matches the published murmur3_x86_32 test vectors (seed 0)', () => {
    expect(hash32('')).toBe(0);
    expect(hash32('hello')).toBe(0x248bfa47);
    expect(hash32('The quick brown fox jumps over the lazy dog')).toBe(0x2e4ff723);
  });

  it('agrees with a byte-wise reference implementation on any string, including non-ASCII', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => hash32(s) === murmurReference(s)), {
      numRuns: 2000,
    });
  });

  it('returns an unsigned 32-bit integer', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const h = hash32(s);
        return Number.isInteger(h) && h >= 0 && h <= 0xffffffff;
      }),
    );
  });

  it('spreads similar keys evenly over the range', () => {
    const buckets = new Array<number>(16).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i++) buckets[hash32(`node#${i}`) >>> 28]!++;
    for (const count of buckets) {
      expect(Math.abs(count - n / 16) / (n / 16)).toBeLessThan(0.05);
    }
  });
});

/** Every node forwards a counter to a random peer until it reaches 30; one node also ticks a timer. */
const gossip: NodeFactory = (node) => ({
  onStart() {
    if (node.id === 'a') node.send('b', { hops: 0 });
    node.setTimer(5, () => node.log('tick', node.now()));
  },
  onMessage(_from, body) {
    const { hops } = body as { hops: number };
    node.storage.set('last', hops);
    if (hops >= 30) return;
    const peers = node.peers;
    node.send(peers[Math.floor(node.random() * peers.length)]!, { hops: hops + 1 });
    if (node.random() < 0.3) node.send(peers[0]!, { hops: hops + 1 });
  },
});

function runGossip(seed: number, dropProbability = 0.1) {
  const sim = new Simulation({ seed, dropProbability, delay: { kind: 'uniform', msMin: 1, msMax: 20 } });
  for (const id of ['a', 'b', 'c', 'd']) sim.addNode(id, gossip);
  sim.run();
  return sim;
}

describe('Simulation determinism', () => {
  it('gives the identical trace for the same seed, run after run', () => {
    for (const seed of [1, 42, 2 ** 31 - 1]) {
      const digests = new Set(Array.from({ length: 5 }, () => traceDigest(runGossip(seed).trace)));
      expect(digests.size).toBe(1);
    }
  });

  it('gives a different schedule for a different seed', () => {
    const digests = new Set(Array.from({ length: 20 }, (_, seed) => traceDigest(runGossip(seed).trace)));
    expect(digests.size).toBe(20);
  });

  it('keeps a node’s random stream independent of the network’s choices', () => {
    const draws = (dropProbability: number) => {
      const values: number[] = [];
      const sim = new Simulation({ seed: 7, dropProbability });
      sim.addNode('x', (node) => ({
        onStart() {
          for (let i = 0; i < 5; i++) node.send('x', i);
        },
        onMessage() {
          values.push(node.random());
        },
      }));
      sim.run();
      return values;
    };
    const calm = draws(0);
    const lossy = draws(0.5);
    expect(lossy.length).toBeLessThan(calm.length);
    expect(calm.slice(0, lossy.length)).toEqual(lossy);
  });
});

describe('Simulation network', () => {
  it('delivers every message within a uniform delay’s [msMin, msMax] and records send and deliver', () => {
    const sim = new Simulation({ seed: 3, delay: { kind: 'uniform', msMin: 4, msMax: 9 } });
    sim.addNode('a', (node) => ({ onStart: () => { for (let i = 0; i < 200; i++) node.send('b', i); } }));
    const got: number[] = [];
    sim.addNode('b', () => ({ onMessage: (_f, body) => void got.push(body as number) }));
    sim.run();
    expect(got).toHaveLength(200);
    const sent = new Map<number, number>();
    for (const e of sim.trace.events) {
      if (e.type === 'send') sent.set(e.msg, e.t);
      if (e.type === 'deliver') {
        const delay = e.t - sent.get(e.msg)!;
        expect(delay).toBeGreaterThanOrEqual(4);
        expect(delay).toBeLessThanOrEqual(9);
      }
    }
    // Random delays reorder messages: the network is not FIFO.
    expect(got).not.toEqual([...got].sort((x, y) => x - y));
  });

  it('drops roughly dropProbability of messages, and records each drop', () => {
    const sim = new Simulation({ seed: 11, dropProbability: 0.25 });
    let delivered = 0;
    sim.addNode('a', (node) => ({ onStart: () => { for (let i = 0; i < 4000; i++) node.send('b', i); } }));
    sim.addNode('b', () => ({ onMessage: () => void delivered++ }));
    sim.run();
    const drops = sim.trace.events.filter((e) => e.type === 'drop').length;
    expect(drops + delivered).toBe(4000);
    expect(drops / 4000).toBeGreaterThan(0.22);
    expect(drops / 4000).toBeLessThan(0.28);
  });

  it('drops a message to an unknown address', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', (node) => ({ onStart: () => node.send('nobody', 'hi') }));
    sim.run();
    expect(sim.trace.events.at(-1)).toMatchObject({ type: 'drop', reason: 'no-such-node', to: 'nobody' });
  });

  it('copies message bodies, so the sender cannot change a message in flight', () => {
    const sim = new Simulation({ seed: 1 });
    let received: unknown;
    sim.addNode('a', (node) => ({
      onStart() {
        const body = { cups: 1 };
        node.send('b', body);
        body.cups = 99;
      },
    }));
    sim.addNode('b', () => ({ onMessage: (_f, body) => void (received = body) }));
    sim.run();
    expect(received).toEqual({ cups: 1 });
  });
});

describe('Simulation timers, storage and limits', () => {
  it('fires timers in virtual time, and a cleared timer never fires', () => {
    const sim = new Simulation({ seed: 1 });
    const fired: Array<[string, number]> = [];
    sim.addNode('a', (node) => ({
      onStart() {
        node.setTimer(30, () => fired.push(['late', node.now()]));
        const cancelled = node.setTimer(20, () => fired.push(['cancelled', node.now()]));
        node.setTimer(10, () => {
          fired.push(['early', node.now()]);
          node.clearTimer(cancelled);
        });
      },
    }));
    sim.run();
    expect(fired).toEqual([
      ['early', 10],
      ['late', 30],
    ]);
  });

  it('runs events at the same virtual time in the order they were scheduled', () => {
    const sim = new Simulation({ seed: 1 });
    const order: number[] = [];
    for (let i = 0; i < 10; i++) sim.schedule(5, () => order.push(i));
    sim.run();
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('stores copies in durable storage', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', (node) => ({
      onStart() {
        const value = { beans: ['arabica'] };
        node.storage.set('stock', value);
        value.beans.push('robusta');
        node.storage.get<{ beans: string[] }>('stock')!.beans.push('liberica');
        node.log(node.storage.get('stock'), node.storage.keys());
        node.storage.delete('stock');
        node.log(node.storage.get('stock') ?? 'gone');
      },
    }));
    sim.run();
    const logs = sim.trace.events.filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.text);
    expect(logs).toEqual(['{"beans":["arabica"]} ["stock"]', 'gone']);
  });

  it('stops at untilMs and at maxEvents, and can resume', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('clock', (node) => {
      const tick = (): void => void node.setTimer(10, tick);
      return { onStart: tick };
    });
    expect(sim.run({ untilMs: 95 })).toEqual({ nowMs: 95, events: 10, stoppedBy: 'untilMs' });
    expect(sim.run({ maxEvents: 3 })).toEqual({ nowMs: 120, events: 3, stoppedBy: 'maxEvents' });
  });

  it('refuses two nodes with the same name and an inverted delay range', () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode('a', () => ({}));
    expect(() => sim.addNode('a', () => ({}))).toThrow(/already exists/);
    expect(() => new Simulation({ seed: 1, delay: { kind: 'uniform', msMin: 5, msMax: 1 } })).toThrow(RangeError);
  });
});

describe('EventQueue', () => {
  it('pops in (time, seq) order whatever the interleaving of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 300 }), (script) => {
        const queue = new EventQueue();
        const reference: { timeMs: number; seq: number }[] = [];
        let seq = 0;
        let now = 0;
        for (const step of script) {
          if (step >= 0) {
            // Like the simulation: nothing is scheduled before the current time.
            const item = { timeMs: now + step, seq: seq++, run: () => {} };
            queue.push(item);
            reference.push(item);
          } else {
            reference.sort((a, b) => a.timeMs - b.timeMs || a.seq - b.seq);
            const expected = reference.shift();
            expect(queue.peekTime()).toBe(expected?.timeMs);
            const got = queue.pop();
            expect(got && { timeMs: got.timeMs, seq: got.seq }).toEqual(expected && { timeMs: expected.timeMs, seq: expected.seq });
            if (got) now = got.timeMs;
          }
          expect(queue.size).toBe(reference.length);
        }
      }),
      { numRuns: 500 },
    );
  });
});
