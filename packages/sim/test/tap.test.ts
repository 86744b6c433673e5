import { describe, expect, it } from 'vitest';
import { Simulation, tapSends } from '../src/testing.ts';

describe('tapSends', () => {
  it('reports each send before it goes out, and the message still arrives', () => {
    const sim = new Simulation({ seed: 1, delay: { kind: 'fixed', ms: 5 } });
    const seen: [string, unknown, number][] = [];
    const got: unknown[] = [];
    sim.addNode('a', (node) =>
      ((tapped) => ({
        onStart: () => {
          tapped.send('b', { n: 1 });
          tapped.setTimer(10, () => tapped.send('b', { n: 2 }));
        },
      }))(tapSends(node, (to, body) => seen.push([to, body, node.now()]))),
    );
    sim.addNode('b', () => ({ onMessage: (_from, body) => void got.push(body) }));
    sim.run();
    expect(seen).toEqual([
      ['b', { n: 1 }, 0],
      ['b', { n: 2 }, 10],
    ]);
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('passes the rest of the node through: id, peers, storage, clock', () => {
    const sim = new Simulation({ seed: 1 });
    let checked = false;
    sim.addNode('a', (node) => {
      const tapped = tapSends(node, () => {});
      return {
        onStart: () => {
          tapped.storage.set('k', 1);
          expect([tapped.id, tapped.peers, node.storage.get('k'), tapped.now()]).toEqual(['a', ['b'], 1, node.now()]);
          checked = true;
        },
      };
    });
    sim.addNode('b', () => ({}));
    sim.run();
    expect(checked).toBe(true);
  });
});
