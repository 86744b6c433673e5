import { describe, it, expect } from 'vitest';
import { HashRing } from '@baristas/learner';
import { hash32 } from '@baristas/sim';

type Ring = InstanceType<typeof HashRing>;

/**
 * A hash that knows only the strings in `table`: lets a test put every token and key at a
 * chosen position. Asking it for anything else means the ring hashed the wrong string.
 */
function tableHash(table: Record<string, number>): (s: string) => number {
  return (s) => {
    if (!Object.prototype.hasOwnProperty.call(table, s)) {
      throw new Error(
        `the ring hashed "${s}", a string this test did not expect: a node's tokens must be ` +
          'hashed as "<id>#<i>" (e.g. "a#0", "a#1") and a key as the key itself',
      );
    }
    return table[s];
  };
}

/** Owner of every key, as a plain array, to compare whole mappings at once. */
function owners(ring: Ring, keys: string[]): (string | undefined)[] {
  return keys.map((k) => ring.nodeFor(k));
}

function ringOf(ids: string[], vnodes = 1): Ring {
  const ring = new HashRing({ vnodes });
  for (const id of ids) ring.addNode(id);
  return ring;
}

const orders = (count: number): string[] => Array.from({ length: count }, (_, i) => `order-${i}`);
const baristas = (count: number): string[] => Array.from({ length: count }, (_, i) => `barista-${i + 1}`);

// Three single-token nodes at 100, 200 and 300, and keys placed around them.
const threeTokens = {
  'a#0': 100,
  'b#0': 200,
  'c#0': 300,
  zero: 0,
  below: 50,
  'on-a': 100,
  'on-b': 200,
  'on-c': 300,
  'between-a-b': 150,
  'between-b-c': 250,
  'past-top': 350,
  'very-top': 0xffffffff,
};

function threeNodeRing(order: string[] = ['a', 'b', 'c']): Ring {
  const ring = new HashRing({ hash: tableHash(threeTokens) });
  for (const id of order) ring.addNode(id);
  return ring;
}

describe('lookup on the ring', () => {
  it('a key below the lowest token belongs to the lowest token’s node', () => {
    const ring = threeNodeRing();
    expect(ring.nodeFor('below'), 'a key at 50 must go clockwise to the first token, a#0 at 100').toBe('a');
    expect(ring.nodeFor('zero'), 'a key at position 0 must go to the first token, a#0 at 100').toBe('a');
  });

  it('a key exactly on a token belongs to that token’s node', () => {
    const ring = threeNodeRing();
    expect(ring.nodeFor('on-a'), 'a key at 100 sits on a#0: the owner is the token AT or after the key').toBe('a');
    expect(ring.nodeFor('on-b'), 'a key at 200 sits on b#0: the owner is the token AT or after the key').toBe('b');
    expect(ring.nodeFor('on-c'), 'a key at 300 sits on c#0: the owner is the token AT or after the key').toBe('c');
  });

  it('a key between two tokens belongs to the next token clockwise', () => {
    const ring = threeNodeRing();
    expect(ring.nodeFor('between-a-b'), 'a key at 150 must go clockwise (upwards) to b#0 at 200, not back to a#0').toBe('b');
    expect(ring.nodeFor('between-b-c'), 'a key at 250 must go clockwise (upwards) to c#0 at 300, not back to b#0').toBe('c');
  });

  it('a key past the highest token wraps around to the lowest token', () => {
    const ring = threeNodeRing();
    expect(ring.nodeFor('past-top'), 'a key at 350, past the highest token, must wrap around to the lowest token (a#0)').toBe('a');
    expect(ring.nodeFor('very-top'), 'a key at 2^32-1 must wrap around to the lowest token (a#0)').toBe('a');
  });

  it('the order in which nodes joined does not change who owns what', () => {
    const keys = Object.keys(threeTokens).filter((k) => !k.includes('#'));
    const expected = owners(threeNodeRing(['a', 'b', 'c']), keys);
    for (const order of [['c', 'a', 'b'], ['b', 'c', 'a'], ['c', 'b', 'a']]) {
      expect(
        owners(threeNodeRing(order), keys),
        `nodes added as ${order.join(', ')} must give the same owners as a, b, c: keep the tokens sorted by position`,
      ).toEqual(expected);
    }
  });

  it('with the default hash, tokens sit at hash32 of "<id>#<i>"', () => {
    const ids = ['espresso', 'latte', 'mocha'];
    const vnodes = 4;
    const ring = ringOf(ids, vnodes);
    // An independent, deliberately simple ring: scan every token for the closest one clockwise.
    const tokens = ids.flatMap((id) => Array.from({ length: vnodes }, (_, i) => ({ p: hash32(`${id}#${i}`), id })));
    const lowest = tokens.reduce((m, t) => (t.p < m.p ? t : m));
    for (const key of orders(2000)) {
      const h = hash32(key);
      let best: { p: number; id: string } | undefined;
      for (const t of tokens) if (t.p >= h && (best === undefined || t.p < best.p)) best = t;
      const expected = (best ?? lowest).id;
      if (ring.nodeFor(key) === expected) continue; // expect only on a mismatch: loops stay cheap
      expect(
        ring.nodeFor(key),
        `"${key}" (hash32 = ${h}) must belong to ${expected}: by default positions come from hash32, ` +
          'tokens from "<id>#<i>" and keys from the key itself',
      ).toBe(expected);
    }
  });
});

describe('empty rings', () => {
  it('an empty ring has no owner and no replicas', () => {
    const ring = new HashRing();
    expect(() => ring.nodeFor('order-1'), 'nodeFor on an empty ring must return undefined, not throw').not.toThrow();
    expect(() => ring.replicasFor('order-1', 3), 'replicasFor on an empty ring must return [], not throw').not.toThrow();
    expect(ring.nodeFor('order-1'), 'nodeFor on an empty ring must return undefined').toBeUndefined();
    expect(ring.replicasFor('order-1', 3), 'replicasFor on an empty ring must return []').toEqual([]);
  });

  it('a ring whose nodes have all left is empty again', () => {
    const ring = ringOf(['a', 'b'], 10);
    ring.removeNode('a');
    ring.removeNode('b');
    expect(() => ring.nodeFor('order-1'), 'after removing every node, nodeFor must return undefined, not throw').not.toThrow();
    expect(ring.nodeFor('order-1'), 'after removing every node, nodeFor must return undefined').toBeUndefined();
    expect(ring.replicasFor('order-1', 2), 'after removing every node, replicasFor must return []').toEqual([]);
  });
});

describe('determinism', () => {
  it('two rings built the same way agree on every key', () => {
    const keys = orders(5000);
    const one = ringOf(baristas(8), 16);
    const two = ringOf(baristas(8), 16);
    expect(owners(one, keys), 'two rings with the same nodes must map every key to the same node').toEqual(
      owners(two, keys),
    );
  });

  it('adding nodes in a different order gives the same mapping', () => {
    const keys = orders(5000);
    const abc = ringOf(['a', 'b', 'c'], 32);
    const cab = ringOf(['c', 'a', 'b'], 32);
    expect(
      owners(cab, keys),
      'adding c, a, b must map every key exactly as adding a, b, c does: keep all tokens sorted by position',
    ).toEqual(owners(abc, keys));
    for (const key of keys.slice(0, 500)) {
      expect(cab.replicasFor(key, 3), `replicasFor("${key}", 3) must not depend on the order nodes joined`).toEqual(
        abc.replicasFor(key, 3),
      );
    }
  });

  it('two tokens at the same position are ordered by node id', () => {
    // a#0 and b#0 collide at 100: the tie-break puts "a" (smaller id) first, whoever joined first.
    const table = { 'a#0': 100, 'b#0': 100, 'c#0': 200, below: 50, on: 100, past: 250 };
    for (const order of [['b', 'c', 'a'], ['a', 'b', 'c'], ['a', 'c', 'b'], ['b', 'a', 'c'], ['c', 'a', 'b'], ['c', 'b', 'a']]) {
      const ring = new HashRing({ hash: tableHash(table) });
      for (const id of order) ring.addNode(id);
      const joined = `(nodes joined as ${order.join(', ')})`;
      expect(ring.nodeFor('on'), `a#0 and b#0 share position 100: the token of the smaller node id ("a") comes first, whichever joined last ${joined}`).toBe('a');
      expect(ring.nodeFor('below'), `a#0 and b#0 share position 100: the token of the smaller node id ("a") comes first ${joined}`).toBe('a');
      expect(ring.nodeFor('past'), `a key past the top must wrap to the first token, a#0 ${joined}`).toBe('a');
      expect(ring.replicasFor('on', 3), `tied tokens are met in node-id order: a, then b, then c ${joined}`).toEqual(['a', 'b', 'c']);
    }
  });

  it('tied node ids compare as plain strings, so "Mocha" comes before "latte"', () => {
    // Plain string comparison (<) orders by UTF-16 code unit: every uppercase letter sorts
    // before every lowercase one. localeCompare would put "latte" first.
    const table = { 'latte#0': 100, 'Mocha#0': 100, 'espresso#0': 200, on: 100, past: 250 };
    const ring = new HashRing({ hash: tableHash(table) });
    for (const id of ['latte', 'espresso', 'Mocha']) ring.addNode(id);
    const why = 'latte#0 and Mocha#0 share position 100; ids compare with plain string comparison ("Mocha" < "latte", as with < in JavaScript), not localeCompare';
    expect(ring.nodeFor('on'), why).toBe('Mocha');
    expect(ring.nodeFor('past'), `a key past the top wraps to the first token: ${why}`).toBe('Mocha');
    expect(ring.replicasFor('on', 3), `tied tokens are met in plain string order of their ids: ${why}`).toEqual(['Mocha', 'latte', 'espresso']);
  });
});

describe('membership changes move few keys', () => {
  const keys = orders(20000);

  it('adding a node moves only the keys the new node now owns', () => {
    const ring = ringOf(baristas(10), 50);
    const before = owners(ring, keys);
    ring.addNode('barista-new');
    const after = owners(ring, keys);
    let moved = 0;
    for (let i = 0; i < keys.length; i++) {
      if (after[i] !== before[i]) moved++;
      if (after[i] !== before[i] && after[i] !== 'barista-new') {
        expect(
          after[i],
          `"${keys[i]}" moved from ${before[i]} to ${after[i]} when barista-new joined: ` +
            'a key may only move to the node that joined',
        ).toBe('barista-new');
      }
    }
    expect(moved, 'the new node must take over some keys').toBeGreaterThan(0);
    expect(moved, 'the 11th node should take roughly 1/11 of the keys, not most of them').toBeLessThan(keys.length / 5);
  });

  it('removing a node moves only that node’s keys', () => {
    const ring = ringOf(baristas(10), 50);
    const before = owners(ring, keys);
    ring.removeNode('barista-4');
    const after = owners(ring, keys);
    for (let i = 0; i < keys.length; i++) {
      if (after[i] === 'barista-4') {
        expect(after[i], `"${keys[i]}" still belongs to barista-4 after removeNode: remove every one of its tokens`).not.toBe(
          'barista-4',
        );
      }
      if (before[i] !== 'barista-4' && after[i] !== before[i]) {
        expect(
          after[i],
          `"${keys[i]}" belonged to ${before[i]}, which stayed, yet moved when barista-4 left: only the leaver's keys may move`,
        ).toBe(before[i]);
      }
    }
  });

  it('adding then removing a node restores the original mapping exactly', () => {
    const ring = ringOf(baristas(6), 40);
    const original = owners(ring, keys);
    ring.addNode('barista-temp');
    ring.removeNode('barista-temp');
    expect(owners(ring, keys), 'after addNode(x) then removeNode(x) every key must be back with its original node').toEqual(
      original,
    );
  });

  it('a node that left can join again and gets its keys back', () => {
    const ring = ringOf(baristas(6), 40);
    const original = owners(ring, keys);
    const replicas = keys.slice(0, 200).map((k) => ring.replicasFor(k, 3));
    ring.removeNode('barista-3');
    ring.addNode('barista-3');
    const after = owners(ring, keys);
    expect(
      after.includes('barista-3'),
      'barista-3 left and joined again but owns no keys: after removeNode(x), x is no longer on the ring, so addNode(x) must place its tokens again',
    ).toBe(true);
    expect(after, 'after a node leaves and joins again, every key must be back with its original node').toEqual(original);
    expect(
      keys.slice(0, 200).map((k) => ring.replicasFor(k, 3)),
      'after a node leaves and joins again, every replica list must be as before',
    ).toEqual(replicas);
  });

  it('removing a node whose token shares a position with another node’s leaves the other token in place', () => {
    const table = { 'a#0': 100, 'b#0': 100, 'c#0': 200, below: 50, on: 100, past: 250 };
    for (const [leaver, stayer] of [['b', 'a'], ['a', 'b']]) {
      const ring = new HashRing({ hash: tableHash(table) });
      for (const id of ['a', 'b', 'c']) ring.addNode(id);
      ring.removeNode(leaver);
      const why = `a#0 and b#0 share position 100; removeNode("${leaver}") must remove ${leaver}'s own token, leaving ${stayer}'s`;
      expect(ring.nodeFor('on'), why).toBe(stayer);
      expect(ring.nodeFor('below'), why).toBe(stayer);
      expect(ring.replicasFor('on', 3), `${why}: the ring now holds ${stayer} and c`).toEqual([stayer, 'c']);
    }
  });

  it('adding a node that is already there changes nothing', () => {
    const ring = ringOf(['a', 'b', 'c'], 8);
    const original = owners(ring, keys);
    const replicas = keys.slice(0, 200).map((k) => ring.replicasFor(k, 3));
    ring.addNode('b');
    expect(owners(ring, keys), 'adding a node that is already on the ring must be a no-op').toEqual(original);
    expect(
      keys.slice(0, 200).map((k) => ring.replicasFor(k, 3)),
      'adding a node that is already on the ring must not change any replica list',
    ).toEqual(replicas);
    ring.removeNode('b');
    expect(owners(ring, keys), 'after adding b twice then removing it once, b must be gone entirely').not.toContain('b');
  });

  it('removing a node that is not there changes nothing', () => {
    const ring = ringOf(['a', 'b', 'c'], 8);
    const original = owners(ring, keys);
    // Asking for more replicas than nodes lists every node the ring believes it holds.
    const replicas = keys.slice(0, 200).map((k) => ring.replicasFor(k, 5));
    ring.removeNode('zzz');
    expect(owners(ring, keys), 'removing a node that is not on the ring must be a no-op').toEqual(original);
    expect(
      keys.slice(0, 200).map((k) => ring.replicasFor(k, 5)),
      'removing a node that is not on the ring must not change any replica list: a, b and c are all still there',
    ).toEqual(replicas);
  });
});

describe('virtual nodes', () => {
  it('a node with vnodes = k hashes "<id>#0" … "<id>#k-1"', () => {
    const hashed = new Set<string>();
    const ring = new HashRing({
      vnodes: 5,
      hash: (s: string) => {
        hashed.add(s);
        return hash32(s);
      },
    });
    ring.addNode('latte');
    ring.addNode('mocha');
    for (const id of ['latte', 'mocha']) {
      for (let i = 0; i < 5; i++) {
        expect([...hashed], `with vnodes = 5, addNode("${id}") must hash "${id}#${i}"`).toContain(`${id}#${i}`);
      }
      expect([...hashed], `with vnodes = 5, tokens are ${id}#0 … ${id}#4: "${id}#5" is one too many`).not.toContain(
        `${id}#5`,
      );
    }
  });

  it('each virtual node owns the keys just below its token', () => {
    // Tokens alternate a, b, a, b, a, b at 100 … 600.
    const table = {
      'a#0': 100, 'b#0': 200, 'a#1': 300, 'b#1': 400, 'a#2': 500, 'b#2': 600,
      k150: 150, k250: 250, k350: 350, k450: 450, k550: 550, k650: 650,
    };
    const ring = new HashRing({ vnodes: 3, hash: tableHash(table) });
    ring.addNode('a');
    ring.addNode('b');
    const expected: Record<string, string> = { k150: 'b', k250: 'a', k350: 'b', k450: 'a', k550: 'b', k650: 'a' };
    for (const [key, owner] of Object.entries(expected)) {
      expect(
        ring.nodeFor(key),
        `with vnodes = 3, "${key}" (at ${table[key as keyof typeof table]}) must belong to ${owner}: every node places tokens <id>#0, <id>#1, <id>#2`,
      ).toBe(owner);
    }
  });

  it('many virtual nodes spread keys evenly over the nodes', () => {
    const ids = baristas(5);
    const ring = ringOf(ids, 200);
    const keys = orders(100000);
    const counts = new Map<string, number>(ids.map((id) => [id, 0]));
    for (const key of keys) {
      const owner = ring.nodeFor(key);
      if (owner === undefined || !counts.has(owner)) {
        expect(owner, `nodeFor("${key}") returned ${owner}, not one of the five nodes`).toBe('one of the five nodes');
      }
      counts.set(owner as string, (counts.get(owner as string) ?? 0) + 1);
    }
    for (const id of ids) {
      const share = (counts.get(id) ?? 0) / keys.length;
      const msg = `with 5 nodes × 200 vnodes, ${id} got ${(share * 100).toFixed(1)}% of the keys; each should get 15–25%`;
      expect(share, msg).toBeGreaterThanOrEqual(0.15);
      expect(share, msg).toBeLessThanOrEqual(0.25);
    }
  });
});

describe('replicas', () => {
  // Two tokens per node, next to each other: a a b b c c.
  const twoEach = {
    'a#0': 100, 'a#1': 150, 'b#0': 200, 'b#1': 250, 'c#0': 300, 'c#1': 350,
    k90: 90, k160: 160, k260: 260, k360: 360,
  };
  const pairedRing = (): Ring => {
    const ring = new HashRing({ vnodes: 2, hash: tableHash(twoEach) });
    for (const id of ['a', 'b', 'c']) ring.addNode(id);
    return ring;
  };

  it('the replicas are distinct nodes, skipping further tokens of nodes already chosen', () => {
    const ring = pairedRing();
    expect(ring.replicasFor('k90', 3), 'tokens from 90 run a, a, b, b, c: skip a node already chosen').toEqual(['a', 'b', 'c']);
    expect(ring.replicasFor('k90', 2), 'tokens from 90 run a, a, b: the second replica is b, not a again').toEqual(['a', 'b']);
  });

  it('the replica list wraps around past the highest token', () => {
    const ring = pairedRing();
    expect(ring.replicasFor('k260', 3), 'from 260 the tokens run c, c, then wrap around to a, a, b').toEqual(['c', 'a', 'b']);
    expect(ring.replicasFor('k360', 2), 'from 360, past every token, wrap around to a, a, b').toEqual(['a', 'b']);
    expect(ring.replicasFor('k160', 3), 'from 160 the tokens run b, b, c, c, then wrap around to a').toEqual(['b', 'c', 'a']);
  });

  it('asking for more replicas than nodes returns every node once', () => {
    const ring = pairedRing();
    expect(ring.replicasFor('k90', 5), 'with 3 nodes, asking for 5 replicas must return the 3 nodes, each once').toEqual([
      'a',
      'b',
      'c',
    ]);
    const big = ringOf(baristas(4), 50);
    for (const key of orders(300)) {
      const replicas = big.replicasFor(key, 10);
      if (replicas.length === 4 && new Set(replicas).size === 4) continue;
      expect(replicas, `replicasFor("${key}", 10) on a 4-node ring must return all 4 nodes`).toHaveLength(4);
      expect(new Set(replicas).size, `replicasFor("${key}", 10) must not list a node twice`).toBe(4);
    }
  });

  it('asking for zero replicas gives an empty list', () => {
    expect(pairedRing().replicasFor('k90', 0), 'replicasFor(key, 0) must return []').toEqual([]);
  });

  it('the first replica is the key’s owner', () => {
    const ring = ringOf(baristas(7), 30);
    for (const key of orders(3000)) {
      const replicas = ring.replicasFor(key, 3);
      const owner = ring.nodeFor(key);
      if (replicas.length === 3 && replicas[0] === owner && new Set(replicas).size === 3) continue;
      expect(replicas, `replicasFor("${key}", 3) must return 3 nodes on a 7-node ring`).toHaveLength(3);
      expect(replicas[0], `replicasFor("${key}", 3) must start with nodeFor("${key}")`).toBe(owner);
      expect(new Set(replicas).size, `replicasFor("${key}", 3) must list 3 distinct nodes`).toBe(3);
    }
  });
});

describe('scale', () => {
  it('a ring of 50 nodes × 100 vnodes answers 100,000 lookups', () => {
    const ids = baristas(50);
    const ring = ringOf(ids, 100);
    const members = new Set(ids);
    const counts = new Map<string, number>();
    for (const key of orders(100000)) {
      const owner = ring.nodeFor(key) as string;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    for (const [owner, count] of counts) {
      expect(members.has(owner), `nodeFor returned "${owner}", which is not on the ring`).toBe(true);
      expect(count, `${owner} got ${count} of 100,000 keys; with 100 vnodes each node should get about 2,000`).toBeGreaterThan(1000);
    }
    expect(counts.size, 'with 100 vnodes each, every one of the 50 nodes must own some keys').toBe(50);
    for (const key of orders(10000)) {
      const replicas = ring.replicasFor(key, 3);
      if (replicas.length === 3 && new Set(replicas).size === 3) continue;
      expect(replicas, `replicasFor("${key}", 3) must return 3 nodes`).toHaveLength(3);
      expect(new Set(replicas).size, `replicasFor("${key}", 3) must list 3 distinct nodes`).toBe(3);
    }
  });
});
