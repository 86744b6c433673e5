/**
 * The quorum playground's model, a real `Simulation`: with R + W ≤ N some sequence of actions
 * gives a stale read, with R + W > N none does, and an operation that cannot gather its quorum
 * fails instead of hanging.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { N_MAX, QuorumModel, overlaps, replicaIds, type Fault, type Settings } from '../../src/components/diagrams/internal/quorum-model.ts';

const settings = fc
  .integer({ min: 1, max: N_MAX })
  .chain((n) => fc.record({ n: fc.constant(n), r: fc.integer({ min: 1, max: n }), w: fc.integer({ min: 1, max: n }) }));

type Action = { a: 'read' } | { a: 'write' } | { a: 'fault'; i: number; fault: Fault | undefined };
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.constant({ a: 'read' as const }),
  fc.constant({ a: 'write' as const }),
  fc.record({ a: fc.constant('fault' as const), i: fc.nat({ max: N_MAX - 1 }), fault: fc.constantFrom<Fault | undefined>('crashed', 'cut', undefined) }),
);

function play(s: Settings, actions: Action[]) {
  const model = new QuorumModel(s);
  const reports = [];
  for (const x of actions) {
    if (x.a === 'read') reports.push(model.read());
    else if (x.a === 'write') reports.push(model.write());
    else model.setFault(model.replicas[x.i % s.n]!, x.fault);
  }
  return reports;
}

describe('the quorum model', () => {
  it('starts with version 1 on every barista, written with all of them up', () => {
    const model = new QuorumModel({ n: 3, r: 2, w: 2 });
    for (const id of replicaIds(3)) expect(model.versionOf(id)).toEqual({ v: 1, drink: 'flat white' });
    expect(model.read()).toMatchObject({ ok: true, value: { v: 1 }, needed: 2 });
  });

  it('shows a stale read for every N, R, W with R + W ≤ N, and says which write it missed', () => {
    for (let n = 1; n <= N_MAX; n++)
      for (let r = 1; r <= n; r++)
        for (let w = 1; r + w <= n; w++) {
          const model = new QuorumModel({ n, r, w });
          const ids = model.replicas;
          // Only the first W baristas hear the write; then only the others answer the read.
          for (const id of ids.slice(w)) model.setFault(id, 'cut');
          const write = model.write();
          expect(write).toMatchObject({ ok: true, quorum: ids.slice(0, w) });
          for (const id of ids.slice(w)) model.setFault(id, undefined);
          for (const id of ids.slice(0, w)) model.setFault(id, id === ids[0] ? 'crashed' : 'cut');
          const read = model.read();
          expect(read.ok).toBe(true);
          expect(read.value?.v).toBe(1);
          expect(read.missed).toEqual({ value: write.value, ackedBy: ids.slice(0, w) });
          expect(read.quorum.some((id) => read.missed!.ackedBy.includes(id))).toBe(false);
        }
  });

  it('never gives a stale read when R + W > N, whatever the crashes and cuts', () => {
    fc.assert(
      fc.property(
        settings.filter(overlaps),
        fc.array(action, { maxLength: 25 }),
        (s, actions) => {
          for (const report of play(s, actions)) expect(report.missed).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('sees stale reads in random runs when R + W ≤ N, so the property above is not vacuous', () => {
    const found = fc.sample(fc.tuple(settings.filter((s) => !overlaps(s)), fc.array(action, { minLength: 5, maxLength: 25 })), { numRuns: 400, seed: 42 }).some(
      ([s, actions]) => play(s, actions).some((r) => r.missed),
    );
    expect(found).toBe(true);
  });

  it('fails an operation that cannot gather its quorum, naming who answered', () => {
    const model = new QuorumModel({ n: 3, r: 2, w: 2 });
    model.setFault('barista-2', 'crashed');
    model.setFault('barista-3', 'cut');
    const write = model.write();
    expect(write).toMatchObject({ ok: false, needed: 2, quorum: ['barista-1'], silent: ['barista-2', 'barista-3'] });
    const read = model.read();
    expect(read).toMatchObject({ ok: false, quorum: ['barista-1'] });
    // Healing lets the next one through, and the crashed barista kept its notepad.
    model.setFault('barista-2', undefined);
    model.setFault('barista-3', undefined);
    expect(model.versionOf('barista-2')).toEqual({ v: 1, drink: 'flat white' });
    expect(model.write()).toMatchObject({ ok: true });
  });

  it('reports late answers separately from the quorum, and is deterministic', () => {
    const run = () => {
      const model = new QuorumModel({ n: 5, r: 1, w: 1 });
      return [model.write(), model.read(), model.write()];
    };
    const [w] = run();
    expect(w!.quorum).toHaveLength(1);
    expect(w!.late).toHaveLength(4);
    expect(w!.silent).toEqual([]);
    expect(run()).toEqual(run());
  });
});
