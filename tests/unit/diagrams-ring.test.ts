/**
 * The ring diagram's model: placed as the hash-ring exercise places tokens, moving only the
 * keys it must on a join or a leave, and spreading keys more evenly with more tokens.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hash32 } from '@baristas/sim';
import { HashRing } from '../../sandboxes/hash-ring/solution.ts';
import { KEYS_DEFAULT, RingModel, buildTokens, imbalance, loadOf, ownerIndex, ownersOf, sharesOf, tokenName } from '../../src/components/diagrams/internal/ring-model.ts';

const keys = Array.from({ length: 1000 }, (_, i) => `customer-${i + 1}`);
const baristas = (n: number) => Array.from({ length: n }, (_, i) => `barista-${i + 1}`);

/** Whether position p lies on the arc (from, to], going clockwise and wrapping past the top. */
const onArc = (p: number, from: number, to: number) => (from < to ? p > from && p <= to : p > from || p <= to);

describe('the ring model', () => {
  it("names and hashes tokens as the exercise does, and agrees with the reference HashRing's owners", () => {
    expect(tokenName('latte', 3)).toBe('latte#3');
    for (const vnodes of [1, 4, 32]) {
      const ring = new HashRing({ vnodes });
      const ids = ['barista-3', 'barista-1', 'barista-2', 'barista-4'];
      for (const id of ids) ring.addNode(id);
      const owners = ownersOf(keys, buildTokens(ids, vnodes));
      for (const key of keys) expect(owners.get(key)).toBe(ring.nodeFor(key));
    }
    expect(buildTokens(['a'], 2).map((t) => t.position)).toEqual([hash32('a#0'), hash32('a#1')].sort((x, y) => x - y));
  });

  it('on a join, moves only keys between one of the new barista’s tokens and its predecessor, all to the new barista', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 16 }), (n, vnodes) => {
        const model = new RingModel(baristas(n), vnodes, keys);
        const before = new Map(model.owners);
        const tokensBefore = model.tokens;
        const added = model.add();
        const mine = model.tokens.filter((t) => t.barista === added);
        // The predecessor of each new token among the tokens that were there before.
        const arcs = mine.map((t) => {
          const prev = [...tokensBefore].reverse().find((o) => o.position < t.position) ?? tokensBefore.at(-1)!;
          return [prev.position, t.position] as const;
        });
        for (const key of keys) {
          const moved = model.owners.get(key) !== before.get(key);
          const inArc = arcs.some(([from, to]) => onArc(hash32(key), from, to));
          expect(moved).toBe(inArc);
          if (moved) expect(model.owners.get(key)).toBe(added);
        }
        expect(model.moved.length).toBe(keys.filter((k) => model.owners.get(k) !== before.get(k)).length);
      }),
      { numRuns: 60 },
    );
  });

  it("on a leave, moves exactly the removed barista's keys", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 16 }), fc.nat(), (n, vnodes, pick) => {
        const model = new RingModel(baristas(n), vnodes, keys);
        const before = new Map(model.owners);
        const gone = model.baristas[pick % n]!;
        model.remove(gone);
        const expected = keys.filter((k) => before.get(k) === gone);
        expect(model.moved.map((m) => m.key)).toEqual(expected);
        for (const m of model.moved) expect(m.from).toBe(gone);
      }),
      { numRuns: 60 },
    );
  });

  it('adding tokens per barista keeps the old tokens, so a key moves only into an arc a new token took', () => {
    const model = new RingModel(baristas(4), 4, keys);
    const old = new Set(model.tokens.map((t) => `${t.barista}@${t.position}`));
    model.setVnodes(8);
    expect(model.last).toEqual({ kind: 'vnodes', from: 4, to: 8 });
    expect(model.tokens.filter((t) => old.has(`${t.barista}@${t.position}`))).toHaveLength(16);
    expect(model.moved.length).toBeGreaterThan(0);
    for (const m of model.moved) {
      const owner = model.tokens[ownerIndex(model.tokens, hash32(m.key))]!;
      expect(old.has(`${owner.barista}@${owner.position}`)).toBe(false);
    }
    model.setVnodes(4);
    expect(model.moved.length).toBeGreaterThan(0);
  });

  it('spreads the load more evenly with more virtual nodes, in ring share and in keys', () => {
    const share = (n: number, vnodes: number) => imbalance(sharesOf(baristas(n), buildTokens(baristas(n), vnodes)));
    const mean = (vnodes: number) => [2, 3, 4, 5, 6, 7, 8].reduce((sum, n) => sum + share(n, vnodes), 0) / 7;
    expect(mean(1)).toBeGreaterThan(1.5);
    expect(mean(16)).toBeLessThan(mean(1));
    expect(mean(256)).toBeLessThan(mean(16));
    for (let n = 2; n <= 8; n++) expect(share(n, 256)).toBeLessThan(1.15);
    const shares = sharesOf(baristas(5), buildTokens(baristas(5), 7));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(sharesOf(['a'], buildTokens(['a'], 1))).toEqual([1]);

    const keysRatio = (vnodes: number) => imbalance(loadOf(baristas(5), ownersOf(keys, buildTokens(baristas(5), vnodes))));
    expect(keysRatio(1)).toBeGreaterThan(1.5);
    expect(keysRatio(256)).toBeLessThan(1.2);
  });

  it('uses two hundred keys by default, reuses the lowest free barista number, and never depends on join order', () => {
    expect(KEYS_DEFAULT).toHaveLength(200);
    const model = new RingModel(baristas(3), 4);
    model.remove('barista-2');
    expect(model.add()).toBe('barista-2');
    expect(model.baristas).toEqual(baristas(3));
    const other = new RingModel(['barista-3', 'barista-1', 'barista-2'], 4);
    expect([...other.owners]).toEqual([...model.owners]);
  });
});
